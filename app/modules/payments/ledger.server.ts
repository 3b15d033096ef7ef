/**
 * The payments ledger: the one place where a payment's status changes and money is applied to
 * invoices. Every change runs in one transaction with the payment row locked (SELECT ... FOR
 * UPDATE), so concurrent webhooks, the return page and background checks serialise on it and
 * a payment gets exactly one allocation set.
 *
 * Rules:
 * - paid: the amount goes to the invoices the debtor chose (payments.intent, each up to what it
 *   chose and what is still owed), or, without an intent, to the debtor's open invoices oldest
 *   due first. Within an invoice, costs first, then interest, then the principal (art. 6:44 BW).
 *   An invoice owing nothing more is `paid` (settled_at set, dunning ended, all its pauses
 *   lifted). Whatever no invoice takes is kept as a credit on the debtor.
 * - failed / canceled / expired: the payment's payment_pending pause is lifted and dunning goes
 *   on at the stage it was. A payment that was paid is never downgraded.
 * - refund / chargeback: negative allocations re-open the amounts (last applied, first re-opened),
 *   paid invoices go back to open with their dunning rescheduled from now.
 * Each change writes audit events in the same transaction; a paid payment enqueues (in the same
 * transaction) the job that writes the payment_received email through the outbox.
 *
 * Other modules (payment plans, disputes) can hook in with registerSettlementListener: a
 * listener runs inside the ledger's transaction after each change.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import {
  debtors,
  invoices,
  organizations,
  paymentAllocations,
  payments,
  type Invoice,
  type Organization,
  type Payment,
  type PaymentAllocation,
} from '../../../db/schema';
import { amsterdamDate, systemClock, type Clock } from '../../utils/clock';
import { getDb, type Tx } from '../../utils/db.server';
import { getEnv } from '../../utils/env.server';
import { audit, type Actor } from '../audit/audit.server';
import { resolveDisputesForPaidInvoices } from '../disputes/resolve.server';
import { liftPauses } from '../dunning/pauses.server';
import { nextActionFor, notBeforeSendHour } from '../dunning/schedule';
import { issuePortalLink } from '../links/links.server';
import { debtorEmailPropsFrom, emailLocale } from '../mail/context.server';
import { queueCommunication } from '../mail/outbox.server';
import type { ProviderPaymentStatus, ProviderSnapshot } from './provider';

export type PaymentStatus = Payment['status'];
export type ProviderData = {
  /** The amount the provider says it received (defaults to the payment's amount). */
  amountCents?: number;
  providerPaymentId?: string;
  providerReference?: string;
  providerStatus?: string;
  method?: string | null;
  /** Why it failed, for staff. */
  reason?: string;
};
export type LedgerOptions = {
  clock?: Clock;
  /** Run inside the caller's transaction (the caller's changes and the ledger's commit together). */
  tx?: Tx;
  /** Who caused the change (default: the payment's provider). */
  actor?: Actor;
};

export type AllocationRow = Pick<PaymentAllocation, 'invoiceId' | 'amountCents' | 'costsCents' | 'interestCents'>;

export type StatusResult = {
  changed: boolean;
  payment: Payment;
  previousStatus: PaymentStatus;
  /** The allocations this call wrote (empty unless it settled the payment). */
  allocations: AllocationRow[];
  creditedCents: number;
  /** Invoices this call settled in full. */
  settledInvoiceIds: string[];
};

export type ReversalResult = {
  changed: boolean;
  payment: Payment;
  /** Amount reversed by this call. */
  amountCents: number;
  allocations: AllocationRow[];
  reopenedInvoiceIds: string[];
};

export type SettlementEvent =
  | {
      kind: 'status';
      payment: Payment;
      from: PaymentStatus;
      to: PaymentStatus;
      allocations: AllocationRow[];
      creditedCents: number;
    }
  | {
      kind: 'reversal';
      payment: Payment;
      reversal: 'refund' | 'chargeback';
      amountCents: number;
      allocations: AllocationRow[];
    };

