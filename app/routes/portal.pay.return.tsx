import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getPaymentOutcome } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import payStyles from '~/styles/pay.css';
import { notFound } from '~/utils/http.server';
import { translate, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];

/** While the payment is not final the page reloads itself every 3 s (works without JavaScript). */
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? 'Voldaan' },
  ...(data && !data.outcome.final ? [{ httpEquiv: 'refresh', content: '3' }] : []),
];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  // Only our payment id is read from the address; its status comes from the provider and the ledger.
  const outcome = await getPaymentOutcome(session, new URL(request.url).searchParams.get('payment') ?? '');
  if (!outcome) notFound();
  const locale = await getLocale(request);
  return {
    outcome,
    organizationName: session.organization.name,
    title: `${translate(locale, titleKey(outcome.status, outcome.provider))} · ${session.organization.name}`,
  };
}

function titleKey(status: string, provider?: string): MessageKey {
  if (status === 'paid' && provider === 'debtor_credit') return 'pay.return.title.credit';
  switch (status) {
    case 'paid':
    case 'failed':
    case 'canceled':
    case 'expired':
    case 'refunded':
    case 'charged_back':
      return `pay.return.title.${status}`;
    default:
      return 'pay.return.title.pending';
  }
}

export default function PaymentReturn() {
  const { outcome, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const status = outcome.status;
  const unsuccessful = status === 'failed' || status === 'canceled' || status === 'expired';
  const reversed = status === 'refunded' || status === 'charged_back';
  const retryQuery = outcome.invoices
    .filter((i) => i.status === 'open')
    .map((i) => `invoice=${i.id}`)
    .join('&');

  return (
    <div className="stack pay pay-result" data-status={status}>
      {!outcome.final ? (
        <section className="card result pending" aria-live="polite">
          <h1>{t('pay.return.title.pending')}</h1>
          <p className="spinner-line">
            <span className="spinner" aria-hidden="true" /> {t('pay.return.pending')}
          </p>
          {outcome.checkFailed ? <p className="hint">{t('pay.return.checkFailed')}</p> : null}
          <p>
            <Link to={`/portal/pay/return?payment=${outcome.id}`} reloadDocument className="button secondary">
              {t('pay.return.refresh')}
            </Link>
          </p>
        </section>
      ) : null}

      {status === 'paid' ? (
        <section className="card result paid" aria-labelledby="result-title">
          <h1 id="result-title">{t(titleKey(status, outcome.provider))}</h1>
          <p className="alert success" role="status">
            {outcome.provider === 'debtor_credit'
              ? t('pay.return.paidWithCredit', { amount: money(outcome.amountCents) })
              : t('pay.return.paid', { amount: money(outcome.amountCents) })}
          </p>
          {outcome.provider !== 'debtor_credit' && outcome.creditUsedCents > 0 ? (
            <p className="alert info">{t('pay.return.creditAlso', { amount: money(outcome.creditUsedCents) })}</p>
          ) : null}
          <ul className="result-list">
            {outcome.invoices
              .filter((i) => i.allocatedCents > 0)
              .map((i) => (
                <li key={i.id} data-testid="result-invoice">
                  {i.status === 'paid'
                    ? t('pay.return.invoicePaid', { number: i.number, amount: money(i.allocatedCents) })
                    : t('pay.return.invoicePartial', {
                        number: i.number,
                        amount: money(i.allocatedCents),
                        open: money(i.owedCents),
                      })}
                </li>
              ))}
          </ul>
          {outcome.creditedCents > 0 ? (
            <p className="alert info">{t('pay.return.credited', { amount: money(outcome.creditedCents) })}</p>
          ) : null}
          <p>
            {outcome.remainingCents > 0
              ? t('pay.return.remaining', { amount: money(outcome.remainingCents) })
              : t('pay.return.allPaid')}
          </p>
          <div className="actions">
            <Link to={`/portal/receipts/${outcome.id}`} className="button" data-testid="receipt-link">
              {t('pay.return.receipt')}
            </Link>
            <Link to="/portal" className="button secondary">
              {t('pay.return.overview')}
            </Link>
          </div>
        </section>
      ) : null}

      {unsuccessful ? (
        <section className="card result unsuccessful" aria-labelledby="result-title">
          <h1 id="result-title">{t(titleKey(status))}</h1>
          <p className="alert warn" role="status">
            {t('pay.return.unsuccessful')}
          </p>
          {outcome.creditUsedCents > 0 ? (
            <p className="alert info">{t('pay.return.creditKept', { amount: money(outcome.creditUsedCents) })}</p>
          ) : null}
          <div className="actions">
            <Link
              to={retryQuery && outcome.invoices.length === 1 ? `/portal/pay?${retryQuery}` : '/portal/pay'}
              className="button"
            >
              {t('pay.return.tryAgain')}
            </Link>
            {retryQuery ? (
              <Link to={`/portal/pay/transfer?${retryQuery}`} className="button secondary">
                {t('pay.return.transfer')}
              </Link>
            ) : null}
            <Link to="/portal" className="button quiet">
              {t('pay.return.overview')}
            </Link>
          </div>
        </section>
      ) : null}

      {reversed ? (
        <section className="card result reversed" aria-labelledby="result-title">
          <h1 id="result-title">{t(titleKey(status))}</h1>
          <p className="alert warn">{t('pay.return.reversed', { organization: organizationName })}</p>
          <p>
            <Link to="/portal" className="button">
              {t('pay.return.overview')}
            </Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
