/**
 * The props of a dunning email and the bookkeeping the engine keeps inside them (`dunning`):
 * per invoice what the step changed, so the send-time re-check can drop an invoice, restate
 * the amounts without it, and undo the step for it. Pure.
 */
import type { EmailInvoice, EmailLocale, EmailOrganization } from '~emails/render';
import { consumerLetterCosts } from './amounts';
import { isDunningTemplate, type DebtorKind, type DunningTemplate } from './policy';

/** The invoice's dunning fields before the step, to restore them if the step is withdrawn. */
export type StepBefore = {
  stage: number;
  nextActionAt: string | null;
  costsCents: number;
  interestCents: number;
  finalNoticeAt: string | null;
  collectionAt: string | null;
};

export type DunningItem = {
  invoiceId: string;
  invoice: EmailInvoice;
  /** The invoice's costs and interest after the step (what the message shows for it). */
  costsCents: number;
  interestCents: number;
  /** Consumer final notice: this invoice's share of the costs the letter announces. */
  announcedCostsCents: number;
  before: StepBefore;
};

export type DunningMeta = {
  version: 1;
  /** Steps done once this message is out (the invoices' dunning_stage after the step). */
  stage: number;
  stageKey: string;
  template: DunningTemplate;
  kind: DebtorKind;
  /** A consumer final notice: announces costs owed after the 14-day term. */
  letter: boolean;
  /** The day ('YYYY-MM-DD', Europe/Amsterdam) of the step; amounts are as of this day. */
  asOf: string;
  items: DunningItem[];
};

export type DunningEmailProps = {
  locale: EmailLocale;
  organization: EmailOrganization;
  debtor: { name: string; kind: DebtorKind };
  portalUrl: string;
  invoices: EmailInvoice[];
  totals: { openCents: number; costsCents: number | null; interestCents: number | null };
  /** Final notices compute their terms from this day. */
  sentOn?: string;
  dunning: DunningMeta;
};

/** Recomputes the consumer letter's announced shares for the items it covers (in place on a copy). */
export function withLetterShares(meta: DunningMeta): DunningMeta {
  if (!meta.letter) return meta;
  const { sharesCents } = consumerLetterCosts(meta.items.map((i) => i.invoice.openCents));
  return { ...meta, items: meta.items.map((item, n) => ({ ...item, announcedCostsCents: sharesCents[n] })) };
}

export function totalsFor(meta: DunningMeta): DunningEmailProps['totals'] {
  const openCents = sum(meta.items.map((i) => i.invoice.openCents));
  const interestCents = sum(meta.items.map((i) => i.interestCents));
  const costsCents = meta.letter
    ? consumerLetterCosts(meta.items.map((i) => i.invoice.openCents)).totalCents
    : sum(meta.items.map((i) => i.costsCents));
  return { openCents, costsCents: costsCents || null, interestCents: interestCents || null };
}

export function buildDunningProps(input: {
  locale: EmailLocale;
  organization: EmailOrganization;
  debtor: { name: string; kind: DebtorKind };
  portalUrl: string;
  meta: DunningMeta;
}): DunningEmailProps {
  const meta = withLetterShares(input.meta);
  return {
    locale: input.locale,
    organization: input.organization,
    debtor: input.debtor,
    portalUrl: input.portalUrl,
    invoices: meta.items.map((i) => i.invoice),
    totals: totalsFor(meta),
    ...(meta.template === 'final_notice' ? { sentOn: meta.asOf } : {}),
    dunning: meta,
  };
}

/** The same message restricted to some of its invoices (the re-render before sending). */
export function restrictProps(props: DunningEmailProps, keepInvoiceIds: ReadonlySet<string>): DunningEmailProps {
  const meta = withLetterShares({
    ...props.dunning,
    items: props.dunning.items.filter((i) => keepInvoiceIds.has(i.invoiceId)),
  });
  return { ...props, invoices: meta.items.map((i) => i.invoice), totals: totalsFor(meta), dunning: meta };
}

/** The engine's bookkeeping in a communication's props, or null for a message the engine did not write. */
export function readDunningProps(props: unknown): DunningEmailProps | null {
  if (typeof props !== 'object' || props === null) return null;
  const meta = (props as { dunning?: unknown }).dunning;
  if (typeof meta !== 'object' || meta === null) return null;
  const m = meta as Partial<DunningMeta>;
  if (m.version !== 1 || !Array.isArray(m.items) || typeof m.stage !== 'number' || !isDunningTemplate(m.template)) {
    return null;
  }
  return props as DunningEmailProps;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