export type SettlementListener = (tx: Tx, event: SettlementEvent, context: { clock: Clock }) => Promise<void>;

const listeners = new Map<string, SettlementListener>();

/**
 * Runs `listener` inside the ledger transaction after every status change and reversal (e.g.
 * payment plans marking an installment paid). Idempotent per name.
 */
export function registerSettlementListener(name: string, listener: SettlementListener) {
  listeners.set(name, listener);
}

export class LedgerError extends Error {
  constructor(
    readonly code: 'payment_not_found' | 'not_paid',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** Statuses that mean the money arrived (possibly since partly or wholly given back). */
const SETTLED: ReadonlySet<PaymentStatus> = new Set(['paid', 'refunded', 'charged_back']);
const UNSUCCESSFUL: ReadonlySet<PaymentStatus> = new Set(['failed', 'canceled', 'expired']);

export function isSettledStatus(status: PaymentStatus) {
  return SETTLED.has(status);
}

export function isFinalStatus(status: PaymentStatus) {
  return SETTLED.has(status) || UNSUCCESSFUL.has(status);
}

/** What an invoice still owes: principal, collection costs and interest. */
export function owedCents(invoice: Pick<Invoice, 'openCents' | 'costsCents' | 'interestCents'>) {
  return invoice.openCents + invoice.costsCents + invoice.interestCents;
}

function inTransaction<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? work(tx) : getDb().transaction(work);
}

async function lockPayment(tx: Tx, paymentId: string): Promise<Payment> {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
  if (!payment) throw new LedgerError('payment_not_found', `no payment ${paymentId}`);
  return payment;
}

async function notify(tx: Tx, event: SettlementEvent, clock: Clock) {
  for (const listener of listeners.values()) await listener(tx, event, { clock });
}

/**
 * Moves a payment to `newStatus` and does what that means for the invoices (see the module
 * comment). Safe to call any number of times, concurrently and out of order: a repeated or
 * stale status changes nothing.
 */
export async function applyPaymentStatus(
  paymentId: string,
  newStatus: ProviderPaymentStatus,
  { providerData = {}, ...options }: LedgerOptions & { providerData?: ProviderData } = {},
): Promise<StatusResult> {
  const clock = options.clock ?? systemClock;
  return inTransaction(options.tx, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    const actor: Actor = options.actor ?? { type: 'provider', id: payment.provider };
    const now = clock.now();
    const unchanged: StatusResult = {
      changed: false,
      payment,
      previousStatus: payment.status,
      allocations: [],
      creditedCents: 0,
      settledInvoiceIds: [],
    };
    const facts = {
      providerPaymentId: payment.providerPaymentId ?? providerData.providerPaymentId ?? null,
      providerReference: payment.providerReference ?? providerData.providerReference ?? null,
      providerStatus: providerData.providerStatus ?? payment.providerStatus,
    };
    const learnsFacts =
      facts.providerPaymentId !== payment.providerPaymentId ||
      facts.providerReference !== payment.providerReference ||
      facts.providerStatus !== payment.providerStatus;

    const settled = SETTLED.has(payment.status);
    const finalUnsuccessful = UNSUCCESSFUL.has(payment.status);
    // Never downgrade money that arrived; a late "expired" after "paid" changes nothing. An
    // unsuccessful end is final too, except that money arriving after all still counts.
    const moves =
      !settled &&
      payment.status !== newStatus &&
      (newStatus === 'paid' ||
        (!finalUnsuccessful && (newStatus !== 'pending' || payment.status === 'open') && newStatus !== 'open'));
    if (!moves) {
      if (learnsFacts) {
        const [updated] = await tx
          .update(payments)
          .set({ ...facts, updatedAt: now })
          .where(eq(payments.id, payment.id))
          .returning();
        return { ...unchanged, payment: updated };
      }
      return unchanged;
    }

    if (newStatus === 'paid') return settlePaid(tx, payment, providerData, facts, { actor, clock });

    const [updated] = await tx
      .update(payments)
      .set({
        ...facts,
        status: newStatus,
        failureReason: newStatus === 'pending' ? payment.failureReason : (providerData.reason ?? payment.failureReason),
        updatedAt: now,
      })
      .where(eq(payments.id, payment.id))
      .returning();
    if (newStatus !== 'pending') {
      await liftPauses(
        tx,
        {
          organizationId: payment.organizationId,
          sourceId: payment.id,
          reason: 'payment_pending',
          liftedReason: `payment_${newStatus}`,
          actor,
        },
        { clock },
      );
    }
    await audit(tx, {
      organizationId: payment.organizationId,
      actor,
      action: `payment.${newStatus}`,
      entityType: 'payment',
      entityId: payment.id,
      debtorId: payment.debtorId,
      data: {
        from: payment.status,
        provider: payment.provider,
        providerStatus: facts.providerStatus,
        amountCents: payment.amountCents,
      },
      at: now,
    });
    await notify(
      tx,
      { kind: 'status', payment: updated, from: payment.status, to: newStatus, allocations: [], creditedCents: 0 },
      clock,
    );
    return { ...unchanged, changed: true, payment: updated };
  });
}

