import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getPortalHistory } from '../modules/portal/portal.server';
import { requireDebtor } from '../modules/portal/session.server';
import { StatusBadge } from '../ui/portal/status-badge';
import { formatDate } from '../utils/i18n';
import { useLocale, useT } from '../utils/i18n/react';
import { formatMoney } from '../utils/money';

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  return { invoices: await getPortalHistory(session) };
}

export default function PortalHistory() {
  const { invoices } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="stack">
      <h1>{t('portal.paidHistory.title')}</h1>
      {invoices.length === 0 ? (
        <p className="card">{t('portal.paidHistory.empty')}</p>
      ) : (
        <ul className="invoice-list">
          {invoices.map((invoice) => (
            <li key={invoice.id} className="card invoice-card">
              <div className="invoice-card-head">
                <h2 className="h3">
                  <Link to={`/portal/invoices/${invoice.id}`}>{t('portal.invoice.number', { number: invoice.number })}</Link>
                </h2>
                <StatusBadge invoice={invoice} />
              </div>
              <p>
                <span className="amount strong">{formatMoney(invoice.totalCents, 'EUR', locale)}</span>
                {invoice.settledAt ? (
                  <span className="muted"> · {t('portal.paidHistory.settledOn', { date: formatDate(new Date(invoice.settledAt), locale) })}</span>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
