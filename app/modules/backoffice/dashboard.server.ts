/**
 * The back-office dashboard: every figure is computed in SQL, scoped by organization, for the
 * "today" of an injectable clock (a calendar day in Europe/Amsterdam).
 */
import { sql } from 'drizzle-orm';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';

export const AGEING_BUCKETS = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];
export type AgeingRow = { bucket: AgeingBucket; count: number; cents: number };

export type DsoPoint = {
  /** The measuring day: a month's last day, or today for the month in progress. */
  day: string;
  /** Days in the trailing three-month window (day − 3 months, day]. */
  windowDays: number;
  receivablesCents: number;
  salesCents: number;
  /** Null when nothing was invoiced in the window (DSO is undefined then). */
  dso: number | null;
};

/**
 * Money collected in one ISO week: `cents`/`count` are every channel together; the channel
 * figures split them (portal: iDEAL and card through a provider; bank: transfers matched from a
 * bank statement; external: settlements the creditor's own systems reported through the API).
 */
export type WeekTotal = {
  week: string;
  weekStart: string;
  cents: number;
  count: number;
  portalCents: number;
  bankCents: number;
  externalCents: number;
};
export type PauseReasonRow = {
  reason: 'payment_pending' | 'payment_plan' | 'promise_to_pay' | 'dispute' | 'manual' | 'transfer_announced';
  count: number;
  cents: number;
};
export type FlaggedDebtor = {
  id: string;
  name: string;
  flaggedAt: string;
  flaggedReason: string | null;
  emailBlocked: boolean;
  overdueCents: number;
};

export type Dashboard = {
  today: string;
  outstanding: { cents: number; count: number };
  overdue: { cents: number; count: number; debtors: number };
  ageing: AgeingRow[];
  dso: DsoPoint[];
  collected: WeekTotal[];
  paused: { byReason: PauseReasonRow[]; invoices: number; cents: number };
  plansAwaiting: { count: number; cents: number };
  disputesAwaiting: { count: number; pastTarget: number };
  flagged: { count: number; debtors: FlaggedDebtor[] };
};

/** Providers that mean "paid through the portal" (not bank transfers or settlements recorded elsewhere). */
export const PORTAL_PROVIDERS = ['mollie', 'stripe', 'demo'] as const;
/**
 * Ledger sources that are money received: the portal's providers, bank-statement transfers and
 * external settlements. Credit notes, write-offs and spending a debtor's credit lower what is owed
 * but bring no money in (the credit was counted when the overpayment arrived), so they are not
 * collections.
 */
export const COLLECTION_PROVIDERS = [...PORTAL_PROVIDERS, 'bank_transfer', 'external'] as const;
const FLAGGED_SHOWN = 10;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function getDashboard(
  organizationId: string,
  { clock = systemClock, db = getDb() }: { clock?: Clock; db?: Tx } = {},
): Promise<Dashboard> {
  const now = clock.now();
  const today = amsterdamDate(now);
  const [totals, ageing, dso, collected, paused, queues, flagged] = await Promise.all([
    totalsQuery(db, organizationId, today),
    ageingQuery(db, organizationId, today),
    dsoQuery(db, organizationId, today),
    collectedQuery(db, organizationId, today),
    pausedQuery(db, organizationId, now),
    queuesQuery(db, organizationId, now),
    flaggedQuery(db, organizationId, today),
  ]);
  return { today, ...totals, ageing, dso, collected, paused, ...queues, flagged };
}

