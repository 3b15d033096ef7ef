/** The debtors module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { DEBTOR_FILTERS, type DebtorFilter } from './filters';
export {
  describeEvent,
  pauseReasonLabel,
  templateLabel,
  TIMELINE_LIMIT,
  type TimelineEvent,
} from './timeline';
export {
  type AbandonedRun,
  type Collapsed,
  collapseInvoiceHistory,
  collapseTimeline,
  formatSpan,
} from './timeline-collapse';
