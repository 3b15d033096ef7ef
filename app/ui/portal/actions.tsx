import type { PortalInvoice } from '~/modules/portal/index.server';
import { useT } from '~/utils/i18n/react';
import * as dispute from './actions/dispute';
import * as pay from './actions/pay';
import * as plan from './actions/plan';

/**
 * The debtor's actions, contributed by each feature from its own file under ./actions
 * (pay, plan/promise, dispute). A feature whose pages do not exist yet contributes nothing.
 */
const features = [pay, plan, dispute];

export function InvoiceActions({
  invoice,
}: {
  invoice: Pick<PortalInvoice, 'id' | 'number' | 'status' | 'next' | 'openCents' | 'overdueDays'>;
}) {
  const t = useT();
  if (invoice.status !== 'open') return null;
  const actions = features.flatMap((f) => f.invoiceActions({ invoice, t }));
  if (actions.length === 0) return null;
  return <div className="actions invoice-actions">{actions}</div>;
}

export function OverviewActions({ openCount, overdueCount }: { openCount: number; overdueCount: number }) {
  const t = useT();
  if (openCount === 0) return null;
  const actions = features.flatMap((f) => f.overviewActions({ openCount, overdueCount, t }));
  if (actions.length === 0) return null;
  return <div className="actions overview-actions">{actions}</div>;
}
