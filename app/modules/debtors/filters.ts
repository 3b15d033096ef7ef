/** The filter values of the back-office debtor list (shared by the route's form and the query). */
export const DEBTOR_FILTERS = ['all', 'overdue', 'flagged', 'paused'] as const;
export type DebtorFilter = (typeof DEBTOR_FILTERS)[number];
