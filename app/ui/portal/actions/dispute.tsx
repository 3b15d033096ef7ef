import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { ActionContext, OverviewContext } from './types';

/**
 * "Bezwaar maken" on an open invoice. While a dispute holds the invoice, the same place links
 * to that dispute instead (the dispute page redirects to the open thread).
 */
export function invoiceActions({ invoice, t }: ActionContext): ReactNode[] {
  if (invoice.status !== 'open' || invoice.openCents <= 0) return [];
  const disputed = invoice.next.kind === 'paused' && invoice.next.reason === 'dispute';
  return [
    <Link
      key="dispute"
      to={`/portal/invoices/${invoice.id}/dispute`}
      className="button secondary"
      aria-label={t(disputed ? 'dispute.action.viewFor' : 'dispute.action.openFor', { number: invoice.number })}
    >
      {t(disputed ? 'dispute.action.view' : 'dispute.action.open')}
    </Link>,
  ];
}

/** Disputes are per invoice: nothing over all open invoices. */
export function overviewActions(_ctx: OverviewContext): ReactNode[] {
  return [];
}
