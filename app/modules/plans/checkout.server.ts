/**
 * Paying the next installment online. The payment flow is the payments module's: its provider
 * adapters, checkout lifetime, pause margin, webhooks, return page and ledger. What differs
 * from paying invoices is only how the payment row is made: its amount is the installment's
 * unpaid part, its intent spreads that over the plan's open invoices (oldest due first), and
 * `installment_id` is set, so the ledger's settlement reaches this module's listener.
 */
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { invoices, payments, planInvoices, type Payment } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { translate, type Locale } from '~/utils/i18n';
import { audit } from '~/modules/audit/index.server';
import { pauseInvoices } from '~/modules/dunning/index.server';
import {
  adapterFor,
  CHECKOUT_TTL_MS,
  openProviderCheckout,
  PAUSE_MARGIN_MS,
  PROVIDER_TIMEOUT_MS,
  resolveProviderConfig,
  type StartCheckoutResult,
} from '~/modules/payments/index.server';
import type { OnlineMethod, PaymentProviderAdapter } from '~/modules/payments/index';
import type { DebtorSession } from '~/modules/links/index.server';
import { installmentPaymentIntent, type InstallmentIntent } from './installments.server';
import { debtorScope, type DebtorRef } from '~/utils/org-scope.server';

type Options = { clock?: Clock; timeoutMs?: number; locale?: Locale; adapter?: PaymentProviderAdapter };

/**
 * Opens a checkout for the plan's next installment. A second tap while a checkout for the same
 * installment is still open returns that checkout instead of opening another.
 */
export async function startInstallmentCheckout(
  session: Pick<DebtorSession, 'organizationId' | 'debtorId' | 'debtor' | 'organization'>,
  { planId, installmentId, method }: { planId: string; installmentId: string; method: OnlineMethod },
  { clock = systemClock, timeoutMs = PROVIDER_TIMEOUT_MS, locale = 'nl', adapter: givenAdapter }: Options = {},
): Promise<StartCheckoutResult> {
  const config = givenAdapter ? null : await resolveProviderConfig(session.organizationId);
  if (!givenAdapter && !config) return { ok: false, error: 'no_provider' };
  const adapter = givenAdapter ?? adapterFor(config!, { clock });
  const now = clock.now();
  const scope = { organizationId: session.organizationId, debtorId: session.debtorId };

  const prepared = await getDb().transaction(async (tx) => {
    await lockPlanInvoices(tx, scope, planId);
    const due = await installmentPaymentIntent(tx, scope, planId, installmentId);
    if (!due) return { ok: false as const, error: 'nothing_due' as const };
    const open = await openInstallmentPayment(tx, scope, due.installmentId, now);
    if (open) return { ok: true as const, reused: open };
    const payment = await startInstallmentPayment(tx, scope, { due, planId, method, adapter, clock, now });
    return { ok: true as const, payment, due };
  });

  if (!prepared.ok) return prepared;
  if ('reused' in prepared && prepared.reused) return reusedCheckout(prepared.reused);
  const { payment, due } = prepared;
  const label = translate(locale, 'plan.checkout.line', { number: due.seq });
  return openProviderCheckout(
    payment,
    {
      adapter,
      organizationScoped: config?.source === 'organization',
      description: translate(locale, 'plan.checkout.description', {
        organization: session.organization.name,
        number: due.seq,
      }),
      lines: due.intent.map((i, n) => ({
        invoiceId: i.invoiceId,
        label: `${label} · ${due.invoiceNumbers[n]}`,
        amountCents: i.amountCents,
      })),
      method,
      locale,
      customerEmail: session.debtor.email,
    },
    { clock, timeoutMs },
  );
}

/** Locks the plan's invoices in id order, as every ledger path locks them. */
async function lockPlanInvoices(tx: Tx, scope: DebtorRef, planId: string) {
  const planInvoiceIds = tx
    .select({ id: planInvoices.invoiceId })
    .from(planInvoices)
    .where(eq(planInvoices.planId, planId));
  await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(debtorScope(invoices, scope), inArray(invoices.id, planInvoiceIds)))
    .orderBy(asc(invoices.id))
    .for('update');
}

/** A payment for this installment that is still open (or pending) and not expired, if any. */
async function openInstallmentPayment(
  tx: Tx,
  scope: DebtorRef,
  installmentId: string,
  now: Date,
): Promise<Payment | undefined> {
  const [open] = await tx
    .select()
    .from(payments)
    .where(
      and(
        debtorScope(payments, scope),
        eq(payments.installmentId, installmentId),
        inArray(payments.status, ['open', 'pending']),
        gt(payments.expiresAt, now),
      ),
    )
    .limit(1);
  return open as Payment | undefined;
}

/**
 * The installment's payment row (open, until the checkout expires), the pause of its invoices
 * (payment_pending, a margin past the expiry) and its audit event.
 */
async function startInstallmentPayment(
  tx: Tx,
  scope: DebtorRef,
  {
    due,
    planId,
    method,
    adapter,
    clock,
    now,
  }: {
    due: InstallmentIntent;
    planId: string;
    method: OnlineMethod;
    adapter: PaymentProviderAdapter;
    clock: Clock;
    now: Date;
  },
): Promise<Payment> {
  const expiresAt = new Date(now.getTime() + CHECKOUT_TTL_MS);
  const actor = { type: 'debtor' as const, id: scope.debtorId };
  const [payment] = await tx
    .insert(payments)
    .values({
      organizationId: scope.organizationId,
      debtorId: scope.debtorId,
      provider: adapter.name,
      method,
      amountCents: due.amountCents,
      currency: 'EUR',
      status: 'open',
      intent: due.intent,
      installmentId: due.installmentId,
      idempotencyKey: `installment:${due.installmentId}:${now.getTime()}`,
      expiresAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await pauseInvoices(
    tx,
    {
      ...scope,
      invoiceIds: due.intent.map((i) => i.invoiceId),
      reason: 'payment_pending',
      sourceId: payment.id,
      until: new Date(expiresAt.getTime() + PAUSE_MARGIN_MS),
      actor,
    },
    { clock },
  );
  await audit(tx, {
    ...scope,
    actor,
    action: 'payment.started',
    entityType: 'payment',
    entityId: payment.id,
    data: {
      provider: adapter.name,
      method,
      amountCents: due.amountCents,
      intent: due.intent,
      planId,
      installmentId: due.installmentId,
      seq: due.seq,
    },
    at: now,
  });
  return payment;
}

/** A second tap: the open checkout again, or busy while the provider has not given its address yet. */
function reusedCheckout(reused: Payment): StartCheckoutResult {
  return reused.checkoutUrl
    ? { ok: true, paymentId: reused.id, checkoutUrl: reused.checkoutUrl, reused: true }
    : { ok: false, error: 'busy', paymentId: reused.id };
}
