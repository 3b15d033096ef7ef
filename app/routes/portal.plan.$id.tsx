import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import {
  answerCounter,
  getDebtorPlan,
  nextDueInstallment,
  startInstallmentCheckout,
} from '~/modules/plans/index.server';
import { formatIban } from '~/modules/payments/index';
import {
  INTENT,
  planAnswerSchema,
  PlanStatusBadge,
  planSummary,
  ScheduleTable,
  useErrorText,
} from '~/modules/plans/index';
import { requireDebtor } from '~/modules/links/index.server';
import { parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import planStyles from '~/styles/plans.css';
import { isUuid } from '~/utils/ids';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: planStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  if (!isUuid(params.id)) notFound();
  const found = await getDebtorPlan(session, params.id);
  if (!found) notFound();
  const locale = await getLocale(request);
  const { plan, original, awaitingAnswer, respondBy, today } = found;
  const next = plan.status === 'active' ? nextDueInstallment(plan.installments) : null;
  return {
    title: translate(locale, 'plan.detail.title'),
    organizationName: session.organization.name,
    iban: session.organization.iban ? formatIban(session.organization.iban) : null,
    today,
    awaitingAnswer,
    respondBy,
    plan: {
      id: plan.id,
      status: plan.status,
      totalCents: plan.totalCents,
      downPaymentCents: plan.downPaymentCents,
      installmentCount: plan.installmentCount,
      frequency: plan.frequency,
      decisionNote: plan.decisionNote,
      paidCents: plan.installments.reduce((s, i) => s + Math.min(i.paidCents, i.amountCents), 0),
      installments: plan.installments.map((i) => ({
        seq: i.seq,
        dueDate: i.dueDate,
        amountCents: i.amountCents,
        paidCents: i.paidCents,
        status: i.status,
        downPayment: plan.downPaymentCents > 0 && i.seq === 1,
      })),
      invoices: plan.invoices.map((i) => ({
        id: i.id,
        number: i.number,
        amountCents: i.amountCents,
        status: i.status,
      })),
    },
    original: original
      ? { totalCents: original.totalCents, installmentCount: original.installmentCount, frequency: original.frequency }
      : null,
    next: next
      ? { id: next.id, seq: next.seq, dueDate: next.dueDate, amountCents: next.amountCents - next.paidCents }
      : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  if (!isUuid(params.id)) notFound();
  const posted = parseForm(planAnswerSchema, await request.formData());
  if (!posted.ok) return data({ error: { key: 'plan.error.notFound' as const } }, { status: 400 });
  const { intent, installment: installmentId, method } = posted.data;
  if (intent === INTENT.accept || intent === INTENT.decline) {
    const result = await answerCounter(session, params.id, intent);
    if (!result.ok)
      return data({ error: result.error }, { status: result.error.key === 'plan.error.notFound' ? 404 : 409 });
    return redirect(`/portal/plan/${params.id}?answered=${result.status}`);
  }
  if (intent === INTENT.pay) {
    if (!isUuid(installmentId)) return data({ error: { key: 'plan.payError.nothing_due' as const } }, { status: 400 });
    const result = await startInstallmentCheckout(
      session,
      { planId: params.id, installmentId, method },
      { locale: await getLocale(request) },
    );
    if (result.ok) throw redirect(result.checkoutUrl);
    const code =
      result.error === 'no_provider' || result.error === 'provider_unavailable' || result.error === 'busy'
        ? result.error
        : 'nothing_due';
    return data(
      { error: { key: `plan.payError.${code}` as const } },
      { status: result.error === 'provider_unavailable' ? 503 : 409 },
    );
  }
  return data({ error: { key: 'plan.error.notFound' as const } }, { status: 400 });
}

export default function PlanDetail() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const { plan } = page;
  const created = search.get('created') === '1';
  const answered = search.get('answered');
  const remaining = plan.totalCents - plan.paidCents;

  return (
    <div className="stack plan-page">
      <p>
        <Link to="/portal/plan">← {t('plan.back')}</Link>
      </p>
      <div className="invoice-card-head">
        <h1>{t('plan.detail.title')}</h1>
        <PlanStatusBadge status={plan.status} />
      </div>
      {created && (plan.status === 'active' || plan.status === 'proposed') ? (
        <p className="alert success" role="status">
          {t(plan.status === 'active' ? 'plan.created.active' : 'plan.created.proposed', {
            organization: page.organizationName,
          })}
        </p>
      ) : null}
      {answered === 'active' || answered === 'declined' ? (
        <p className="alert success" role="status">
          {t(answered === 'active' ? 'plan.answered.active' : 'plan.answered.declined')}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert error" role="alert">
          {errorText(actionData.error)}
        </p>
      ) : null}

      <section className="card stack" aria-labelledby="plan-summary">
        <h2 id="plan-summary" className="h3">
          {planSummary(t, locale, plan)}
        </h2>
        {!created && !answered ? (
          <p>{t(`plan.explain.${plan.status}`, { organization: page.organizationName })}</p>
        ) : null}
        {plan.decisionNote && plan.status !== 'countered' ? (
          <p className="muted">
            {t('plan.decisionNote', { organization: page.organizationName, note: plan.decisionNote })}
          </p>
        ) : null}
        {plan.status === 'active' || plan.status === 'completed' || plan.status === 'defaulted' ? (
          <dl className="facts">
            <dt>{t('plan.schedule.total')}</dt>
            <dd className="amount">{money(plan.totalCents)}</dd>
            <dt>{t('plan.paidLabel')}</dt>
            <dd className="amount" data-testid="plan-paid">
              {money(plan.paidCents)}
            </dd>
            <dt>{t('plan.remainingLabel')}</dt>
            <dd className="amount strong" data-testid="plan-remaining">
              {money(remaining)}
            </dd>
          </dl>
        ) : null}
      </section>

      {page.awaitingAnswer ? (
        <section className="card stack counter-offer" aria-labelledby="counter-heading">
          <h2 id="counter-heading">{t('plan.counter.heading', { organization: page.organizationName })}</h2>
          {page.original ? (
            <p className="muted">{t('plan.counter.yours', { summary: planSummary(t, locale, page.original) })}</p>
          ) : null}
          {plan.decisionNote ? (
            <blockquote className="note">
              {t('plan.decisionNote', { organization: page.organizationName, note: plan.decisionNote })}
            </blockquote>
          ) : null}
          <ScheduleTable
            rows={plan.installments.map(({ status: _s, paidCents: _p, ...r }) => r)}
            totalCents={plan.totalCents}
          />
          {page.respondBy ? <p>{t('plan.counter.respondBy', { date: formatDate(page.respondBy, locale) })}</p> : null}
          <Form method="post" className="actions">
            <button type="submit" name="intent" value={INTENT.accept} disabled={navigation.state !== 'idle'}>
              {t('plan.counter.accept')}
            </button>
            <button
              type="submit"
              name="intent"
              value={INTENT.decline}
              className="secondary"
              disabled={navigation.state !== 'idle'}
              aria-describedby="decline-hint"
            >
              {t('plan.counter.decline')}
            </button>
          </Form>
          <p className="hint" id="decline-hint">
            {t('plan.counter.declineHint')}
          </p>
        </section>
      ) : (
        <section className="stack" aria-labelledby="schedule-heading">
          <h2 id="schedule-heading">{t('plan.schedule.caption')}</h2>
          {page.next ? (
            <div className="card next-installment stack" data-testid="next-installment">
              <p className="strong">
                {t('plan.next', { amount: money(page.next.amountCents), date: formatDate(page.next.dueDate, locale) })}
              </p>
              <Form method="post" className="stack">
                <input type="hidden" name="installment" value={page.next.id} />
                <fieldset className="field">
                  <legend>{t('plan.payMethod')}</legend>
                  {(['ideal', 'creditcard'] as const).map((m) => (
                    <div key={m} className="radio">
                      <input type="radio" id={`method-${m}`} name="method" value={m} defaultChecked={m === 'ideal'} />
                      <label htmlFor={`method-${m}`}>{t(`pay.method.${m}`)}</label>
                    </div>
                  ))}
                </fieldset>
                <button
                  type="submit"
                  name="intent"
                  value={INTENT.pay}
                  className="block"
                  disabled={navigation.state !== 'idle'}
                >
                  {t('plan.pay', { number: page.next.seq, amount: money(page.next.amountCents) })}
                </button>
              </Form>
              {page.iban ? <p className="small muted">{t('plan.payHint', { iban: page.iban })}</p> : null}
            </div>
          ) : null}
          <ScheduleTable
            rows={plan.installments}
            totalCents={plan.totalCents}
            today={plan.status === 'active' ? page.today : undefined}
          />
        </section>
      )}

      <section aria-labelledby="plan-invoices">
        <h2 id="plan-invoices">{t('plan.invoices')}</h2>
        <ul className="plan-invoices">
          {plan.invoices.map((i) => (
            <li key={i.id}>
              <Link to={`/portal/invoices/${i.id}`}>{t('plan.field.invoiceLabel', { number: i.number })}</Link>{' '}
              <span className="amount">{money(i.amountCents)}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
