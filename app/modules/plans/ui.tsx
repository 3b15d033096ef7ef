/**
 * Small React pieces the plan pages share (portal and back office). No data access.
 */
import { type FieldError, formatDate, type Locale, type Params, type TextKey } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import type { PolicyReason } from './schedule';

type Translate = (key: TextKey, params?: Params) => string;

/** A field error as a sentence in the reader's language, amounts and days formatted for them. */
export function errorText(t: Translate, locale: Locale, error: FieldError) {
  const params: Params = { ...error.params };
  for (const [k, cents] of Object.entries(error.money ?? {})) params[k] = formatMoney(cents, 'EUR', locale);
  for (const [k, day] of Object.entries(error.days ?? {})) params[k] = formatDate(day, locale);
  return t(error.key, params);
}

export function useErrorText() {
  const t = useT();
  const locale = useLocale();
  return (error: FieldError | undefined) => (error ? errorText(t, locale, error) : null);
}

/** Props for an input with a possible error: aria-invalid and aria-describedby pointing at hint and error. */
export function fieldProps(name: string, error: FieldError | undefined, hint = false, id = name) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return {
    id,
    name,
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
}

export function FieldErrorMessage({ name, error }: { name: string; error: FieldError | undefined }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="field-error" id={`${name}-error`}>
      {text(error)}
    </p>
  );
}

const STATUS_BADGE: Record<string, string> = {
  proposed: 'warn',
  countered: 'info',
  active: 'ok',
  completed: 'ok',
  rejected: 'bad',
  declined: 'neutral',
  defaulted: 'bad',
  cancelled: 'neutral',
};

export type PlanStatus =
  'proposed' | 'countered' | 'active' | 'rejected' | 'declined' | 'completed' | 'defaulted' | 'cancelled';

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  const t = useT();
  return <span className={`badge ${STATUS_BADGE[status] ?? 'neutral'}`}>{t(`plan.status.${status}`)}</span>;
}

export type ScheduleRow = {
  seq: number;
  dueDate: string;
  amountCents: number;
  downPayment?: boolean;
  paidCents?: number;
  status?: 'pending' | 'paid' | 'missed';
};

/** The payment schedule as a table; with statuses when the plan runs. */
export function ScheduleTable({
  rows,
  totalCents,
  caption,
  today,
}: {
  rows: ScheduleRow[];
  totalCents: number;
  caption?: string;
  today?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const withStatus = rows.some((r) => r.status !== undefined);
  return (
    <div className="table-wrap" tabIndex={0} role="group" aria-label={caption ?? t('plan.schedule.caption')}>
      <table className="schedule">
        <caption className={caption ? undefined : 'visually-hidden'}>{caption ?? t('plan.schedule.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plan.schedule.number')}</th>
            <th scope="col">{t('plan.schedule.date')}</th>
            <th scope="col" className="num">
              {t('plan.schedule.amount')}
            </th>
            {withStatus ? <th scope="col">{t('plan.schedule.status')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const late = r.status !== 'paid' && today !== undefined && r.dueDate < today;
            return (
              <tr key={r.seq} className={r.status === 'paid' ? 'is-paid' : late ? 'is-late' : undefined}>
                <td>{r.downPayment ? t('plan.schedule.downPayment') : r.seq}</td>
                <td>{formatDate(r.dueDate, locale, 'short')}</td>
                <td className="num amount">{money(r.amountCents)}</td>
                {withStatus ? (
                  <td>
                    {r.status === 'paid' ? (
                      <span className="badge ok">{t('plan.installment.paid')}</span>
                    ) : r.status === 'missed' || late ? (
                      <span className="badge bad">{t('plan.installment.missed')}</span>
                    ) : r.paidCents ? (
                      <span className="badge info">
                        {t('plan.installment.partial', { amount: money(r.paidCents) })}
                      </span>
                    ) : (
                      <span className="badge neutral">{t('plan.installment.pending')}</span>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('plan.schedule.total')}
            </th>
            <td className="num amount strong">{money(totalCents)}</td>
            {withStatus ? <td /> : null}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** One reason a proposal is outside the policy, in words. */
export function reasonText(t: Translate, locale: Locale, reason: PolicyReason) {
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  switch (reason.code) {
    case 'kind_not_allowed':
      return t('plan.reason.kind_not_allowed');
    case 'max_installments':
    case 'max_duration':
      return t(`plan.reason.${reason.code}`, { actual: reason.actual, limit: reason.limit });
    case 'max_total':
    case 'min_installment':
    case 'min_down_payment':
      return t(`plan.reason.${reason.code}`, { actual: money(reason.actual), limit: money(reason.limit) });
    case 'recent_default':
      return t('plan.reason.recent_default', { count: reason.actual });
  }
}

/** "EUR 600.00 in 4 instalments, monthly". */
export function planSummary(
  t: Translate,
  locale: Locale,
  plan: { totalCents: number; installmentCount: number; frequency: 'monthly' | 'biweekly' },
) {
  return t('plan.summary', {
    total: formatMoney(plan.totalCents, 'EUR', locale),
    count: plan.installmentCount,
    frequency: t(`plan.frequencyShort.${plan.frequency}`),
  });
}
