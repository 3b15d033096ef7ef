import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getPortalHistory } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { moneyEntryText } from '~/ui/portal/money-entry-text';
import { StatusBadge } from '~/ui/portal/status-badge';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const locale = await getLocale(request);
  return {
    invoices: await getPortalHistory(session),
    title: `${translate(locale, 'portal.paidHistory.title')} · ${session.organization.name}`,
  };
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
                  <Link to={`/portal/invoices/${invoice.id}`}>
                    {t('portal.invoice.number', { number: invoice.number })}
                  </Link>
                </h2>
                <StatusBadge invoice={invoice} />
              </div>
              <p>
                <span className="amount strong">{formatMoney(invoice.totalCents, 'EUR', locale)}</span>
                {invoice.settledAt ? (
                  <span className="muted">
                    {' '}
                    · {t('portal.paidHistory.settledOn', { date: formatDate(new Date(invoice.settledAt), locale) })}
                  </span>
                ) : null}
              </p>
              {invoice.money.length > 0 ? (
                <ul className="settled-by small" aria-label={t('portal.paidHistory.how')} data-testid="settled-by">
                  {invoice.money.map((entry, i) => (
                    <li key={i}>
                      {moneyEntryText(entry, t, locale)}
                      <span className="muted"> · {formatDate(new Date(entry.at), locale)}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
