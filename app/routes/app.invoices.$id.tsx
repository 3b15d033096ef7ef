import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { getInvoiceDetail, invoiceDebtorId } from '~/modules/backoffice/index.server';
import { liftManualHold, placeManualHold } from '~/modules/debtors/index.server';
import type { FieldError } from '~/utils/i18n';
import { INVOICE_INTENT } from '~/modules/backoffice/index';
import { parseHoldForm } from '~/modules/dunning/index';
import { pauseReasonLabel, templateLabel, TIMELINE_LIMIT } from '~/modules/debtors/index';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import {
  CommStatusBadge,
  Empty,
  HoldFields,
  InvoiceStatusBadge,
  PauseBadges,
  Section,
  useMoney,
} from '~/ui/backoffice/parts';
import { Timeline } from '~/ui/backoffice/timeline';
import { amsterdamDate, systemClock } from '~/utils/clock';
import { intentSchema, parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime } from '~/utils/i18n';
import { providerLabel } from '~/utils/i18n/labels';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { pageTitle } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: data ? pageTitle(matches, 'bo.invoice.title', { number: data.invoice.number }) : 'Voldaan' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const detail = await getInvoiceDetail(staff.organizationId, params.id ?? '');
  if (!detail) notFound();
  return { ...detail, canAct: hasRole(staff, 'finance') };
}

type ActionResult =
  | { done: 'held'; count: number }
  | { done: 'lifted'; count: number }
  | { done: null; errors: Record<string, FieldError> };

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const invoiceId = params.id ?? '';
  const debtorId = await invoiceDebtorId(staff.organizationId, invoiceId);
  if (!debtorId) notFound();
  const form = await request.formData();
  const chosen = parseForm(intentSchema(INVOICE_INTENT), form);
  if (!chosen.ok) return data({ done: null, errors: chosen.errors } satisfies ActionResult, { status: 400 });
  if (chosen.data.intent === INVOICE_INTENT.hold) {
    const hold = parseHoldForm(form, amsterdamDate(systemClock.now()));
    if (!hold.ok) return data({ done: null, errors: hold.errors } satisfies ActionResult, { status: 400 });
    const result = await placeManualHold(staff, debtorId, {
      invoiceIds: [invoiceId],
      until: hold.until,
      note: hold.note,
    });
    return { done: 'held', count: result?.held ?? 0 } satisfies ActionResult;
  }
  const result = await liftManualHold(staff, debtorId, { invoiceIds: [invoiceId] });
  return { done: 'lifted', count: result?.lifted ?? 0 } satisfies ActionResult;
}

