import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import {
  parseTransferNoticeForm,
  TRANSFER_NOTICE_MAX_AGE_DAYS,
  transferDateRange,
  transferNoticeDaysOf,
} from '~/modules/bank/index';
import { announceTransfer, getWaitingTransferNotices } from '~/modules/bank/index.server';
import { getTransferDetails } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import payStyles from '~/styles/pay.css';
import transferStyles from '~/styles/transfer.css';
import {
  amountForCopy,
  CopyValue,
  noticeErrorText,
  TransferNoticeForm,
  useCopyAnnouncer,
  WaitingNoticeText,
} from '~/ui/portal/transfer';
import { amsterdamDate, systemClock } from '~/utils/clock';
import { translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import { typedValues } from '~/utils/forms';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: payStyles },
  { rel: 'stylesheet', href: transferStyles },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

/** The page's own query (invoice ids, a part amount), kept across the notice's POST and redirect. */
function pageQuery(url: URL) {
  const query = new URLSearchParams();
  for (const id of url.searchParams.getAll('invoice').slice(0, 200)) query.append('invoice', id.slice(0, 64));
  const amount = url.searchParams.get('amount');
  if (amount !== null) query.set('amount', amount.slice(0, 20));
  return query;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const url = new URL(request.url);
  // The amount goes to the module as text: it decides, by the checkout's own rule, what a QR code may carry.
  const [details, notices, locale] = await Promise.all([
    getTransferDetails(session, {
      invoiceIds: url.searchParams.getAll('invoice').slice(0, 200),
      amount: url.searchParams.get('amount'),
    }),
    getWaitingTransferNotices(session),
    getLocale(request),
  ]);
  const today = amsterdamDate(systemClock.now());
  const waitingIds = new Set(notices.flatMap((n) => n.invoiceIds));
  // The form covers the invoices on this page that no notice is waiting for yet.
  const announceable = (details?.refusal ? [] : (details?.transfers ?? [])).filter((t) => !waitingIds.has(t.invoiceId));
  return data(
    {
      details,
      notices: notices.map((n) => ({
        id: n.id,
        invoiceNumbers: n.invoiceNumbers,
        amountCents: n.amountCents,
        announcedOn: n.announcedOn,
        lastDay: n.lastDay,
      })),
      notice: {
        invoiceIds: announceable.map((t) => t.invoiceId),
        totalCents: announceable.reduce((sum, t) => sum + t.amountCents, 0),
        today,
        minDate: transferDateRange(today).min,
        businessDays: transferNoticeDaysOf(session.organization.portalSettings),
      },
      organizationName: session.organization.name,
      title: `${translate(locale, 'pay.transfer.title')} · ${session.organization.name}`,
    },
    // A refused amount is the page with its message, answered as the client's mistake it is.
    { status: details?.refusal ? 400 : 200 },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const form = await request.formData();
  const today = amsterdamDate(systemClock.now());
  const parsed = parseTransferNoticeForm(form, today);
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  const result = await announceTransfer(session, parsed.value);
  if (!result.ok) {
    const values = {
      transferredOn: parsed.value.transferredOn,
      amount: typedValues(form, ['amount'], 40).amount,
    };
    return data({ errors: result.errors, values }, { status: 400 });
  }
  const query = pageQuery(new URL(request.url));
  query.set('announced', '1');
  return redirect(`/portal/pay/transfer?${query.toString()}#notice-status`, 303);
}

export default function TransferPage() {
  const { details, notices, notice, organizationName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const [announcement, announce] = useCopyAnnouncer();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const justAnnounced = search.get('announced') === '1' && !actionData;
  return (
    <div className="stack pay">
      <p>
        <Link to="/portal/pay">← {t('pay.title')}</Link>
      </p>
      <h1>{t('pay.transfer.title')}</h1>
      {notices.length > 0 ? (
        <section
          className="card notice-waiting"
          id="notice-status"
          aria-labelledby="notice-waiting-title"
          role={justAnnounced ? 'status' : undefined}
          tabIndex={-1}
        >
          <h2 id="notice-waiting-title">{t('pay.transfer.notice.waitingTitle')}</h2>
          {notices.map((n) => (
            <WaitingNoticeText key={n.id} notice={n} t={t} locale={locale} />
          ))}
        </section>
      ) : null}
      {actionData?.errors.invoices && notice.invoiceIds.length === 0 ? (
        // The form is gone (every invoice already waits for a transfer): the refusal still shows.
        <p className="alert info" role="alert">
          {noticeErrorText(actionData.errors.invoices, t, locale)}
        </p>
      ) : null}
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
              <dd>
                <CopyValue
                  display={details.ibanDisplay}
                  copyValue={details.iban}
                  label={t('pay.transfer.copyWhat.iban')}
                  className="mono"
                  testId="transfer-iban"
                  t={t}
                  announce={announce}
                />
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
          {details.transfers.map((transfer) => {
            const referenceLabel = transfer.structured ? t('pay.transfer.reference') : t('pay.transfer.description');
            return (
              <section
                key={transfer.invoiceId}
                className="card transfer"
                aria-labelledby={`transfer-${transfer.invoiceId}`}
              >
                <h2 id={`transfer-${transfer.invoiceId}`}>{t('pay.transfer.invoice', { number: transfer.number })}</h2>
                <div className="transfer-body">
                  <dl className="facts transfer-facts">
                    <dt>{t('pay.transfer.amount')}</dt>
                    <dd>
                      <CopyValue
                        display={money(transfer.amountCents)}
                        copyValue={amountForCopy(transfer.amountCents, locale)}
                        label={t('pay.transfer.copyWhat.amount', { number: transfer.number })}
                        className="amount strong"
                        testId="transfer-amount"
                        t={t}
                        announce={announce}
                      />
                    </dd>
                    <dt>{referenceLabel}</dt>
                    <dd>
                      <CopyValue
                        display={transfer.reference}
                        copyValue={transfer.reference}
                        label={t(
                          transfer.structured ? 'pay.transfer.copyWhat.reference' : 'pay.transfer.copyWhat.description',
                          { number: transfer.number },
                        )}
                        className="mono"
                        testId="transfer-reference"
                        t={t}
                        announce={announce}
                      />
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
            );
          })}
          <p className="muted small">{t('pay.transfer.timing')}</p>
          {notice.invoiceIds.length > 0 ? (
            <TransferNoticeForm
              invoiceIds={notice.invoiceIds}
              today={notice.today}
              minDate={notice.minDate}
              maxAgeDays={TRANSFER_NOTICE_MAX_AGE_DAYS}
              businessDays={notice.businessDays}
              totalCents={notice.totalCents}
              errors={actionData?.errors ?? {}}
              values={actionData?.values ?? null}
              busy={navigation.state !== 'idle'}
              t={t}
              locale={locale}
              Form={Form}
            />
          ) : null}
        </>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <p>
        <Link to="/portal">← {t('pay.back')}</Link>
      </p>
    </div>
  );
}
