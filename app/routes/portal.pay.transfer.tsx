import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getTransferDetails } from '../modules/payments/portal-pay.server';
import { requireDebtor } from '../modules/portal/session.server';
import payStyles from '../styles/pay.css';
import { translate } from '../utils/i18n';
import { getLocale } from '../utils/i18n/locale.server';
import { useLocale, useT } from '../utils/i18n/react';
import { formatMoney } from '../utils/money';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const url = new URL(request.url);
  // The amount goes to the module as text: it decides, by the checkout's own rule, what a QR code may carry.
  const details = await getTransferDetails(session, {
    invoiceIds: url.searchParams.getAll('invoice').slice(0, 200),
    amount: url.searchParams.get('amount'),
  });
  const locale = await getLocale(request);
  return data(
    {
      details,
      organizationName: session.organization.name,
      title: `${translate(locale, 'pay.transfer.title')} · ${session.organization.name}`,
    },
    // A refused amount is the page with its message, answered as the client's mistake it is.
    { status: details?.refusal ? 400 : 200 },
  );
}

export default function TransferPage() {
  const { details, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  return (
    <div className="stack pay">
      <p>
        <Link to="/portal/pay">← {t('pay.title')}</Link>
      </p>
      <h1>{t('pay.transfer.title')}</h1>
      {!details ? (
        <p className="alert info">{t('pay.transfer.unavailable', { organization: organizationName })}</p>
      ) : details.refusal ? (
        <div className="alert error stack" role="alert">
          <p>
            <strong>{t('pay.error.title')}</strong>{' '}
            {t(`pay.error.${details.refusal.error}`, {
              min: money(details.refusal.minCents),
              max: money(details.refusal.maxCents),
            })}
          </p>
          {details.refusal.invoiceId ? (
            <p>
              <Link to={`/portal/pay/transfer?invoice=${details.refusal.invoiceId}`}>
                {t('pay.transfer.fullAmount', { amount: money(details.refusal.maxCents) })}
              </Link>
              {' · '}
              <Link to={`/portal/pay?invoice=${details.refusal.invoiceId}`}>{t('pay.transfer.otherAmount')}</Link>
            </p>
          ) : null}
        </div>
      ) : details.transfers.length === 0 ? (
        <p className="alert info">{t('pay.transfer.none')}</p>
      ) : (
        <>
          <p>{t('pay.transfer.intro')}</p>
          <section className="card" aria-labelledby="account-title">
            <h2 id="account-title">{t('pay.transfer.account')}</h2>
            <dl className="facts transfer-facts">
              <dt>{t('pay.transfer.iban')}</dt>
              <dd className="mono" data-testid="transfer-iban">
                {details.ibanDisplay}
              </dd>
              <dt>{t('pay.transfer.beneficiary')}</dt>
              <dd>{details.beneficiary}</dd>
              {details.bic ? (
                <>
                  <dt>{t('pay.transfer.bic')}</dt>
                  <dd className="mono">{details.bic}</dd>
                </>
              ) : null}
            </dl>
          </section>
          {details.transfers.length > 1 ? <p className="alert info">{t('pay.transfer.several')}</p> : null}
          {details.transfers.map((transfer) => (
            <section
              key={transfer.invoiceId}
              className="card transfer"
              aria-labelledby={`transfer-${transfer.invoiceId}`}
            >
              <h2 id={`transfer-${transfer.invoiceId}`}>{t('pay.transfer.invoice', { number: transfer.number })}</h2>
              <div className="transfer-body">
                <dl className="facts transfer-facts">
                  <dt>{t('pay.transfer.amount')}</dt>
                  <dd className="amount strong">{money(transfer.amountCents)}</dd>
                  <dt>{transfer.structured ? t('pay.transfer.reference') : t('pay.transfer.description')}</dt>
                  <dd className="mono" data-testid="transfer-reference">
                    {transfer.reference}
                  </dd>
                </dl>
                <figure className="qr">
                  {/* Trusted server output: the SVG comes from the qrcode library on our server, never from user input. */}
                  <div
                    className="qr-code"
                    role="img"
                    aria-label={t('pay.transfer.qr', {
                      amount: money(transfer.amountCents),
                      beneficiary: details.beneficiary,
                      reference: transfer.reference,
                    })}
                    dangerouslySetInnerHTML={{ __html: transfer.qrSvg }}
                  />
                  <figcaption className="hint">{t('pay.transfer.qrHint')}</figcaption>
                </figure>
              </div>
            </section>
          ))}
          <p className="muted small">{t('pay.transfer.timing')}</p>
        </>
      )}
      <p>
        <Link to="/portal">← {t('pay.back')}</Link>
      </p>
    </div>
  );
}