async function totalsQuery(db: Tx, organizationId: string, today: string) {
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select
      coalesce(sum(open_cents), 0) as outstanding_cents,
      count(*) as outstanding_count,
      coalesce(sum(open_cents) filter (where due_date < ${today}::date), 0) as overdue_cents,
      count(*) filter (where due_date < ${today}::date) as overdue_count,
      count(distinct debtor_id) filter (where due_date < ${today}::date) as overdue_debtors
    from invoices
    where organization_id = ${organizationId} and status = 'open' and open_cents > 0`);
  return {
    outstanding: { cents: num(row.outstanding_cents), count: num(row.outstanding_count) },
    overdue: { cents: num(row.overdue_cents), count: num(row.overdue_count), debtors: num(row.overdue_debtors) },
  };
}

/**
 * Open amounts by days past the due date (today − due date): not due yet (≤ 0), 1–30, 31–60,
 * 61–90 and more than 90 days. An invoice due today is not overdue.
 */
async function ageingQuery(db: Tx, organizationId: string, today: string): Promise<AgeingRow[]> {
  const rows = await db.execute<{ bucket: AgeingBucket; count: unknown; cents: unknown }>(sql`
    select
      case
        when due_date >= ${today}::date then 'not_due'
        when ${today}::date - due_date <= 30 then 'd1_30'
        when ${today}::date - due_date <= 60 then 'd31_60'
        when ${today}::date - due_date <= 90 then 'd61_90'
        else 'd90_plus'
      end as bucket,
      count(*) as count,
      coalesce(sum(open_cents), 0) as cents
    from invoices
    where organization_id = ${organizationId} and status = 'open' and open_cents > 0
    group by 1`);
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return AGEING_BUCKETS.map((bucket) => ({
    bucket,
    count: num(byBucket.get(bucket)?.count),
    cents: num(byBucket.get(bucket)?.cents),
  }));
}

/**
 * Days sales outstanding, by the period (average-sales) method over a trailing three-month window:
 *
 *   DSO(D) = receivables at the end of day D / credit sales in (D − 3 months, D] × days in that window
 *
 * measured at the last day of each of the 11 previous months and at today for the month in
 * progress (12 points). "Credit sales" are the totals of invoices issued in the window (every
 * invoice is a sale on credit here). "Receivables at D" rebuilds the open amount as it stood at
 * the end of D (Europe/Amsterdam): invoices issued on or before D that were not yet settled
 * then, each at its total minus the money applied to it before that moment (a payment counts
 * at its paid_at, a reversal at the time it was recorded), never below zero. The window length
 * is the real number of days (89–92), not a flat 91.25, so a figure can be checked by hand.
 */
async function dsoQuery(db: Tx, organizationId: string, today: string): Promise<DsoPoint[]> {
  const rows = await db.execute<{ day: string; window_days: unknown; sales: unknown; receivables: unknown }>(sql`
    with points as (
      select g,
        case when g = 0 then ${today}::date
             else (date_trunc('month', ${today}::timestamp) - make_interval(months => g - 1) - interval '1 day')::date
        end as day
      from generate_series(0, 11) as g
    ), windows as (
      select g, day, (day - interval '3 months')::date as window_start,
        ((day + 1)::timestamp at time zone 'Europe/Amsterdam') as cutoff
      from points
    )
    select
      w.day::text as day,
      (w.day - w.window_start) as window_days,
      (select coalesce(sum(i.total_cents), 0) from invoices i
        where i.organization_id = ${organizationId} and i.issue_date > w.window_start and i.issue_date <= w.day) as sales,
      (select coalesce(sum(greatest(i.total_cents - coalesce(applied.cents, 0), 0)), 0)
        from invoices i
        left join lateral (
          select sum(a.amount_cents) as cents
          from payment_allocations a
          join payments p on p.id = a.payment_id
          where a.invoice_id = i.id
            and (case when a.amount_cents > 0 then coalesce(p.paid_at, a.created_at) else a.created_at end) < w.cutoff
        ) applied on true
        where i.organization_id = ${organizationId}
          and i.issue_date <= w.day
          and (i.status = 'open' or coalesce(i.settled_at, i.updated_at) >= w.cutoff)) as receivables
    from windows w
    order by w.day`);
  return rows.map((r) => {
    const salesCents = num(r.sales);
    const receivablesCents = num(r.receivables);
    const windowDays = num(r.window_days);
    return {
      day: r.day,
      windowDays,
      receivablesCents,
      salesCents,
      dso: salesCents > 0 ? Math.round((receivablesCents / salesCents) * windowDays * 10) / 10 : null,
    };
  });
}

/**
 * Money collected per ISO week (Monday to Sunday, Europe/Amsterdam), the current week and the 11
 * before it: paid payments of every money-in source (COLLECTION_PROVIDERS), by paid_at, net of
 * partial refunds, chargebacks and returned transfers, split by channel.
 */
async function collectedQuery(db: Tx, organizationId: string, today: string): Promise<WeekTotal[]> {
  const providers = `{${COLLECTION_PROVIDERS.join(',')}}`;
  const portal = `{${PORTAL_PROVIDERS.join(',')}}`;
  const rows = await db.execute<{
    week: string;
    week_start: string;
    cents: unknown;
    count: unknown;
    portal_cents: unknown;
    bank_cents: unknown;
    external_cents: unknown;
  }>(sql`
    with weeks as (
      select (date_trunc('week', ${today}::timestamp) - make_interval(weeks => g))::date as week_start
      from generate_series(0, 11) as g
    ), received as (
      select p.id, p.provider, p.paid_at,
        greatest(p.amount_cents - p.refunded_cents - p.charged_back_cents, 0) as net
      from payments p
      where p.organization_id = ${organizationId}
        and p.status = 'paid'
        and p.provider = any(${providers}::payment_provider[])
    )
    select
      to_char(w.week_start, 'IYYY-"W"IW') as week,
      w.week_start::text as week_start,
      coalesce(sum(r.net), 0) as cents,
      count(r.id) as count,
      coalesce(sum(r.net) filter (where r.provider = any(${portal}::payment_provider[])), 0) as portal_cents,
      coalesce(sum(r.net) filter (where r.provider = 'bank_transfer'), 0) as bank_cents,
      coalesce(sum(r.net) filter (where r.provider = 'external'), 0) as external_cents
    from weeks w
    left join received r
      on r.paid_at >= (w.week_start::timestamp at time zone 'Europe/Amsterdam')
      and r.paid_at < ((w.week_start + 7)::timestamp at time zone 'Europe/Amsterdam')
    group by w.week_start
    order by w.week_start`);
  return rows.map((r) => ({
    week: r.week,
    weekStart: r.week_start,
    cents: num(r.cents),
    count: num(r.count),
    portalCents: num(r.portal_cents),
    bankCents: num(r.bank_cents),
    externalCents: num(r.external_cents),
  }));
}

/** Open invoices with a pause in force now, per reason (an invoice with two reasons counts under both). */
async function pausedQuery(db: Tx, organizationId: string, now: Date) {
  const at = now.toISOString();
  const rows = await db.execute<{ reason: PauseReasonRow['reason'] | null; count: unknown; cents: unknown }>(sql`
    with active as (
      select distinct dp.reason, i.id, i.open_cents
      from dunning_pauses dp
      join invoices i on i.id = dp.invoice_id and i.organization_id = dp.organization_id
      where dp.organization_id = ${organizationId}
        and i.status = 'open'
        and dp.lifted_at is null
        and (dp.until is null or dp.until > ${at}::timestamptz)
    )
    select reason, count(*) as count, coalesce(sum(open_cents), 0) as cents from active group by reason
    union all
    select null, count(distinct id), coalesce(sum(distinct_open), 0)
    from (select id, max(open_cents) as distinct_open from active group by id) per_invoice`);
  const total = rows.find((r) => r.reason === null);
  const order: PauseReasonRow['reason'][] = [
    'payment_pending',
    'transfer_announced',
    'payment_plan',
    'promise_to_pay',
    'dispute',
    'manual',
  ];
  const byReason = rows
    .filter((r): r is typeof r & { reason: PauseReasonRow['reason'] } => r.reason !== null)
    .map((r) => ({ reason: r.reason, count: num(r.count), cents: num(r.cents) }))
    .sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason));
  return { byReason, invoices: num(total?.count), cents: num(total?.cents) };
}

/**
 * The two work queues: plan proposals waiting for finance, and disputes waiting for support
 * (with how many are past the organisation's response target since the debtor last wrote).
 */
async function queuesQuery(db: Tx, organizationId: string, now: Date) {
  const at = now.toISOString();
  const [row] = await db.execute<Record<string, unknown>>(sql`
    select
      (select count(*) from payment_plans where organization_id = ${organizationId} and status = 'proposed') as plans,
      (select coalesce(sum(total_cents), 0) from payment_plans where organization_id = ${organizationId} and status = 'proposed') as plan_cents,
      (select count(*) from disputes where organization_id = ${organizationId} and status in ('open', 'awaiting_support')) as disputes,
      (select count(*) from disputes d join organizations o on o.id = d.organization_id
        where d.organization_id = ${organizationId} and d.status in ('open', 'awaiting_support')
          and coalesce(d.last_debtor_message_at, d.created_at)
              + make_interval(hours => coalesce((o.portal_settings ->> 'disputeResponseHours')::int, 48))
              < ${at}::timestamptz) as disputes_late`);
  return {
    plansAwaiting: { count: num(row.plans), cents: num(row.plan_cents) },
    disputesAwaiting: { count: num(row.disputes), pastTarget: num(row.disputes_late) },
  };
}

async function flaggedQuery(db: Tx, organizationId: string, today: string) {
  const rows = await db.execute<{
    id: string;
    name: string;
    flagged_at: Date | string;
    flagged_reason: string | null;
    email_blocked: boolean;
    overdue_cents: unknown;
    total: unknown;
  }>(sql`
    select d.id, d.name, d.flagged_at, d.flagged_reason, d.email_blocked_at is not null as email_blocked,
      (select coalesce(sum(i.open_cents), 0) from invoices i
        where i.debtor_id = d.id and i.organization_id = d.organization_id
          and i.status = 'open' and i.due_date < ${today}::date) as overdue_cents,
      count(*) over () as total
    from debtors d
    where d.organization_id = ${organizationId} and d.flagged_at is not null and d.deleted_at is null
    order by d.flagged_at desc, d.name
    limit ${FLAGGED_SHOWN}`);
  return {
    count: num(rows[0]?.total),
    debtors: rows.map((r) => ({
      id: r.id,
      name: r.name,
      flaggedAt: new Date(r.flagged_at).toISOString(),
      flaggedReason: r.flagged_reason,
      emailBlocked: r.email_blocked,
      overdueCents: num(r.overdue_cents),
    })),
  };
}