export default function InvoicePage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';
  const { invoice } = d;
  const errors = result && result.done === null ? result.errors : {};
  const active = d.pauses.filter((p) => p.active);
  const onManualHold = active.some((p) => p.reason === 'manual');

  return (
    <div className="stack bo-page">
      <p className="small">
        <Link to="/app/invoices">← {t('bo.invoices.title')}</Link>
      </p>
      <header className="bo-page-head">
        <div>
          <h1>{t('bo.invoice.title', { number: invoice.number })}</h1>
          <p className="bo-badges">
            <InvoiceStatusBadge status={invoice.status} overdueDays={invoice.overdueDays} />
            <PauseBadges reasons={active.map((p) => p.reason)} />
            <span className="small">
              <Link to={`/app/debtors/${invoice.debtorId}`}>{invoice.debtorName}</Link>
            </span>
          </p>
        </div>
        <a className="button secondary" href={`/app/invoices/${invoice.id}/pdf`}>
          {t('bo.invoice.pdf')}
        </a>
      </header>

      {result?.done === 'held' ? (
        <div className="alert success" role="status">
          {tn('bo.debtor.held', result.count)}
        </div>
      ) : null}
      {result?.done === 'lifted' ? (
        <div className="alert success" role="status">
          {tn('bo.debtor.lifted', result.count)}
        </div>
      ) : null}
      {errors.intent ? (
        <div className="alert error" role="alert">
          {t(errors.intent.key)}
        </div>
      ) : null}

      <div className="grid cols-4 bo-kpis">
        <div className="stat">
          <div className="label">{t('bo.invoices.col.total')}</div>
          <div className="value amount">{money(invoice.totalCents)}</div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.invoices.col.open')}</div>
          <div className={`value amount${invoice.overdueDays > 0 ? ' bo-bad' : ''}`}>{money(invoice.openCents)}</div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.debtor.extras')}</div>
          <div className="value amount">{money(invoice.costsCents + invoice.interestCents)}</div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.invoice.stage')}</div>
          <div className="value">{invoice.dunningStage}</div>
          <div className="small muted">
            {invoice.status !== 'open'
              ? t('bo.invoice.noNextAction')
              : active.length > 0
                ? t('bo.invoice.pausedNow')
                : invoice.nextActionAt
                  ? t('bo.invoice.nextAction', { date: formatDateTime(invoice.nextActionAt, locale) })
                  : t('bo.invoice.noNextAction')}
          </div>
        </div>
      </div>

      <div className="grid cols-2">
        <Section title={t('bo.invoice.details')} id="details-title">
          <dl className="facts">
            <dt>{t('bo.invoice.debtor')}</dt>
            <dd>
              <Link to={`/app/debtors/${invoice.debtorId}`}>{invoice.debtorName}</Link>
              <div className="small muted">{invoice.debtorEmail}</div>
            </dd>
            <dt>{t('bo.invoice.issued')}</dt>
            <dd>{formatDate(invoice.issueDate, locale)}</dd>
            <dt>{t('bo.invoice.due')}</dt>
            <dd>{formatDate(invoice.dueDate, locale)}</dd>
            <dt>{t('bo.invoice.reference')}</dt>
            <dd>{invoice.paymentReference ?? '—'}</dd>
            {invoice.externalRef ? (
              <>
                <dt>{t('bo.invoice.externalRef')}</dt>
                <dd>{invoice.externalRef}</dd>
              </>
            ) : null}
            {invoice.description ? (
              <>
                <dt>{t('bo.invoice.description')}</dt>
                <dd>{invoice.description}</dd>
              </>
            ) : null}
            {invoice.finalNoticeAt ? (
              <>
                <dt>{t('bo.invoice.finalNotice')}</dt>
                <dd>{formatDateTime(invoice.finalNoticeAt, locale)}</dd>
              </>
            ) : null}
            {invoice.settledAt ? (
              <>
                <dt>{t('bo.invoice.settled')}</dt>
                <dd>{formatDateTime(invoice.settledAt, locale)}</dd>
              </>
            ) : null}
          </dl>
        </Section>

        <Section title={t('bo.invoice.dunning')} id="dunning-title">
          {d.pauses.length === 0 ? (
            <Empty>{t('bo.invoice.noPauses')}</Empty>
          ) : (
            <ul className="bo-list">
              {d.pauses.map((p) => (
                <li key={p.id}>
                  <div>
                    <strong>{pauseReasonLabel(p.reason, locale)}</strong>
                    <div className="small muted">
                      {t('bo.invoice.pauseSince', { date: formatDateTime(p.startedAt, locale) })}
                      {p.until ? ` · ${t('bo.invoice.pauseUntil', { date: formatDateTime(p.until, locale) })}` : ''}
                      {p.liftedAt
                        ? ` · ${t('bo.invoice.pauseLifted', { date: formatDateTime(p.liftedAt, locale) })}`
                        : ''}
                    </div>
                  </div>
                  <span className={`badge ${p.active ? 'info' : 'neutral'}`}>
                    {p.active ? t('bo.invoice.pauseActive') : t('bo.invoice.pauseEnded')}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {d.canAct && invoice.status === 'open' ? (
            onManualHold ? (
              <Form method="post" className="spaced">
                <input type="hidden" name="intent" value={INVOICE_INTENT.liftHold} />
                <button type="submit" className="secondary" disabled={busy}>
                  {t('bo.debtor.liftHoldButton')}
                </button>
              </Form>
            ) : (
              <Form method="post" className="spaced bo-action-form">
                <input type="hidden" name="intent" value={INVOICE_INTENT.hold} />
                <HoldFields errors={errors} />
                <button type="submit" className="secondary" disabled={busy}>
                  {t('bo.invoice.holdButton')}
                </button>
              </Form>
            )
          ) : null}
        </Section>
      </div>

      {invoice.lines.length > 0 ? (
        <Section title={t('bo.invoice.lines')} id="lines-title">
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.invoice.lines')}>
            <table className="bo-table">
              <thead>
                <tr>
                  <th scope="col">{t('bo.invoice.line.description')}</th>
                  <th scope="col" className="num">
                    {t('bo.invoice.line.quantity')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.invoice.line.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.invoice.line.vat')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.invoice.line.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {invoice.lines.map((line, i) => (
                  <tr key={i}>
                    <td>{line.description}</td>
                    <td className="num">{line.quantity}</td>
                    <td className="num amount">{money(line.unitPriceCents)}</td>
                    <td className="num">{line.vatRatePercent}%</td>
                    <td className="num amount">{money(line.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}

      <div className="grid cols-2 bo-split">
        <Section title={t('bo.timeline.title')} id="timeline-title">
          <Timeline events={d.timeline} linkInvoices={false} limit={TIMELINE_LIMIT} />
        </Section>
        <div className="stack">
          <Section title={t('bo.invoice.payments')} id="payments-title">
            {d.allocations.length === 0 ? (
              <Empty>{t('bo.debtor.noPayments')}</Empty>
            ) : (
              <ul className="bo-list">
                {d.allocations.map((a, i) => (
                  <li key={`${a.paymentId}-${i}`}>
                    <div>
                      <strong className="amount">{money(a.amountCents)}</strong>
                      <div className="small muted">
                        {formatDateTime(a.at, locale)} · {providerLabel(locale, a.provider)}
                      </div>
                    </div>
                    <span className={`badge ${a.status === 'paid' ? 'ok' : 'neutral'}`}>
                      {t(`bo.paymentStatus.${a.status}`)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={t('bo.debtor.communications')} id="comms-title">
            {d.communications.length === 0 ? (
              <Empty>{t('bo.debtor.noCommunications')}</Empty>
            ) : (
              <ul className="bo-list">
                {d.communications.map((c) => (
                  <li key={c.id}>
                    <div>
                      <strong>{templateLabel(c.template, locale)}</strong>
                      <div className="small muted">
                        {formatDateTime(c.createdAt, locale)} · {c.toAddress}
                      </div>
                    </div>
                    <CommStatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          {d.disputes.length > 0 || d.plans.length > 0 ? (
            <Section title={t('bo.invoice.plansDisputes')} id="pd-title">
              <ul className="bo-list">
                {d.plans.map((p) => (
                  <li key={p.id}>
                    <div>
                      <strong>{t('bo.invoice.inPlan', { amount: money(p.amountCents) })}</strong>
                      <div className="small muted">{formatDate(p.createdAt, locale, 'short')}</div>
                    </div>
                    <span className="badge neutral">{t(`bo.planStatus.${p.status}`)}</span>
                  </li>
                ))}
                {d.disputes.map((x) => (
                  <li key={x.id}>
                    <div>
                      <Link to={`/app/disputes/${x.id}`}>
                        {x.kind === 'question' ? t('bo.invoice.question') : t(`bo.disputeReason.${x.reason}`)}
                      </Link>
                      <div className="small muted">{formatDate(x.createdAt, locale, 'short')}</div>
                    </div>
                    <span className="badge neutral">{t(`bo.disputeStatus.${x.status}`)}</span>
                  </li>
                ))}
              </ul>
            </Section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
