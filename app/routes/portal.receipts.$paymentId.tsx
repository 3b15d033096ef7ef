import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getReceipt } from '~/modules/portal/index.server';
import { paymentMethodMessage, receiptTitleMessage } from '~/modules/portal/index';
import { formatIban } from '~/modules/payments/index';
import { requireDebtor } from '~/modules/links/index.server';
import payStyles from '~/styles/pay.css';
import { notFound } from '~/utils/http.server';
import { formatDateTime, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

/** The debtor's receipt for one of their own payments that arrived; anything else is 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const receipt = await getReceipt(session, params.paymentId ?? '');
  if (!receipt) notFound();
  const locale = await getLocale(request);
  return {
    receipt,
    title: `${translate(locale, receiptTitleMessage(receipt.kind))} ${receipt.number} · ${session.organization.name}`,
  };
}

export default function ReceiptPage() {
  const { receipt } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, receipt.currency, locale);
  const credit = receipt.kind === 'credit_note' || receipt.kind === 'credit_used';
  const { payer, payee } = receipt;
  const split = (line: { costsCents: number; interestCents: number }) =>
    line.costsCents > 0 && line.interestCents > 0
      ? t('receipt.split.both', { costs: money(line.costsCents), interest: money(line.interestCents) })
      : line.costsCents > 0
        ? t('receipt.split.costs', { costs: money(line.costsCents) })
        : line.interestCents > 0
          ? t('receipt.split.interest', { interest: money(line.interestCents) })
          : null;

  return (
    <div className="stack pay receipt">
      <p>
        <Link to="/portal/history">← {t('receipt.back')}</Link>
      </p>
      <div>
        <h1>{t(receiptTitleMessage(receipt.kind))}</h1>
        <p className="muted">{t('receipt.number', { number: receipt.number })}</p>
      </div>
      <section className="card" aria-labelledby="receipt-facts">
        <h2 id="receipt-facts" className="visually-hidden">
          {t(receiptTitleMessage(receipt.kind))}
        </h2>
        <dl className="facts receipt-facts" data-testid="receipt-facts">
          <dt>{t(credit ? 'receipt.creditFor' : 'receipt.paidBy')}</dt>
          <dd>
            {payer.name}
            {payer.addressLine ? <span className="receipt-address">{payer.addressLine}</span> : null}
            {payer.postalCode || payer.city ? (
              <span className="receipt-address">{[payer.postalCode, payer.city].filter(Boolean).join(' ')}</span>
            ) : null}
          </dd>
          <dt>{t(credit ? 'receipt.creditFrom' : 'receipt.paidTo')}</dt>
          <dd>
            {payee.legalName}
            {payee.iban ? <span className="receipt-address mono">{formatIban(payee.iban)}</span> : null}
          </dd>
          <dt>{t('receipt.amount')}</dt>
          <dd className="amount strong" data-testid="receipt-amount">
            {money(receipt.amountCents)}
          </dd>
          <dt>{t('receipt.at')}</dt>
          <dd>{formatDateTime(receipt.paidAt, locale)}</dd>
          <dt>{t('receipt.method')}</dt>
          <dd data-testid="receipt-method">{t(paymentMethodMessage(receipt.method), { organization: payee.name })}</dd>
          {receipt.reference ? (
            <>
              <dt>{t('receipt.reference')}</dt>
              <dd className="mono">{receipt.reference}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {receipt.invoices.length > 0 || receipt.creditedCents > 0 || receipt.creditUsed ? (
        <section className="card" aria-labelledby="receipt-applied">
          <h2 id="receipt-applied" className="h2">
            {t('receipt.applied')}
          </h2>
          <ul className="receipt-lines" data-testid="receipt-invoices">
            {receipt.invoices.map((line) => (
              <li key={line.id}>
                <span className="receipt-line-head">
                  <Link to={`/portal/invoices/${line.id}`}>{t('portal.invoice.number', { number: line.number })}</Link>
                  <span className="amount">{money(line.amountCents)}</span>
                </span>
                {split(line) ? <span className="muted small">{split(line)}</span> : null}
              </li>
            ))}
          </ul>
          {receipt.creditedCents > 0 ? (
            <p className="alert info">{t('receipt.credited', { amount: money(receipt.creditedCents) })}</p>
          ) : null}
          {receipt.creditUsed ? (
            <p>
              {t('receipt.creditUsed', { amount: money(receipt.creditUsed.cents) })}{' '}
              <Link to={`/portal/receipts/${receipt.creditUsed.receiptId}`}>{t('receipt.creditUsedLink')}</Link>
            </p>
          ) : null}
        </section>
      ) : null}

      {receipt.reversedCents > 0 ? (
        <p className="alert warn">{t('receipt.reversed', { amount: money(receipt.reversedCents) })}</p>
      ) : null}

      <p className="muted">{t('receipt.keep')}</p>
      <p>
        <a className="button secondary" href={`/portal/receipts/${receipt.id}/pdf`} download>
          {t('receipt.pdf')}
        </a>
      </p>
    </div>
  );
}