type Target = { invoice: Invoice; cap: number };

async function settlePaid(
  tx: Tx,
  payment: Payment,
  providerData: ProviderData,
  facts: Pick<Payment, 'providerPaymentId' | 'providerReference' | 'providerStatus'>,
  { actor, clock }: { actor: Actor; clock: Clock },
): Promise<StatusResult> {
  const now = clock.now();
  const received = providerData.amountCents ?? payment.amountCents;
  const intent = payment.intent?.filter((i) => i.amountCents > 0) ?? [];
  const scope = and(eq(invoices.organizationId, payment.organizationId), eq(invoices.debtorId, payment.debtorId));

  let targets: Target[];
  if (intent.length > 0) {
    // Locked in id order (every ledger path does), so two settlements never deadlock.
    const rows = await tx
      .select()
      .from(invoices)
      .where(
        and(
          scope,
          inArray(
            invoices.id,
            intent.map((i) => i.invoiceId),
          ),
        ),
      )
      .orderBy(asc(invoices.id))
      .for('update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    targets = intent.flatMap((i) => {
      const invoice = byId.get(i.invoiceId);
      return invoice ? [{ invoice, cap: i.amountCents }] : [];
    });
  } else {
    const rows = await tx
      .select()
      .from(invoices)
      .where(and(scope, eq(invoices.status, 'open')))
      .orderBy(asc(invoices.id))
      .for('update');
    rows.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
    targets = rows.map((invoice) => ({ invoice, cap: Number.MAX_SAFE_INTEGER }));
  }

  let remaining = received;
  const allocations: AllocationRow[] = [];
  const settledIds: string[] = [];
  const touched: Invoice[] = [];
  for (const { invoice, cap } of targets) {
    if (remaining <= 0) break;
    if (invoice.status !== 'open') continue;
    const take = Math.min(remaining, cap, owedCents(invoice));
    if (take <= 0) continue;
    const costs = Math.min(take, invoice.costsCents);
    const interest = Math.min(take - costs, invoice.interestCents);
    const principal = take - costs - interest;
    const next = {
      openCents: invoice.openCents - principal,
      costsCents: invoice.costsCents - costs,
      interestCents: invoice.interestCents - interest,
    };
    const paidInFull = owedCents(next) === 0;
    const changes = {
      ...next,
      updatedAt: now,
      ...(paidInFull ? { status: 'paid' as const, settledAt: now, nextActionAt: null } : {}),
    };
    // The row is locked: what we wrote is what it holds (no need to read it back).
    await tx.update(invoices).set(changes).where(eq(invoices.id, invoice.id));
    touched.push({ ...invoice, ...changes });
    allocations.push({ invoiceId: invoice.id, amountCents: take, costsCents: costs, interestCents: interest });
    if (paidInFull) settledIds.push(invoice.id);
    remaining -= take;
  }
  if (allocations.length > 0) {
    await tx.insert(paymentAllocations).values(
      allocations.map((a) => ({
        ...a,
        organizationId: payment.organizationId,
        paymentId: payment.id,
        installmentId: payment.installmentId,
        createdAt: now,
      })),
    );
  }
  const credited = remaining;
  if (credited > 0) {
    await tx
      .update(debtors)
      .set({ creditCents: sql`${debtors.creditCents} + ${credited}`, updatedAt: now })
      .where(eq(debtors.id, payment.debtorId));
  }
  const paid = {
    ...facts,
    status: 'paid' as const,
    paidAt: now,
    amountCents: received,
    creditedCents: credited,
    method: providerData.method ?? payment.method,
    updatedAt: now,
  };
  await tx.update(payments).set(paid).where(eq(payments.id, payment.id));
  const updated: Payment = { ...payment, ...paid };

  if (settledIds.length > 0) {
    await liftPauses(
      tx,
      { organizationId: payment.organizationId, invoiceIds: settledIds, liftedReason: 'paid', actor },
      { clock },
    );
    await resolveDisputesForPaidInvoices(
      tx,
      { organizationId: payment.organizationId, invoiceIds: settledIds, actor },
      { clock },
    );
  }
  // Invoices paid in part: the payment is done, so dunning goes on for what is left. (When every
  // invoice was settled, the call above already lifted all their pauses, this one's included.)
  const intended = new Set(intent.map((i) => i.invoiceId));
  if (intended.size === 0 || [...intended].some((id) => !settledIds.includes(id))) {
    await liftPauses(
      tx,
      {
        organizationId: payment.organizationId,
        sourceId: payment.id,
        reason: 'payment_pending',
        liftedReason: 'payment_paid',
        actor,
      },
      { clock },
    );
  }

  await audit(
    tx,
    {
      organizationId: payment.organizationId,
      actor,
      action: 'payment.paid',
      entityType: 'payment',
      entityId: payment.id,
      debtorId: payment.debtorId,
      data: {
        from: payment.status,
        provider: payment.provider,
        amountCents: received,
        creditedCents: credited,
        allocations,
      },
      at: now,
    },
    ...touched.map((invoice) => ({
      organizationId: payment.organizationId,
      actor,
      action: invoice.status === 'paid' ? 'invoice.paid' : 'invoice.partially_paid',
      entityType: 'invoice',
      entityId: invoice.id,
      debtorId: payment.debtorId,
      invoiceId: invoice.id,
      data: {
        paymentId: payment.id,
        amountCents: allocations.find((a) => a.invoiceId === invoice.id)?.amountCents ?? 0,
        openCents: invoice.openCents,
      },
      at: now,
    })),
    ...(credited > 0
      ? [
          {
            organizationId: payment.organizationId,
            actor,
            action: 'debtor.credit_added',
            entityType: 'debtor',
            entityId: payment.debtorId,
            debtorId: payment.debtorId,
            data: { paymentId: payment.id, amountCents: credited },
            at: now,
          },
        ]
      : []),
  );
  // The email (fresh portal link, rendering, outbox) is follow-up work: a job, so the webhook answers fast.
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${PAYMENT_RECEIVED_TASK}::text,
      json_build_object('paymentId', ${payment.id}::text),
      max_attempts := 10,
      job_key := ${`payment_received:${payment.id}`}::text
    )`);
  await notify(
    tx,
    { kind: 'status', payment: updated, from: payment.status, to: 'paid', allocations, creditedCents: credited },
    clock,
  );
  return {
    changed: true,
    payment: updated,
    previousStatus: payment.status,
    allocations,
    creditedCents: credited,
    settledInvoiceIds: settledIds,
  };
}

export const PAYMENT_RECEIVED_TASK = 'payment_received_email';

/**
 * The "we received your payment" email with a fresh portal link, for a paid payment (the job
 * the ledger enqueues when a payment settles). Idempotent: the dedupe key lets it be queued once.
 */
export async function queuePaymentReceived(paymentId: string, { clock = systemClock }: { clock?: Clock } = {}) {
  return getDb().transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId));
    if (!payment || !SETTLED.has(payment.status)) return null;
    const [row] = await tx
      .select({ debtor: debtors, organization: organizations })
      .from(debtors)
      .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
      .where(and(eq(debtors.id, payment.debtorId), eq(debtors.organizationId, payment.organizationId)));
    if (!row || row.debtor.emailBlockedAt) return null;
    const allocated = await tx
      .selectDistinct({ invoiceId: paymentAllocations.invoiceId })
      .from(paymentAllocations)
      .where(and(eq(paymentAllocations.paymentId, payment.id), gt(paymentAllocations.amountCents, 0)));
    const own = and(eq(invoices.organizationId, payment.organizationId), eq(invoices.debtorId, payment.debtorId));
    const paidInvoices = allocated.length
      ? await tx
          .select()
          .from(invoices)
          .where(
            and(
              own,
              inArray(
                invoices.id,
                allocated.map((a) => a.invoiceId),
              ),
            ),
          )
          .orderBy(asc(invoices.dueDate), asc(invoices.number))
      : [];
    const stillOpen = await tx
      .select()
      .from(invoices)
      .where(and(own, eq(invoices.status, 'open')));
    const link = await issuePortalLink(
      tx,
      {
        organizationId: payment.organizationId,
        debtorId: payment.debtorId,
        purpose: 'portal',
        ttlDays: row.organization.portalSettings.linkTtlDays,
      },
      { clock },
    );
    const locale = emailLocale(row.debtor, row.organization);
    const base = debtorEmailPropsFrom({
      organization: row.organization,
      debtor: row.debtor,
      invoices: paidInvoices,
      portalUrl: link.url,
      locale,
      logoUrl: row.organization.logoFileId ? `${getEnv().APP_URL}/brand/${row.organization.id}/logo` : null,
    });
    const sum = (pick: (i: Invoice) => number) => stillOpen.reduce((total, i) => total + pick(i), 0);
    return queueCommunication(
      tx,
      {
        organizationId: payment.organizationId,
        debtorId: payment.debtorId,
        template: 'payment_received',
        toAddress: row.debtor.email,
        locale,
        invoiceIds: paidInvoices.map((i) => i.id),
        linkJti: link.jti,
        dedupeKey: `payment_received:${payment.id}`,
        props: {
          ...base,
          totals: {
            openCents: sum((i) => i.openCents),
            costsCents: sum((i) => i.costsCents) || null,
            interestCents: sum((i) => i.interestCents) || null,
          },
          payment: {
            amountCents: payment.amountCents,
            currency: payment.currency,
            paidOn: amsterdamDate(payment.paidAt ?? clock.now()),
          },
        },
      },
      { clock },
    );
  });
}

/** When dunning picks a re-opened invoice up again: its next stage's date, but not before now (at the sending hour). */
export function resumedNextAction(
  invoice: Pick<Invoice, 'dueDate' | 'dunningStage'>,
  policy: Organization['dunningPolicy'],
  kind: 'consumer' | 'business',
  now: Date,
): Date | null {
  const planned = nextActionFor(policy[kind], invoice.dueDate, invoice.dunningStage);
  if (!planned) return null;
  const earliest = notBeforeSendHour(now);
  return planned > earliest ? planned : earliest;
}

/**
 * Gives money back: a refund or a chargeback, given as the provider's running total for that
 * kind (so a repeated or reordered report reverses nothing twice). The payment's credit is
 * taken back first, then its allocations, last applied first; paid invoices re-open and their
 * dunning is rescheduled from now.
 */
export async function recordReversal(
  paymentId: string,
  { kind, totalCents, providerStatus }: { kind: 'refund' | 'chargeback'; totalCents: number; providerStatus?: string },
  options: LedgerOptions = {},
): Promise<ReversalResult> {
  const clock = options.clock ?? systemClock;
  return inTransaction(options.tx, async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (!SETTLED.has(payment.status))
      throw new LedgerError('not_paid', `payment ${paymentId} is ${payment.status}; nothing to reverse`);
    const actor: Actor = options.actor ?? { type: 'provider', id: payment.provider };
    const now = clock.now();
    const already = kind === 'refund' ? payment.refundedCents : payment.chargedBackCents;
    const reversible = payment.amountCents - payment.refundedCents - payment.chargedBackCents;
    const amount = Math.min(totalCents - already, reversible);
    if (amount <= 0) return { changed: false, payment, amountCents: 0, allocations: [], reopenedInvoiceIds: [] };

    const [debtor] = await tx
      .select({ creditCents: debtors.creditCents, kind: debtors.kind })
      .from(debtors)
      .where(eq(debtors.id, payment.debtorId))
      .for('update');
    const fromCredit = Math.min(amount, payment.creditedCents, Math.max(0, debtor.creditCents));
    let rest = amount - fromCredit;

    const net = await tx
      .select({
        invoiceId: paymentAllocations.invoiceId,
        amountCents: sql<number>`sum(${paymentAllocations.amountCents})::bigint`.mapWith(Number),
        costsCents: sql<number>`sum(${paymentAllocations.costsCents})::bigint`.mapWith(Number),
        interestCents: sql<number>`sum(${paymentAllocations.interestCents})::bigint`.mapWith(Number),
      })
      .from(paymentAllocations)
      .where(eq(paymentAllocations.paymentId, payment.id))
      .groupBy(paymentAllocations.invoiceId);
    const open = net.filter((n) => n.amountCents > 0);
    const rows = open.length
      ? await tx
          .select()
          .from(invoices)
          .where(
            inArray(
              invoices.id,
              open.map((n) => n.invoiceId),
            ),
          )
          .orderBy(asc(invoices.id))
          .for('update')
      : [];
    const [org] = await tx
      .select({ dunningPolicy: organizations.dunningPolicy })
      .from(organizations)
      .where(eq(organizations.id, payment.organizationId));
    // Last applied, first re-opened: the reverse of the order the money went in (the intent's, else oldest due first).
    const order = payment.intent?.length
      ? payment.intent.map((i) => i.invoiceId)
      : [...rows]
          .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number))
          .map((r) => r.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const allocations: AllocationRow[] = [];
    const reopened: string[] = [];
    const touched: { invoice: Invoice; amount: number }[] = [];
    for (const invoiceId of [...new Set(order)].reverse()) {
      const invoice = byId.get(invoiceId);
      const share = open.find((n) => n.invoiceId === invoiceId);
      if (!invoice || !share || rest <= 0) continue;
      const take = Math.min(rest, share.amountCents);
      const netPrincipal = share.amountCents - share.costsCents - share.interestCents;
      const principal = Math.min(take, netPrincipal);
      const interest = Math.min(take - principal, share.interestCents);
      const costs = take - principal - interest;
      const reopens = invoice.status === 'paid';
      const [updated] = await tx
        .update(invoices)
        .set({
          openCents: invoice.openCents + principal,
          interestCents: invoice.interestCents + interest,
          costsCents: invoice.costsCents + costs,
          updatedAt: now,
          ...(reopens
            ? {
                status: 'open' as const,
                settledAt: null,
                nextActionAt: resumedNextAction(invoice, org.dunningPolicy, debtor.kind, now),
              }
            : {}),
        })
        .where(eq(invoices.id, invoice.id))
        .returning();
      allocations.push({ invoiceId, amountCents: -take, costsCents: -costs || 0, interestCents: -interest || 0 });
      touched.push({ invoice: updated, amount: take });
      if (reopens) reopened.push(invoiceId);
      rest -= take;
    }
    if (allocations.length > 0) {
      await tx.insert(paymentAllocations).values(
        allocations.map((a) => ({
          ...a,
          organizationId: payment.organizationId,
          paymentId: payment.id,
          installmentId: payment.installmentId,
          createdAt: now,
        })),
      );
    }
    if (fromCredit > 0) {
      await tx
        .update(debtors)
        .set({ creditCents: sql`${debtors.creditCents} - ${fromCredit}`, updatedAt: now })
        .where(eq(debtors.id, payment.debtorId));
    }
    const refunded = payment.refundedCents + (kind === 'refund' ? amount : 0);
    const chargedBack = payment.chargedBackCents + (kind === 'chargeback' ? amount : 0);
    const status: PaymentStatus =
      kind === 'chargeback'
        ? 'charged_back'
        : refunded + chargedBack >= payment.amountCents
          ? 'refunded'
          : payment.status;
    const [updated] = await tx
      .update(payments)
      .set({
        refundedCents: refunded,
        chargedBackCents: chargedBack,
        creditedCents: payment.creditedCents - fromCredit,
        status,
        providerStatus: providerStatus ?? payment.providerStatus,
        updatedAt: now,
      })
      .where(eq(payments.id, payment.id))
      .returning();
    await audit(
      tx,
      {
        organizationId: payment.organizationId,
        actor,
        action: kind === 'refund' ? 'payment.refunded' : 'payment.charged_back',
        entityType: 'payment',
        entityId: payment.id,
        debtorId: payment.debtorId,
        data: { amountCents: amount, totalCents, fromCreditCents: fromCredit, allocations, status },
        at: now,
      },
      ...touched.map(({ invoice, amount: reversed }) => ({
        organizationId: payment.organizationId,
        actor,
        action: reopened.includes(invoice.id) ? 'invoice.reopened' : 'invoice.payment_reversed',
        entityType: 'invoice',
        entityId: invoice.id,
        debtorId: payment.debtorId,
        invoiceId: invoice.id,
        data: {
          paymentId: payment.id,
          kind,
          amountCents: reversed,
          openCents: invoice.openCents,
          nextActionAt: invoice.nextActionAt?.toISOString() ?? null,
        },
        at: now,
      })),
    );
    await notify(tx, { kind: 'reversal', payment: updated, reversal: kind, amountCents: amount, allocations }, clock);
    return { changed: true, payment: updated, amountCents: amount, allocations, reopenedInvoiceIds: reopened };
  });
}

/**
 * Applies what a provider reported (a verified webhook, or an answer to our own question):
 * the status, then any refund or chargeback totals. A refund or chargeback implies the money
 * had arrived, so a payment still open is settled first.
 */
export async function applyProviderSnapshot(
  paymentId: string,
  snapshot: ProviderSnapshot,
  options: LedgerOptions = {},
) {
  return inTransaction(options.tx, async (tx) => {
    const reversed = (snapshot.refundedCents ?? 0) > 0 || (snapshot.chargedBackCents ?? 0) > 0;
    const status = reversed ? 'paid' : snapshot.status;
    const result = await applyPaymentStatus(paymentId, status, {
      ...options,
      tx,
      providerData: {
        amountCents: snapshot.amountCents,
        providerPaymentId: snapshot.providerPaymentId,
        providerReference: snapshot.providerReference,
        providerStatus: snapshot.providerStatus,
        method: snapshot.method,
      },
    });
    const reversals: ReversalResult[] = [];
    if ((snapshot.refundedCents ?? 0) > 0) {
      reversals.push(
        await recordReversal(
          paymentId,
          { kind: 'refund', totalCents: snapshot.refundedCents!, providerStatus: snapshot.providerStatus },
          { ...options, tx },
        ),
      );
    }
    if ((snapshot.chargedBackCents ?? 0) > 0) {
      reversals.push(
        await recordReversal(
          paymentId,
          { kind: 'chargeback', totalCents: snapshot.chargedBackCents!, providerStatus: snapshot.providerStatus },
          { ...options, tx },
        ),
      );
    }
    return { status: result, reversals };
  });
}
