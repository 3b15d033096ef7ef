import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { approvePlan, counterPlan, getPlanForFinance, rejectPlan } from '~/modules/plans/index.server';
import {
  FieldErrorMessage,
  type FieldErrors,
  fieldProps,
  INTENT,
  MAX_INSTALLMENTS_HARD,
  MIN_INSTALLMENTS,
  parsePlanValues,
  PlanStatusBadge,
  reasonText,
  reviewFormSchema,
  ScheduleTable,
  useErrorText,
} from '~/modules/plans/index';
import { requireStaff } from '~/modules/staff/index.server';
import { addDays } from '~/utils/clock';
import { parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime, translate } from '~/utils/i18n';
import { providerLabel } from '~/utils/i18n/labels';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import planStyles from '~/styles/plans.css';
import { isUuid } from '~/utils/ids';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: planStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  if (!isUuid(params.id)) notFound();
  const found = await getPlanForFinance(staff, params.id);
  if (!found) notFound();
  const { plan, debtor, verdict, history, counters, today } = found;
  return {
    title: translate(await getLocale(request), 'plan.bo.detailTitle', { debtor: debtor.name }),
    today,
    debtor,
    verdict,
    counters,
    plan: {
      id: plan.id,
      status: plan.status,
      totalCents: plan.totalCents,
      downPaymentCents: plan.downPaymentCents,
      installmentCount: plan.installmentCount,
      frequency: plan.frequency,
      firstDueDate: plan.firstDueDate,
      reason: plan.reason,
      autoApproved: plan.autoApproved,
      counterOfId: plan.counterOfId,
      decidedAt: plan.decidedAt?.toISOString() ?? null,
      decisionNote: plan.decisionNote,
      createdAt: plan.createdAt.toISOString(),
      installments: plan.installments.map((i) => ({
        seq: i.seq,
        dueDate: i.dueDate,
        amountCents: i.amountCents,
        paidCents: i.paidCents,
        status: i.status,
        downPayment: plan.downPaymentCents > 0 && i.seq === 1,
      })),
      invoices: plan.invoices,
    },
    history: {
      ...history,
      payments: history.payments.map((p) => ({
        ...p,
        createdAt: p.createdAt.toISOString(),
        paidAt: p.paidAt?.toISOString() ?? null,
      })),
      plans: history.plans.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  if (!isUuid(params.id)) notFound();
  const posted = parseForm(reviewFormSchema, await request.formData());
  if (!posted.ok) throw new Response('Unknown intent', { status: 400 });
  const { intent, reason, counter: values } = posted.data;
  if (intent === INTENT.approve) {
    const result = await approvePlan(staff, params.id);
    if (!result.ok) return data({ intent, errors: result.errors, values: null }, { status: 409 });
    return redirect(`/app/plans/${params.id}?done=approved`);
  }
  if (intent === INTENT.reject) {
    const result = await rejectPlan(staff, params.id, reason);
    if (!result.ok)
      return data({ intent, errors: result.errors, values: null }, { status: result.errors.form ? 409 : 400 });
    return redirect(`/app/plans/${params.id}?done=rejected`);
  }
  if (intent === INTENT.counter) {
    const parsed = parsePlanValues(values);
    if (!parsed.ok) return data({ intent, errors: parsed.errors, values }, { status: 400 });
    const result = await counterPlan(staff, params.id, { ...parsed.input, note: parsed.input.reason });
    if (!result.ok) return data({ intent, errors: result.errors, values }, { status: result.errors.form ? 409 : 400 });
    return redirect(`/app/plans/${params.id}?done=countered`);
  }
  throw new Response('Unknown intent', { status: 400 });
}

export default function PlanReview() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const { plan, debtor, verdict, history } = page;
  const errors: FieldErrors = actionData?.errors ?? {};
  const rejectErrors = actionData?.intent === INTENT.reject ? errors : {};
  const counterErrors = actionData?.intent === INTENT.counter ? errors : {};
  const counterValues = actionData?.intent === INTENT.counter ? actionData.values : null;
  const done = search.get('done');
  const busy = navigation.state !== 'idle';

  return (
    <div className="stack plan-review">
      <p>
        <Link to="/app/plans">← {t('plan.bo.back')}</Link>
      </p>
      <div className="queue-head">
        <h1>{t('plan.bo.detailTitle', { debtor: debtor.name })}</h1>
        <PlanStatusBadge status={plan.status} />
      </div>
      {done === 'approved' || done === 'rejected' || done === 'countered' ? (
        <p className="alert success" role="status">
          {t(`plan.bo.done.${done}`)}
        </p>
      ) : null}
      {errors.form ? (
        <p className="alert error" role="alert">
          {errorText(errors.form)}
        </p>
      ) : null}

      <div className="grid cols-2">
        <section className="card" aria-labelledby="proposal-heading">
          <h2 id="proposal-heading">{t('plan.bo.proposal')}</h2>
          <dl className="facts">
            <dt>{t('plan.bo.debtor')}</dt>
            <dd>
              <Link to={`/app/debtors/${debtor.id}`}>{debtor.name}</Link> ({t(`plan.bo.kind.${debtor.kind}`)})
              {debtor.externalRef ? ` · ${debtor.externalRef}` : ''}
            </dd>
            <dt>{t('plan.bo.created')}</dt>
            <dd>{formatDateTime(plan.createdAt, locale)}</dd>
            <dt>{t('plan.bo.total')}</dt>
            <dd className="amount strong">{money(plan.totalCents)}</dd>
            <dt>{t('plan.bo.downPayment')}</dt>
            <dd className="amount">{plan.downPaymentCents > 0 ? money(plan.downPaymentCents) : t('plan.bo.none')}</dd>
            <dt>{t('plan.bo.installments')}</dt>
            <dd>{plan.installmentCount}</dd>
            <dt>{t('plan.bo.frequency')}</dt>
            <dd>{t(`plan.frequency.${plan.frequency}`)}</dd>
            <dt>{t('plan.bo.firstDate')}</dt>
            <dd>{formatDate(plan.firstDueDate, locale)}</dd>
            <dt>{t('plan.bo.reason')}</dt>
            <dd className="prewrap">{plan.reason ?? t('plan.bo.none')}</dd>
          </dl>
          {plan.decidedAt ? (
            <p className="muted small">
              {plan.autoApproved
                ? t('plan.bo.autoApproved')
                : t('plan.bo.decidedAt', { date: formatDateTime(plan.decidedAt, locale) })}
              {plan.decisionNote ? ` · ${t('plan.bo.decisionNote', { note: plan.decisionNote })}` : null}
            </p>
          ) : null}
          {page.counters.map((c) => (
            <p key={c.id}>
              <Link to={`/app/plans/${c.id}`}>{t('plan.bo.counterLink')}</Link>
            </p>
          ))}
          {plan.counterOfId ? (
            <p>
              <Link to={`/app/plans/${plan.counterOfId}`}>{t('plan.bo.originalLink')}</Link>
            </p>
          ) : null}
        </section>

        <section className="card" aria-labelledby="policy-heading">
          <h2 id="policy-heading">{t('plan.bo.policy')}</h2>
          {verdict.withinPolicy ? (
            <p className="badge ok">{t('plan.bo.withinPolicy')}</p>
          ) : (
            <>
              <p className="badge warn">{t('plan.bo.outsidePolicy')}</p>
              <ul className="reasons" data-testid="policy-reasons">
                {verdict.reasons.map((r) => (
                  <li key={r.code}>{reasonText(t, locale, r)}</li>
                ))}
              </ul>
            </>
          )}
          <h3 className="h3">{t('plan.invoices')}</h3>
          <ul className="plan-invoices">
            {plan.invoices.map((i) => (
              <li key={i.id}>
                {i.number} <span className="amount">{money(i.amountCents)}</span>{' '}
                <span className="muted small">{t(`portal.status.${i.status}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section aria-labelledby="schedule-heading" className="card">
        <h2 id="schedule-heading">{t('plan.schedule.caption')}</h2>
        <ScheduleTable
          rows={
            plan.status === 'active' || plan.status === 'completed' || plan.status === 'defaulted'
              ? plan.installments
              : plan.installments.map(({ status: _s, paidCents: _p, ...r }) => r)
          }
          totalCents={plan.totalCents}
          today={plan.status === 'active' ? page.today : undefined}
        />
      </section>

      {plan.status === 'proposed' ? (
        <section aria-labelledby="decide-heading" className="stack">
          <h2 id="decide-heading">{t('plan.bo.decide')}</h2>
          <div className="grid cols-3 decisions">
            <Form method="post" className="card stack">
              <h3 className="h3">{t('plan.bo.approve')}</h3>
              <p className="small muted">{t('plan.bo.approveHint')}</p>
              <button type="submit" name="intent" value={INTENT.approve} disabled={busy}>
                {t('plan.bo.approve')}
              </button>
            </Form>

            <Form method="post" className="card stack">
              <h3 className="h3">{t('plan.bo.reject')}</h3>
              <div className="field">
                <label htmlFor="reject-reason">{t('plan.bo.rejectReason')}</label>
                <textarea
                  rows={3}
                  maxLength={1000}
                  required
                  {...fieldProps('reason', rejectErrors.reason, false, 'reject-reason')}
                />
                <FieldErrorMessage name="reject-reason" error={rejectErrors.reason} />
              </div>
              <button type="submit" name="intent" value={INTENT.reject} className="danger" disabled={busy}>
                {t('plan.bo.reject')}
              </button>
            </Form>

            <Form method="post" className="card stack" noValidate>
              <h3 className="h3">{t('plan.bo.counter')}</h3>
              <p className="small muted">{t('plan.bo.counterHint', { amount: money(plan.totalCents) })}</p>
              <div className="field">
                <label htmlFor="counter-installmentCount">{t('plan.field.count')}</label>
                <input
                  type="number"
                  inputMode="numeric"
                  min={MIN_INSTALLMENTS}
                  max={MAX_INSTALLMENTS_HARD}
                  defaultValue={counterValues?.installmentCount ?? String(Math.min(plan.installmentCount, 12))}
                  {...fieldProps('installmentCount', counterErrors.installmentCount, false, 'counter-installmentCount')}
                />
                <FieldErrorMessage name="counter-installmentCount" error={counterErrors.installmentCount} />
              </div>
              <div className="field">
                <label htmlFor="counter-frequency">{t('plan.bo.frequency')}</label>
                <select
                  defaultValue={counterValues?.frequency ?? plan.frequency}
                  {...fieldProps('frequency', counterErrors.frequency, false, 'counter-frequency')}
                >
                  <option value="monthly">{t('plan.frequency.monthly')}</option>
                  <option value="biweekly">{t('plan.frequency.biweekly')}</option>
                </select>
                <FieldErrorMessage name="counter-frequency" error={counterErrors.frequency} />
              </div>
              <div className="field">
                <label htmlFor="counter-firstDate">{t('plan.field.firstDate')}</label>
                <input
                  type="date"
                  min={page.today}
                  defaultValue={
                    counterValues?.firstDate ??
                    (plan.firstDueDate >= page.today ? plan.firstDueDate : addDays(page.today, 7))
                  }
                  {...fieldProps('firstDate', counterErrors.firstDate, false, 'counter-firstDate')}
                />
                <FieldErrorMessage name="counter-firstDate" error={counterErrors.firstDate} />
              </div>
              <div className="field">
                <label htmlFor="counter-downPayment">{t('plan.bo.downPayment')}</label>
                <input
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  defaultValue={counterValues?.downPayment ?? ''}
                  {...fieldProps('downPayment', counterErrors.downPayment, false, 'counter-downPayment')}
                />
                <FieldErrorMessage name="counter-downPayment" error={counterErrors.downPayment} />
              </div>
              <div className="field">
                <label htmlFor="counter-note">{t('plan.bo.counterNote')}</label>
                <textarea
                  rows={2}
                  maxLength={1000}
                  defaultValue={counterValues?.reason ?? ''}
                  {...fieldProps('note', counterErrors.reason, false, 'counter-note')}
                />
                <FieldErrorMessage name="counter-note" error={counterErrors.reason} />
              </div>
              {counterErrors.invoices ? (
                <FieldErrorMessage name="counter-invoices" error={counterErrors.invoices} />
              ) : null}
              <button type="submit" name="intent" value={INTENT.counter} className="secondary" disabled={busy}>
                {t('plan.bo.counterSubmit')}
              </button>
            </Form>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="history-heading" className="stack">
        <h2 id="history-heading">{t('plan.bo.history')}</h2>
        <div className="grid cols-2">
          <div className="card">
            <h3 className="h3">{t('plan.bo.history.invoices')}</h3>
            <div className="table-wrap" tabIndex={0} role="group" aria-label={t('plan.bo.history.invoices')}>
              <table>
                <caption className="visually-hidden">{t('plan.bo.history.invoices')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('plan.bo.col.number')}</th>
                    <th scope="col">{t('plan.bo.col.due')}</th>
                    <th scope="col" className="num">
                      {t('plan.bo.col.open')}
                    </th>
                    <th scope="col">{t('plan.bo.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {history.invoices.map((i) => (
                    <tr key={i.id}>
                      <td className="nowrap">{i.number}</td>
                      <td className="nowrap">{formatDate(i.dueDate, locale, 'short')}</td>
                      <td className="num amount">{money(i.openCents)}</td>
                      <td>{t(`portal.status.${i.status}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div className="card">
            <h3 className="h3">{t('plan.bo.history.payments')}</h3>
            {history.payments.length === 0 ? (
              <p className="muted">{t('plan.bo.history.none')}</p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="group" aria-label={t('plan.bo.history.payments')}>
                <table>
                  <caption className="visually-hidden">{t('plan.bo.history.payments')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('plan.bo.col.date')}</th>
                      <th scope="col" className="num">
                        {t('plan.bo.col.amount')}
                      </th>
                      <th scope="col">{t('plan.bo.col.via')}</th>
                      <th scope="col">{t('plan.bo.col.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {history.payments.map((p) => (
                      <tr key={p.id}>
                        <td>{formatDate(p.paidAt ?? p.createdAt, locale, 'short')}</td>
                        <td className="num amount">{money(p.amountCents)}</td>
                        <td>
                          {providerLabel(locale, p.provider)}
                          {p.installmentId ? (
                            <span className="muted small"> · {t('plan.bo.installmentTag')}</span>
                          ) : null}
                        </td>
                        <td>{t(`portal.paymentStatus.${p.status}`)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          <div className="card">
            <h3 className="h3">{t('plan.bo.history.plans')}</h3>
            {history.plans.length === 0 ? (
              <p className="muted">{t('plan.bo.history.none')}</p>
            ) : (
              <ul className="plain-list">
                {history.plans.map((p) => (
                  <li key={p.id}>
                    <Link to={`/app/plans/${p.id}`}>
                      {formatDate(p.createdAt, locale, 'short')} · {money(p.totalCents)} · {p.installmentCount}×
                    </Link>{' '}
                    <PlanStatusBadge status={p.status} />
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h3 className="h3">{t('plan.bo.history.promises')}</h3>
            <p className="small" data-testid="promise-record">
              {t('plan.bo.history.promiseRecord', { kept: history.promisesKept, broken: history.promisesBroken })}
            </p>
            {history.promises.length > 0 ? (
              <ul className="plain-list">
                {history.promises.map((p) => (
                  <li key={p.id}>
                    {formatDate(p.promisedDate, locale, 'short')} · {money(p.totalCents)} ·{' '}
                    {t(`promise.status.${p.status}`)}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
      </section>
    </div>
  );
}
