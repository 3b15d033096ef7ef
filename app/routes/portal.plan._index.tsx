import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  getDebtorPlans,
  getPlanForm,
  nextDueInstallment,
  previewProposal,
  proposePlan,
} from '~/modules/plans/index.server';
import {
  checkSchedule,
  evaluateProposal,
  FieldErrorMessage,
  type FieldErrors,
  fieldProps,
  INTENT,
  MAX_INSTALLMENTS_HARD,
  MIN_INSTALLMENTS,
  parsePlanValues,
  type PlanFormValues,
  PlanStatusBadge,
  planSummary,
  proposalIntentSchema,
  readPlanForm,
  ScheduleTable,
  useErrorText,
} from '~/modules/plans/index';
import { requireDebtor } from '~/modules/links/index.server';
import { addDays } from '~/utils/clock';
import { parseForm } from '~/utils/forms';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import planStyles from '~/styles/plans.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: planStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const [form, plans, locale] = await Promise.all([getPlanForm(session), getDebtorPlans(session), getLocale(request)]);
  const url = new URL(request.url);
  const wanted = url.searchParams.getAll('invoice');
  const eligible = form.candidates.filter((c) => c.blocked === null);
  const preselected = wanted.length > 0 ? eligible.filter((c) => wanted.includes(c.id)) : eligible;
  return {
    ...form,
    title: translate(locale, 'plan.title'),
    organizationName: session.organization.name,
    defaults: {
      invoiceIds: preselected.map((c) => c.id),
      installmentCount: '3',
      frequency: 'monthly',
      firstDate: addDays(form.today, Math.min(7, form.policy.firstPaymentMaxDays)),
      downPayment: '',
      reason: '',
    } satisfies PlanFormValues,
    plans: plans.map((p) => {
      const next = p.status === 'active' ? nextDueInstallment(p.installments) : null;
      return {
        id: p.id,
        status: p.status,
        totalCents: p.totalCents,
        installmentCount: p.installmentCount,
        downPaymentCents: p.downPaymentCents,
        frequency: p.frequency,
        paidCents: p.installments.reduce((s, i) => s + Math.min(i.paidCents, i.amountCents), 0),
        next: next ? { seq: next.seq, dueDate: next.dueDate, amountCents: next.amountCents - next.paidCents } : null,
      };
    }),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const form = await request.formData();
  const chosen = parseForm(proposalIntentSchema, form);
  const intent = chosen.ok ? chosen.data.intent : INTENT.propose;
  const values = readPlanForm(form);
  const parsed = parsePlanValues(values);
  if (!parsed.ok) return data({ intent, values, errors: parsed.errors }, { status: 400 });
  if (intent === INTENT.preview) {
    const checked = await previewProposal(session, parsed.input);
    return data({ intent, values, errors: checked.ok ? {} : checked.errors }, { status: checked.ok ? 200 : 400 });
  }
  const result = await proposePlan(session, parsed.input);
  if (!result.ok) return data({ intent, values, errors: result.errors }, { status: 400 });
  return redirect(`/portal/plan/${result.plan.id}?created=1`);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The schedule the current form values give, computed in the browser with the server's own rules. */
function usePreview(values: PlanFormValues, page: LoaderData) {
  return useMemo(() => {
    const chosen = page.candidates.filter((c) => c.blocked === null && values.invoiceIds.includes(c.id));
    if (chosen.length === 0 || values.installmentCount === '' || values.firstDate === '')
      return { kind: 'empty' as const };
    const parsed = parsePlanValues(values);
    if (!parsed.ok) return { kind: 'invalid' as const, errors: parsed.errors };
    const proposal = {
      totalCents: chosen.reduce((s, c) => s + c.owedCents, 0),
      downPaymentCents: parsed.input.downPaymentCents,
      installmentCount: parsed.input.installmentCount,
      frequency: parsed.input.frequency,
      firstDate: parsed.input.firstDate,
    };
    const checked = checkSchedule(proposal, { today: page.today, policy: page.policy });
    if (!checked.ok) return { kind: 'invalid' as const, errors: checked.errors };
    const verdict = evaluateProposal(page.policy, proposal, page.debtorKind, page.today, {
      recentDefaults: page.recentDefaults,
    });
    return {
      kind: 'ok' as const,
      schedule: checked.schedule,
      totalCents: proposal.totalCents,
      withinPolicy: verdict.withinPolicy,
    };
  }, [values, page]);
}

export default function PlanPage() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  return (
    <div className="stack plan-page">
      <h1>{t('plan.title')}</h1>
      {page.plans.length > 0 ? (
        <section aria-labelledby="your-plans" className="stack">
          <h2 id="your-plans">{t('plan.yours')}</h2>
          <ul className="plan-list">
            {page.plans.map((plan) => (
              <li key={plan.id} className="card plan-card">
                <div className="invoice-card-head">
                  <h3 className="h3">{planSummary(t, locale, plan)}</h3>
                  <PlanStatusBadge status={plan.status} />
                </div>
                {plan.status === 'active' ? (
                  <p className="small">
                    {t('plan.progress', { paid: money(plan.paidCents), total: money(plan.totalCents) })}
                    {plan.next ? (
                      <>
                        <br />
                        {t('plan.next', {
                          amount: money(plan.next.amountCents),
                          date: formatDate(plan.next.dueDate, locale),
                        })}
                      </>
                    ) : null}
                  </p>
                ) : null}
                <p>
                  <Link
                    to={`/portal/plan/${plan.id}`}
                    aria-label={t('plan.viewLabel', { total: money(plan.totalCents) })}
                  >
                    {t('plan.view')}
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ProposalSection page={page} />
    </div>
  );
}

function ProposalSection({ page }: { page: LoaderData }) {
  const t = useT();
  if (!page.mayPropose)
    return <p className="alert info">{t('plan.notOffered', { organization: page.organizationName })}</p>;
  if (page.pending) {
    return (
      <div className="alert info" role="status">
        <p>{t('plan.pending')}</p>
        <p>
          <Link to={`/portal/plan/${page.pending.id}`}>{t('plan.pending.view')}</Link>
        </p>
      </div>
    );
  }
  if (!page.candidates.some((c) => c.blocked === null)) return <p className="alert info">{t('plan.noneEligible')}</p>;
  return <ProposalForm page={page} />;
}

function ProposalForm({ page }: { page: LoaderData }) {
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  const errors: FieldErrors = actionData?.errors ?? {};
  const submitted = actionData?.values;
  const [values, setValues] = useState<PlanFormValues>(submitted ?? page.defaults);
  useEffect(() => {
    if (submitted) setValues(submitted);
  }, [submitted]);
  const preview = usePreview(values, page);
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const onChange = (event: FormEvent<HTMLFormElement>) => setValues(readPlanForm(new FormData(event.currentTarget)));
  const lastFirstDate = addDays(page.today, page.policy.firstPaymentMaxDays);

  return (
    <section aria-labelledby="propose-heading" className="card stack">
      <h2 id="propose-heading">{t('plan.propose.heading')}</h2>
      <p className="muted">{t('plan.intro')}</p>
      {errors.form ? (
        <p className="alert error" role="alert">
          {errorText(errors.form)}
        </p>
      ) : null}
      <Form method="post" className="stack plan-form" onChange={onChange} noValidate>
        <fieldset className="field" aria-describedby={errors.invoices ? 'invoices-error' : undefined}>
          <legend>{t('plan.field.invoices')}</legend>
          <ul className="choice-list">
            {page.candidates.map((c) => {
              const blocked = c.blocked !== null;
              return (
                <li key={c.id}>
                  <input
                    type="checkbox"
                    id={`invoice-${c.id}`}
                    name="invoice"
                    value={c.id}
                    disabled={blocked}
                    defaultChecked={!blocked && values.invoiceIds.includes(c.id)}
                    aria-invalid={errors.invoices ? true : undefined}
                    aria-describedby={`invoice-${c.id}-facts`}
                  />
                  <label htmlFor={`invoice-${c.id}`}>
                    <span className="strong">{t('plan.field.invoiceLabel', { number: c.number })}</span>{' '}
                    <span id={`invoice-${c.id}-facts`} className="small muted">
                      {t('plan.field.invoiceFacts', {
                        amount: money(c.owedCents),
                        date: formatDate(c.dueDate, locale),
                      })}
                      {c.blocked ? ` · ${t(`plan.blocked.${c.blocked}`)}` : null}
                      {!blocked && c.promisedDate
                        ? ` · ${t('plan.promised', { date: formatDate(c.promisedDate, locale) })}`
                        : null}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
          <FieldErrorMessage name="invoices" error={errors.invoices} />
        </fieldset>

        <div className="grid cols-2 plan-fields">
          <div className="field">
            <label htmlFor="installmentCount">{t('plan.field.count')}</label>
            <input
              type="number"
              inputMode="numeric"
              min={MIN_INSTALLMENTS}
              max={MAX_INSTALLMENTS_HARD}
              step={1}
              defaultValue={values.installmentCount}
              {...fieldProps('installmentCount', errors.installmentCount, true)}
            />
            <p className="hint" id="installmentCount-hint">
              {t('plan.field.countHint', {
                max: page.policy.maxInstallments,
                min: money(page.policy.minInstallmentCents),
              })}
            </p>
            <FieldErrorMessage name="installmentCount" error={errors.installmentCount} />
          </div>

          <fieldset className="field" aria-describedby={errors.frequency ? 'frequency-error' : undefined}>
            <legend>{t('plan.field.frequency')}</legend>
            {(['monthly', 'biweekly'] as const).map((f) => (
              <div key={f} className="radio">
                <input
                  type="radio"
                  id={`frequency-${f}`}
                  name="frequency"
                  value={f}
                  defaultChecked={values.frequency === f}
                />
                <label htmlFor={`frequency-${f}`}>{t(`plan.frequency.${f}`)}</label>
              </div>
            ))}
            <FieldErrorMessage name="frequency" error={errors.frequency} />
          </fieldset>

          <div className="field">
            <label htmlFor="firstDate">{t('plan.field.firstDate')}</label>
            <input
              type="date"
              min={page.today}
              max={lastFirstDate}
              defaultValue={values.firstDate}
              {...fieldProps('firstDate', errors.firstDate, true)}
            />
            <p className="hint" id="firstDate-hint">
              {t('plan.field.firstDateHint', { date: formatDate(lastFirstDate, locale) })}
            </p>
            <FieldErrorMessage name="firstDate" error={errors.firstDate} />
          </div>

          <div className="field">
            <label htmlFor="downPayment">{t('plan.field.downPayment')}</label>
            <input
              type="text"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={values.downPayment}
              {...fieldProps('downPayment', errors.downPayment, true)}
            />
            <p className="hint" id="downPayment-hint">
              {t('plan.field.downPaymentHint')}
              {page.policy.minDownPaymentPercent > 0
                ? ` ${t('plan.field.downPaymentMin', { percent: page.policy.minDownPaymentPercent })}`
                : null}
            </p>
            <FieldErrorMessage name="downPayment" error={errors.downPayment} />
          </div>
        </div>

        <div className="field">
          <label htmlFor="reason">{t('plan.field.reason')}</label>
          <textarea
            rows={3}
            maxLength={1000}
            defaultValue={values.reason}
            {...fieldProps('reason', errors.reason, true)}
          />
          <p className="hint" id="reason-hint">
            {t('plan.field.reasonHint', { organization: page.organizationName })}
          </p>
          <FieldErrorMessage name="reason" error={errors.reason} />
        </div>

        <section
          className="plan-preview"
          aria-labelledby="preview-heading"
          aria-live="polite"
          data-testid="plan-preview"
        >
          <h3 id="preview-heading">{t('plan.preview.heading')}</h3>
          {preview.kind === 'empty' ? <p className="muted">{t('plan.preview.empty')}</p> : null}
          {preview.kind === 'invalid' ? (
            <ul className="preview-problems">
              {Object.values(preview.errors).map((e, i) => (
                <li key={i}>{errorText(e)}</li>
              ))}
            </ul>
          ) : null}
          {preview.kind === 'ok' ? (
            <>
              <ScheduleTable rows={preview.schedule} totalCents={preview.totalCents} />
              <p className={`alert ${preview.withinPolicy ? 'success' : 'info'}`} data-testid="plan-verdict">
                {t(preview.withinPolicy ? 'plan.verdict.within' : 'plan.verdict.outside', {
                  organization: page.organizationName,
                })}
              </p>
            </>
          ) : null}
        </section>

        <div className="actions">
          {/* Preview first: pressing Enter in a field shows the schedule rather than sending the proposal. */}
          <button type="submit" name="intent" value={INTENT.preview} className="secondary" disabled={busy}>
            {t('plan.action.preview')}
          </button>
          <button type="submit" name="intent" value={INTENT.propose} disabled={busy}>
            {t('plan.action.submit')}
          </button>
        </div>
      </Form>
    </section>
  );
}
