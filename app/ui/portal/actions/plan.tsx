import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { ActionContext, OverviewContext } from './types';

/** Pauses under which a new plan (or promise) makes no sense: the invoice is already in one, or disputed. */
const HOLDS_PLAN = new Set(['payment_plan', 'dispute']);
const HOLDS_PROMISE = new Set(['payment_plan', 'promise_to_pay', 'dispute']);

/**
 * "Betalingsregeling voorstellen" and "Betaalbelofte doen" on an open invoice, each with that
 * invoice preselected. An invoice already in a plan shows the way to the plan instead.
 */
export function invoiceActions({ invoice, t }: ActionContext): ReactNode[] {
  if (invoice.status !== 'open' || invoice.openCents <= 0) return [];
  const paused = invoice.next.kind === 'paused' ? invoice.next.reason : null;
  if (paused === 'payment_plan') {
    return [
      <Link key="plan" to="/portal/plan" className="button quiet">
        {t('plan.yours')}
      </Link>,
    ];
  }
  const actions: ReactNode[] = [];
  if (!paused || !HOLDS_PLAN.has(paused)) {
    actions.push(
      <Link
        key="plan"
        to={`/portal/plan?invoice=${invoice.id}`}
        className="button quiet"
        aria-label={t('plan.action.proposeFor', { number: invoice.number })}
      >
        {t('plan.action.propose')}
      </Link>,
    );
  }
  if (!paused || !HOLDS_PROMISE.has(paused)) {
    actions.push(
      <Link
        key="promise"
        to={`/portal/promise?invoice=${invoice.id}`}
        className="button quiet"
        aria-label={t('promise.action.makeFor', { number: invoice.number })}
      >
        {t('promise.action.make')}
      </Link>,
    );
  }
  return actions;
}

/** Over all open invoices: propose a plan or promise a date for all of them at once. */
export function overviewActions({ openCount, t }: OverviewContext): ReactNode[] {
  if (openCount === 0) return [];
  return [
    <Link key="plan" to="/portal/plan" className="button secondary">
      {t('plan.action.propose')}
    </Link>,
    <Link key="promise" to="/portal/promise" className="button secondary">
      {t('promise.action.make')}
    </Link>,
  ];
}
