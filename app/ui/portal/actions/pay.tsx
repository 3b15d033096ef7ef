import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { ActionContext, OverviewContext } from './types';

/** "Betaal deze factuur": straight to paying this one invoice (in full or in part). */
export function invoiceActions({ invoice, t }: ActionContext): ReactNode[] {
  if (invoice.status !== 'open') return [];
  return [
    <Link
      key="pay"
      to={`/portal/pay?invoice=${invoice.id}`}
      className="button"
      aria-label={t('pay.action.payInvoiceFor', { number: invoice.number })}
    >
      {t('pay.action.payInvoice')}
    </Link>,
  ];
}

/** The overview's primary action: one tap to the payment page, with everything overdue preselected. */
export function overviewActions({ openCount, t }: OverviewContext): ReactNode[] {
  if (openCount === 0) return [];
  return [
    <Link key="pay" to="/portal/pay" className="button block pay-primary">
      {t('pay.action.pay')}
    </Link>,
  ];
}
