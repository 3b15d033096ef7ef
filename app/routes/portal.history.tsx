import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import {
  getMoneyHistory,
  getSettledInvoices,
  MONEY_HISTORY_LIMIT,
  type MoneyHistoryEntry,
} from '~/modules/portal/index.server';
import { paymentMethodMessage, receiptNumber } from '~/modules/portal/index';
import { requireDebtor } from '~/modules/links/index.server';
import payStyles from '~/styles/pay.css';
import { formatDate, formatDateTime, translate, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

/** Every money entry of the debtor (payments, transfers, credits, credit used, money given back), then the settled invoices. */
export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const [locale, history, invoices] = await Promise.all([
    getLocale(request),
    getMoneyHistory(session),
    getSettledInvoices(session),
  ]);
  return {
    entries: history.entries,
    truncated: history.truncated,
    invoices,
    organizationName: session.organization.name,
    title: `${translate(locale, 'portal.moneyHistory.title')} · ${session.organization.name}`,
  };
}

function headingKey(entry: MoneyHistoryEntry): MessageKey {
  if (entry.kind === 'reversal') return `portal.moneyHistory.kind.${entry.reversal ?? 'refund'}`;
  return `portal.moneyHistory.kind.${entry.kind}`;
}

const STATUS_BADGE: Record<string, string> = { paid: 'ok', credited: 'neutral', written_off: 'neutral' };

export default function PortalHistory() {
  const { entries, truncated, invoices, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  return (
    <div className="stack money-page">
      <div>
        <h1>{t('portal.moneyHistory.title')}</h1>
        <p className="muted">{t('portal.moneyHistory.intro', { organization: organizationName })}</p>
      </div>
      {entries.length === 0 ? (
        <p className="card">{t('portal.moneyHistory.empty')}</p>
      ) : (
        <ul className="invoice-list money-history" data-testid="money-history">
          {entries.map((entry) => {
            const headingId = `money-${entry.key.replace(/[^\w-]/g, '')}`;
            const back = entry.kind === 'reversal';
            return (
              <li key={entry.key} className="card invoice-card" data-kind={entry.kind}>
                <div className="invoice-card-head">
                  <h2 className="h3" id={headingId}>
                    {t(headingKey(entry), { organization: organizationName })}
                  </h2>
                  <span className="amount strong" data-testid="money-amount">
                    {back ? `− ${money(entry.amountCents)}` : money(entry.amountCents)}
                  </span>
                </div>
                <p className="muted small">
                  {formatDateTime(entry.at, locale)}
                  {entry.kind !== 'write_off' && entry.kind !== 'credit_used'
                    ? ` · ${t(paymentMethodMessage(entry.method), { organization: organizationName })}`
                    : ''}
                </p>
                {entry.kind === 'write_off' ? (
                  <p className="small">{t('portal.moneyHistory.writeOffNote', { organization: organizationName })}</p>
                ) : null}
                {entry.invoices.length > 0 ? (
                  <ul className="settled-by small" aria-label={t('portal.moneyHistory.invoices')}>
                    {entry.invoices.map((invoice) => (
                      <li key={invoice.id}>
                        <Link to={`/portal/invoices/${invoice.id}`}>
                          {t('portal.moneyHistory.toInvoice', {
                            number: invoice.number,
                            amount: money(invoice.amountCents),
                          })}
                        </Link>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {entry.creditCents > 0 ? (
                  <p className="small">
                    {t(back ? 'portal.moneyHistory.fromCredit' : 'portal.moneyHistory.toCredit', {
                      amount: money(entry.creditCents),
                    })}
                  </p>
                ) : null}
                {entry.receiptId ? (
                  <p className="small receipt-ref">
                    <Link to={`/portal/receipts/${entry.receiptId}`}>
                      {t('portal.moneyHistory.receipt', { number: receiptNumber(entry.receiptId) })}
                    </Link>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {truncated ? (
        <p className="muted">
          {tn('portal.moneyHistory.truncated', MONEY_HISTORY_LIMIT, { organization: organizationName })}
        </p>
      ) : null}

      {invoices.length > 0 ? (
        <section className="card" aria-labelledby="settled-title">
          <h2 id="settled-title" className="h3">
            {t('portal.moneyHistory.settledTitle')}
          </h2>
          <ul className="receipt-lines" data-testid="settled-invoices">
            {invoices.map((invoice) => (
              <li key={invoice.id}>
                <span className="receipt-line-head">
                  <Link to={`/portal/invoices/${invoice.id}`}>
                    {t('portal.invoice.number', { number: invoice.number })}
                  </Link>
                  <span className={`badge ${STATUS_BADGE[invoice.status] ?? 'neutral'}`}>
                    {t(`portal.status.${invoice.status}`)}
                  </span>
                </span>
                <span className="muted small">
                  {money(invoice.totalCents)}
                  {invoice.settledAt
                    ? ` · ${t('portal.paidHistory.settledOn', { date: formatDate(new Date(invoice.settledAt), locale) })}`
                    : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
