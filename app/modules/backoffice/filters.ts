/** The filter values of the back-office lists (shared by the routes' forms and the queries). */
export const INVOICE_STATUS_FILTERS = ['all', 'open', 'overdue', 'paid', 'credited', 'written_off'] as const;
export type InvoiceStatusFilter = (typeof INVOICE_STATUS_FILTERS)[number];

export const PAUSE_FILTERS = [
  'any',
  'none',
  'paused',
  'payment_pending',
  'payment_plan',
  'promise_to_pay',
  'dispute',
  'manual',
] as const;
export type PauseFilter = (typeof PAUSE_FILTERS)[number];
