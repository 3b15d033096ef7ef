import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { z } from 'zod';
import {
  clearDebtorFlag,
  getDebtorDetail,
  liftManualHold,
  placeManualHold,
  revokeDebtorLinks,
  sendFreshLink,
} from '~/modules/debtors/index.server';
import type { FieldError } from '~/utils/i18n';
import { DEBTOR_INTENT } from '~/modules/backoffice/index';
import { parseHoldForm } from '~/modules/dunning/index';
import { templateLabel, TIMELINE_LIMIT } from '~/modules/debtors/index';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import {
  CommStatusBadge,
  Empty,
  HoldFields,
  flagReasonKey,
  InvoiceStatusBadge,
  PauseBadges,
  Section,
  useMoney,
} from '~/ui/backoffice/parts';
import { Timeline } from '~/ui/backoffice/timeline';
import { amsterdamDate, systemClock } from '~/utils/clock';
import { choice, intentSchema, parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime } from '~/utils/i18n';
import { providerLabel } from '~/utils/i18n/labels';
import { useLocale, useT, useTn } from '~/utils/i18n/react';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.debtor.name} · Voldaan` : 'Voldaan' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const detail = await getDebtorDetail(staff.organizationId, params.id ?? '');
  if (!detail) notFound();
  return { ...detail, canAct: hasRole(staff, 'finance') };
}

const INTENT = DEBTOR_INTENT;

/** "Revoke all links" asks first (`?confirm=revoke`, a plain link); the action refuses without the answer. */
const CONFIRM_REVOKE = 'revoke';
const RevokeConfirmation = z.object({
  confirm: choice(['yes'], { key: 'bo.debtor.revokeConfirm.missing' }),
});

type ActionResult =
  | { done: 'link_sent'; url: string; expiresAt: string; queued: boolean }
  | { done: 'links_revoked'; count: number }
  | { done: 'held'; count: number }
  | { done: 'lifted'; count: number }
  | { done: 'flag_cleared' }
  | { done: null; errors: Record<string, FieldError> };

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const id = params.id ?? '';
  const form = await request.formData();
  const chosen = parseForm(intentSchema(INTENT), form);
  if (!chosen.ok) return data({ done: null, errors: chosen.errors } satisfies ActionResult, { status: 400 });
  const missing = () => notFound();
  switch (chosen.data.intent) {
    case INTENT.sendLink: {
      const result = await sendFreshLink(staff, id);
      if (!result) return missing();
      return {
        done: 'link_sent',
        url: result.url,
        expiresAt: result.expiresAt,
        queued: result.queued,
      } satisfies ActionResult;
    }
    case INTENT.revokeLinks: {
      const confirmed = parseForm(RevokeConfirmation, form);
      if (!confirmed.ok) return data({ done: null, errors: confirmed.errors } satisfies ActionResult, { status: 400 });
      const count = await revokeDebtorLinks(staff, id);
      if (count === null) return missing();
      return { done: 'links_revoked', count } satisfies ActionResult;
    }
    case INTENT.hold: {
      const hold = parseHoldForm(form, amsterdamDate(systemClock.now()));
      if (!hold.ok) return data({ done: null, errors: hold.errors } satisfies ActionResult, { status: 400 });
      const result = await placeManualHold(staff, id, { until: hold.until, note: hold.note });
      if (!result) return missing();
      return { done: 'held', count: result.held } satisfies ActionResult;
    }
    case INTENT.liftHold: {
      const result = await liftManualHold(staff, id);
      if (!result) return missing();
      return { done: 'lifted', count: result.lifted } satisfies ActionResult;
    }
    case INTENT.clearFlag: {
      const result = await clearDebtorFlag(staff, id);
      if (result === null) return missing();
      return { done: 'flag_cleared' } satisfies ActionResult;
    }
  }
}

export default function DebtorPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';
  const errors = result && result.done === null ? result.errors : {};
  const { debtor } = d;
  const address = [debtor.addressLine, [debtor.postalCode, debtor.city].filter(Boolean).join(' '), debtor.country]
    .filter(Boolean)
    .join(', ');
  const canHold = d.totals.openCount > d.totals.manualHolds;
  const [searchParams] = useSearchParams();
  const confirmingRevoke =
    d.links.active > 0 && (searchParams.get('confirm') === CONFIRM_REVOKE || errors.confirm !== undefined);

  return (
    <div className="stack bo-page">
      <p className="small">
        <Link to="/app/debtors">← {t('bo.debtors.title')}</Link>
      </p>
      <header className="bo-page-head">
        <div>
          <h1>{debtor.name}</h1>
          <p className="bo-badges">
            <span className="badge neutral">{t(`bo.kind.${debtor.kind}`)}</span>
            {debtor.externalRef ? <span className="badge neutral">{debtor.externalRef}</span> : null}
            {debtor.flaggedAt ? <span className="badge warn">{t(flagReasonKey(debtor.flaggedReason))}</span> : null}
            {debtor.emailBlockedAt ? <span className="badge bad">{t('bo.debtor.emailBlocked')}</span> : null}
            {d.totals.manualHolds > 0 ? (
              <span className="badge info">{tn('bo.debtor.onHold', d.totals.manualHolds)}</span>
            ) : null}
            {!debtor.active ? <span className="badge neutral">{t('bo.debtor.inactive')}</span> : null}
          </p>
        </div>
      </header>

      {result && result.done !== null ? <ActionNotice result={result} /> : null}
      {errors.intent ? (
        <div className="alert error" role="alert">
          {t(errors.intent.key)}
        </div>
      ) : null}
      {errors.confirm && !confirmingRevoke ? (
        <div className="alert error" role="alert">
          {t(errors.confirm.key)}
        </div>
      ) : null}

      <div className="grid cols-4 bo-kpis">
        <div className="stat">
          <div className="label">{t('bo.debtor.open')}</div>
          <div className="value amount">{money(d.totals.openCents)}</div>
          <div className="small muted">{tn('bo.dashboard.invoices', d.totals.openCount)}</div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.debtor.overdue')}</div>
          <div className={`value amount${d.totals.overdueCents > 0 ? ' bo-bad' : ''}`}>
            {money(d.totals.overdueCents)}
          </div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.debtor.extras')}</div>
          <div className="value amount">{money(d.totals.extrasCents)}</div>
        </div>
        <div className="stat">
          <div className="label">{t('bo.debtor.links')}</div>
          <div className="value">{d.links.active}</div>
          <div className="small muted">
            {d.links.lastUsedAt
              ? t('bo.debtor.linkLastUsed', { date: formatDateTime(d.links.lastUsedAt, locale) })
              : t('bo.debtor.linkNeverUsed')}
          </div>
        </div>
      </div>

      <div className="grid cols-2">
        <Section title={t('bo.debtor.contact')} id="contact-title">
          <dl className="facts">
            {debtor.contactName ? (
              <>
                <dt>{t('bo.debtor.contactName')}</dt>
                <dd>{debtor.contactName}</dd>
              </>
            ) : null}
            <dt>{t('bo.debtor.email')}</dt>
            <dd>
              <a href={`mailto:${debtor.email}`}>{debtor.email}</a>
            </dd>
            <dt>{t('bo.debtor.phone')}</dt>
            <dd>{debtor.phone ?? '—'}</dd>
            <dt>{t('bo.debtor.address')}</dt>
            <dd>{address || '—'}</dd>
            {debtor.vatNumber ? (
              <>
                <dt>{t('bo.debtor.vat')}</dt>
                <dd>{debtor.vatNumber}</dd>
              </>
            ) : null}
            <dt>{t('bo.debtor.language')}</dt>
            <dd>{debtor.locale === 'en' ? 'English' : 'Nederlands'}</dd>
            {debtor.creditCents > 0 ? (
              <>
                <dt>{t('bo.debtor.credit')}</dt>
                <dd className="amount">{money(debtor.creditCents)}</dd>
              </>
            ) : null}
            <dt>{t('bo.debtor.since')}</dt>
            <dd>{formatDate(debtor.createdAt, locale)}</dd>
          </dl>
        </Section>

        <Section title={t('bo.debtor.actions')} id="actions-title">
          {d.canAct ? (
            <div className="bo-action-list">
              <Form method="post" className="bo-action">
                <input type="hidden" name="intent" value={INTENT.sendLink} />
                <div>
                  <strong>{t('bo.debtor.sendLink')}</strong>
                  <p className="small muted">
                    {debtor.emailBlockedAt
                      ? t('bo.debtor.sendLinkBlocked')
                      : t('bo.debtor.sendLinkHint', { email: debtor.email })}
                  </p>
                </div>
                <button type="submit" disabled={busy}>
                  {t('bo.debtor.sendLinkButton')}
                </button>
              </Form>
              {confirmingRevoke ? (
                <RevokeLinksConfirm
                  debtorId={debtor.id}
                  name={debtor.name}
                  email={debtor.email}
                  busy={busy}
                  missing={errors.confirm ? t(errors.confirm.key) : null}
                />
              ) : (
                <div className="bo-action">
                  <div>
                    <strong>{t('bo.debtor.revokeLinks')}</strong>
                    <p className="small muted">{t('bo.debtor.revokeLinksHint')}</p>
                  </div>
                  {d.links.active === 0 ? (
                    <button type="button" className="secondary" disabled>
                      {t('bo.debtor.revokeLinksButton')}
                    </button>
                  ) : (
                    <Link
                      to={`?confirm=${CONFIRM_REVOKE}#revoke-confirm`}
                      className="button secondary"
                      data-testid="revoke-links"
                      preventScrollReset
                    >
                      {t('bo.debtor.revokeLinksButton')}
                    </Link>
                  )}
                </div>
              )}
              {canHold ? (
                <Form method="post" className="bo-action bo-action-form">
                  <input type="hidden" name="intent" value={INTENT.hold} />
                  <div>
                    <strong>{t('bo.debtor.hold')}</strong>
                    <p className="small muted">{t('bo.debtor.holdHint')}</p>
                  </div>
                  <HoldFields errors={errors} />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('bo.debtor.holdButton')}
                  </button>
                </Form>
              ) : null}
              {d.totals.manualHolds > 0 ? (
                <Form method="post" className="bo-action">
                  <input type="hidden" name="intent" value={INTENT.liftHold} />
                  <div>
                    <strong>{t('bo.debtor.liftHold')}</strong>
                    <p className="small muted">{t('bo.debtor.liftHoldHint')}</p>
                  </div>
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('bo.debtor.liftHoldButton')}
                  </button>
                </Form>
              ) : null}
              {debtor.flaggedAt ? (
                <Form method="post" className="bo-action">
                  <input type="hidden" name="intent" value={INTENT.clearFlag} />
                  <div>
                    <strong>{t('bo.debtor.clearFlag')}</strong>
                    <p className="small muted">{t('bo.debtor.clearFlagHint')}</p>
                  </div>
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('bo.debtor.clearFlagButton')}
                  </button>
                </Form>
              ) : null}
            </div>
          ) : (
            <p className="muted">{t('bo.debtor.readOnly')}</p>
          )}
        </Section>
      </div>

      <Section title={t('bo.debtor.invoices')} id="invoices-title">
        {d.invoices.length === 0 ? (
          <Empty>{t('bo.debtor.noInvoices')}</Empty>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.debtor.invoices')}>
            <table className="bo-table" data-testid="debtor-invoices">
              <thead>
                <tr>
                  <th scope="col">{t('bo.invoices.col.number')}</th>
                  <th scope="col">{t('bo.invoices.col.due')}</th>
                  <th scope="col" className="num">
                    {t('bo.invoices.col.total')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.invoices.col.open')}
                  </th>
                  <th scope="col">{t('bo.invoices.col.status')}</th>
                  <th scope="col">{t('bo.invoices.col.stage')}</th>
                </tr>
              </thead>
              <tbody>
                {d.invoices.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link to={`/app/invoices/${i.id}`} className="bo-strong-link">
                        {i.number}
                      </Link>
                    </td>
                    <td>{formatDate(i.dueDate, locale, 'short')}</td>
                    <td className="num amount">{money(i.totalCents)}</td>
                    <td className="num amount">{money(i.openCents)}</td>
                    <td className="bo-badges">
                      <InvoiceStatusBadge status={i.status} overdueDays={i.overdueDays} />
                      <PauseBadges reasons={i.pauses.map((p) => p.reason)} />
                    </td>
                    <td>{i.dunningStage}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <div className="grid cols-2 bo-split">
        <Section title={t('bo.timeline.title')} id="timeline-title">
          <Timeline events={d.timeline} linkInvoices limit={TIMELINE_LIMIT} />
        </Section>
        <div className="stack">
          <Section title={t('bo.debtor.communications')} id="comms-title">
            {d.communications.length === 0 ? (
              <Empty>{t('bo.debtor.noCommunications')}</Empty>
            ) : (
              <ul className="bo-list" data-testid="debtor-communications">
                {d.communications.map((c) => (
                  <li key={c.id}>
                    <div>
                      <strong>{templateLabel(c.template, locale)}</strong>
                      <div className="small muted">
                        {formatDateTime(c.createdAt, locale)} · {c.toAddress}
                      </div>
                      {c.error && (c.status === 'failed' || c.status === 'bounced' || c.status === 'complained') ? (
                        <div className="small bo-bad">{c.error}</div>
                      ) : null}
                    </div>
                    <CommStatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={t('bo.debtor.payments')} id="payments-title">
            {d.payments.length === 0 ? (
              <Empty>{t('bo.debtor.noPayments')}</Empty>
            ) : (
              <ul className="bo-list">
                {d.payments.map((p) => (
                  <li key={p.id}>
                    <div>
                      <strong className="amount">{money(p.amountCents)}</strong>
                      <div className="small muted">
                        {formatDateTime(p.paidAt ?? p.createdAt, locale)} · {providerLabel(locale, p.provider)}
                        {p.invoiceNumbers.length > 0 ? ` · ${p.invoiceNumbers.join(', ')}` : ''}
                      </div>
                    </div>
                    <span
                      className={`badge ${p.status === 'paid' ? 'ok' : p.status === 'failed' || p.status === 'charged_back' ? 'bad' : 'neutral'}`}
                    >
                      {t(`bo.paymentStatus.${p.status}`)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={t('bo.debtor.plans')} id="plans-title">
            {d.plans.length === 0 && d.promises.length === 0 ? (
              <Empty>{t('bo.debtor.noPlans')}</Empty>
            ) : (
              <ul className="bo-list">
                {d.plans.map((p) => (
                  <li key={p.id}>
                    <div>
                      <strong>{tn('bo.debtor.plan', p.installmentCount, { amount: money(p.totalCents) })}</strong>
                      <div className="small muted">
                        {t('bo.debtor.planFrom', { date: formatDate(p.firstDueDate, locale, 'short') })} ·{' '}
                        {t(`bo.frequency.${p.frequency}`)}
                      </div>
                    </div>
                    <span
                      className={`badge ${p.status === 'active' || p.status === 'completed' ? 'ok' : p.status === 'proposed' ? 'info' : p.status === 'defaulted' ? 'bad' : 'neutral'}`}
                    >
                      {t(`bo.planStatus.${p.status}`)}
                    </span>
                  </li>
                ))}
                {d.promises.map((p) => (
                  <li key={p.id}>
                    <div>
                      <strong>
                        {t('bo.debtor.promise', {
                          amount: money(p.totalCents),
                          date: formatDate(p.promisedDate, locale, 'short'),
                        })}
                      </strong>
                      <div className="small muted">{formatDateTime(p.createdAt, locale)}</div>
                    </div>
                    <span
                      className={`badge ${p.status === 'kept' ? 'ok' : p.status === 'broken' ? 'bad' : p.status === 'active' ? 'info' : 'neutral'}`}
                    >
                      {t(`bo.promiseStatus.${p.status}`)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={t('bo.debtor.disputes')} id="disputes-title">
            {d.disputes.length === 0 ? (
              <Empty>{t('bo.debtor.noDisputes')}</Empty>
            ) : (
              <ul className="bo-list">
                {d.disputes.map((x) => (
                  <li key={x.id}>
                    <div>
                      <Link to={`/app/disputes/${x.id}`}>
                        {t(x.kind === 'question' ? 'bo.debtor.question' : 'bo.debtor.dispute', {
                          number: x.invoiceNumber,
                        })}
                      </Link>
                      <div className="small muted">
                        {x.kind === 'question'
                          ? formatDate(x.createdAt, locale, 'short')
                          : `${t(`bo.disputeReason.${x.reason}`)} · ${money(x.disputedCents)} · ${formatDate(x.createdAt, locale, 'short')}`}
                      </div>
                    </div>
                    <span
                      className={`badge ${x.status === 'resolved' ? 'ok' : x.status === 'withdrawn' ? 'neutral' : 'warn'}`}
                    >
                      {t(`bo.disputeStatus.${x.status}`)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </div>
      </div>
    </div>
  );
}

/** The confirmation step of "revoke all links": a real form, so it works without JavaScript. */
function RevokeLinksConfirm({
  debtorId,
  name,
  email,
  busy,
  missing,
}: {
  debtorId: string;
  name: string;
  email: string;
  busy: boolean;
  missing: string | null;
}) {
  const t = useT();
  const region = useRef<HTMLDivElement>(null);
  // After the step opens in the browser, the keyboard continues here, not at the top of the page.
  useEffect(() => region.current?.focus(), []);
  const path = `/app/debtors/${debtorId}`;
  return (
    <div
      ref={region}
      id="revoke-confirm"
      className="alert warn stack"
      role="region"
      aria-labelledby="revoke-confirm-title"
      tabIndex={-1}
      data-testid="confirm-revoke-links"
    >
      <h3 id="revoke-confirm-title">{t('bo.debtor.revokeConfirm.title', { name })}</h3>
      <p>{t('bo.debtor.revokeConfirm.body', { email })}</p>
      {missing ? (
        <p className="field-error" role="alert">
          {missing}
        </p>
      ) : null}
      <Form method="post" action={path} className="actions">
        <input type="hidden" name="intent" value={INTENT.revokeLinks} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" className="danger" disabled={busy}>
          {t('bo.debtor.revokeConfirm.yes')}
        </button>
        <Link to={path} className="button secondary" preventScrollReset>
          {t('bo.debtor.revokeConfirm.cancel')}
        </Link>
      </Form>
    </div>
  );
}

function ActionNotice({ result }: { result: Exclude<ActionResult, { done: null }> }) {
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  switch (result.done) {
    case 'link_sent':
      return (
        <div className={`alert ${result.queued ? 'success' : 'warn'}`} role="status" data-testid="link-sent">
          <p>{result.queued ? t('bo.debtor.linkQueued') : t('bo.debtor.linkNotQueued')}</p>
          <label htmlFor="fresh-link">
            {t('bo.debtor.linkToCopy', { date: formatDateTime(result.expiresAt, locale) })}
          </label>
          <input id="fresh-link" type="text" readOnly value={result.url} className="bo-copy" />
        </div>
      );
    case 'links_revoked':
      return (
        <div className="alert success" role="status">
          {tn('bo.debtor.linksRevoked', result.count)}
        </div>
      );
    case 'held':
      return (
        <div className="alert success" role="status">
          {tn('bo.debtor.held', result.count)}
        </div>
      );
    case 'lifted':
      return (
        <div className="alert success" role="status">
          {tn('bo.debtor.lifted', result.count)}
        </div>
      );
    case 'flag_cleared':
      return (
        <div className="alert success" role="status">
          {t('bo.debtor.flagCleared')}
        </div>
      );
  }
}
