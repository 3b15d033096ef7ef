/**
 * Starting a payment from the portal. What is owed is always recomputed from the database
 * inside the transaction, with the invoices locked; the client sends only which invoices (and,
 * for one invoice, how much of it), never an amount to charge for a list or a status.
 *
 * 1. In one transaction: lock the debtor's chosen invoices, compute the lines, insert the
 *    payment (status open, intent = invoices and amounts, idempotency key from debtor +
 *    selection + a two-minute bucket, so a double click finds the first payment instead of
 *    opening a second) and pause dunning on those invoices until the checkout expires plus a margin.
 * 2. Outside it: ask the provider for a checkout (with an idempotency key and a short timeout).
 * 3. Success: store the provider's id and checkout URL; the debtor goes there. Failure: the
 *    payment is marked failed and the pause lifted, in one transaction; nothing is paid.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { dunningPauses, invoices, payments, type Invoice, type Payment } from '../../../db/schema';
import { amsterdamDate, systemClock, type Clock } from '../../utils/clock';
import { getDb } from '../../utils/db.server';
import { getEnv } from '../../utils/env.server';
import { translate, type Locale } from '../../utils/i18n';
import { audit } from '../audit/audit.server';
import { liftPauses, pauseInvoices } from '../dunning/pauses.server';
import { ownInvoices } from '../portal/scope.server';
import type { DebtorSession } from '../portal/session.server';
import { owedCents } from './ledger.server';
import {
  ProviderUnavailableError,
  withTimeout,
  type CheckoutLine,
  type OnlineMethod,
  type PaymentProviderAdapter,
} from './provider';
import { checkPartialAmount } from './partial-amount';
import { adapterFor, resolveProviderConfig, webhookUrl } from './providers.server';

/** What the debtor chose on /portal/pay. */
export type PaySelection =
  | { kind: 'overdue' }
  | { kind: 'all' }
  | { kind: 'invoices'; invoiceIds: string[] }
  | { kind: 'single'; invoiceId: string; amountCents?: number };

export type CheckoutError =
  | 'nothing_due'
  | 'invoice_not_found'
  | 'amount_below_minimum'
  | 'amount_above_open'
  | 'no_provider'
  | 'provider_unavailable'
  | 'busy';

export type StartCheckoutResult =
  | { ok: true; paymentId: string; checkoutUrl: string; reused: boolean }
  | { ok: false; error: CheckoutError; paymentId?: string };

/** How long a checkout stays open at the provider (Stripe's minimum is 30 minutes). */
export const CHECKOUT_TTL_MS = 30 * 60_000;
/** The pause outlives the checkout a little: a payment made in the last minute still lands before dunning moves. */
export const PAUSE_MARGIN_MS = 15 * 60_000;
/** Longest we wait for the provider when opening a checkout. */
export const PROVIDER_TIMEOUT_MS = 10_000;
const DOUBLE_CLICK_BUCKET_MS = 2 * 60_000;

type Options = { clock?: Clock; timeoutMs?: number; locale?: Locale; adapter?: PaymentProviderAdapter };

function overdue(invoice: Pick<Invoice, 'dueDate'>, today: string) {
  return invoice.dueDate < today;
}

/** The lines to charge for a selection, from locked rows; or why there are none. */
export function linesFor(
  selection: PaySelection,
  rows: Invoice[],
  { today, minPartialCents }: { today: string; minPartialCents: number },
): { ok: true; lines: { invoice: Invoice; amountCents: number }[] } | { ok: false; error: CheckoutError } {
  const payable = rows.filter((r) => r.status === 'open' && owedCents(r) > 0);
  switch (selection.kind) {
    case 'overdue': {
      const due = payable.filter((r) => overdue(r, today));
      return due.length
        ? { ok: true, lines: due.map((invoice) => ({ invoice, amountCents: owedCents(invoice) })) }
        : { ok: false, error: 'nothing_due' };
    }
    case 'all':
      return payable.length
        ? { ok: true, lines: payable.map((invoice) => ({ invoice, amountCents: owedCents(invoice) })) }
        : { ok: false, error: 'nothing_due' };
    case 'invoices': {
      const wanted = new Set(selection.invoiceIds);
      if (wanted.size === 0) return { ok: false, error: 'nothing_due' };
      const found = payable.filter((r) => wanted.has(r.id));
      if (found.length !== wanted.size) return { ok: false, error: 'invoice_not_found' };
      return { ok: true, lines: found.map((invoice) => ({ invoice, amountCents: owedCents(invoice) })) };
    }
    case 'single': {
      const invoice = payable.find((r) => r.id === selection.invoiceId);
      if (!invoice) return { ok: false, error: 'invoice_not_found' };
      const amount = checkPartialAmount(owedCents(invoice), selection.amountCents, minPartialCents);
      if (!amount.ok) return amount;
      return { ok: true, lines: [{ invoice, amountCents: amount.amountCents }] };
    }
  }
}

export function idempotencyKeyFor(
  debtorId: string,
  lines: { invoiceId: string; amountCents: number }[],
  at: Date,
  bucketOffset = 0,
) {
  const bucket = Math.floor(at.getTime() / DOUBLE_CLICK_BUCKET_MS) + bucketOffset;
  const selection = [...lines]
    .sort((a, b) => a.invoiceId.localeCompare(b.invoiceId))
    .map((l) => `${l.invoiceId}:${l.amountCents}`)
    .join(',');
  return `checkout:${createHash('sha256').update(`${debtorId}|${selection}|${bucket}`).digest('hex')}`;
}

/**
 * Opens a checkout for what the debtor chose. Never throws for the debtor's mistakes or a
 * provider outage: it answers with an error code the page translates.
 */
export async function startCheckout(
  session: Pick<DebtorSession, 'organizationId' | 'debtorId' | 'debtor' | 'organization'>,
  { selection, method }: { selection: PaySelection; method: OnlineMethod },
  { clock = systemClock, timeoutMs = PROVIDER_TIMEOUT_MS, locale = 'nl', adapter: givenAdapter }: Options = {},
): Promise<StartCheckoutResult> {
  const config = givenAdapter ? null : await resolveProviderConfig(session.organizationId);
  if (!givenAdapter && !config) return { ok: false, error: 'no_provider' };
  const adapter = givenAdapter ?? adapterFor(config!, { clock });
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + CHECKOUT_TTL_MS);
  const actor = { type: 'debtor' as const, id: session.debtorId };

  type Prepared =
    | { ok: false; error: CheckoutError }
    | { ok: true; reused: Payment }
    | { ok: true; payment: Payment; lines: { invoice: Invoice; amountCents: number }[] };
  const prepared = await getDb().transaction(async (tx): Promise<Prepared> => {
    const rows = await tx
      .select()
      .from(invoices)
      .where(
        ownInvoices(
          session,
          eq(invoices.status, 'open'),
          selection.kind === 'invoices' ? inArray(invoices.id, selection.invoiceIds) : undefined,
          selection.kind === 'single' ? eq(invoices.id, selection.invoiceId) : undefined,
        ),
      )
      .orderBy(asc(invoices.id))
      .for('update');
    rows.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
    const today = amsterdamDate(now);
    const chosen = linesFor(selection, rows, {
      today,
      minPartialCents: session.organization.portalSettings.minPartialPaymentCents,
    });
    if (!chosen.ok) return chosen;
    const intent = chosen.lines.map((l) => ({ invoiceId: l.invoice.id, amountCents: l.amountCents }));
    const key = idempotencyKeyFor(session.debtorId, intent, now);
    const previousKey = idempotencyKeyFor(session.debtorId, intent, now, -1);
    const [earlier] = await tx
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.organizationId, session.organizationId),
          eq(payments.debtorId, session.debtorId),
          or(eq(payments.idempotencyKey, key), eq(payments.idempotencyKey, previousKey)),
          inArray(payments.status, ['open', 'pending']),
        ),
      );
    if (earlier) return { ok: true as const, reused: earlier };
    const amountCents = intent.reduce((s, l) => s + l.amountCents, 0);
    const [payment] = await tx
      .insert(payments)
      .values({
        organizationId: session.organizationId,
        debtorId: session.debtorId,
        provider: adapter.name,
        method,
        amountCents,
        currency: 'EUR',
        status: 'open',
        intent,
        idempotencyKey: key,
        expiresAt,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!payment) {
      // The same selection a moment ago (another request won the race): use that one.
      const [winner] = await tx.select().from(payments).where(eq(payments.idempotencyKey, key));
      if (!winner) return { ok: false as const, error: 'busy' as const };
      return { ok: true as const, reused: winner };
    }
    await pauseInvoices(
      tx,
      {
        organizationId: session.organizationId,
        invoiceIds: intent.map((i) => i.invoiceId),
        reason: 'payment_pending',
        sourceId: payment.id,
        until: new Date(expiresAt.getTime() + PAUSE_MARGIN_MS),
        actor,
      },
      { clock },
    );
    await audit(tx, {
      organizationId: session.organizationId,
      actor,
      action: 'payment.started',
      entityType: 'payment',
      entityId: payment.id,
      debtorId: session.debtorId,
      data: { provider: adapter.name, method, amountCents, intent, selection: selection.kind },
      at: now,
    });
    return { ok: true as const, payment, lines: chosen.lines };
  });

  if (!prepared.ok) return prepared;
  if ('reused' in prepared) return awaitCheckoutUrl(prepared.reused);

  const { payment, lines } = prepared;
  return openProviderCheckout(
    payment,
    {
      adapter,
      organizationScoped: config?.source === 'organization',
      lines: lines.map((l) => ({
        invoiceId: l.invoice.id,
        label: translate(locale, l.amountCents < owedCents(l.invoice) ? 'pay.line.partial' : 'pay.line.invoice', {
          number: l.invoice.number,
        }),
        amountCents: l.amountCents,
      })),
      description: translate(locale, 'pay.description', {
        organization: session.organization.name,
        numbers: lines.map((l) => l.invoice.number).join(', '),
      }),
      method,
      locale,
      customerEmail: session.debtor.email,
    },
    { clock, timeoutMs },
  );
}

/**
 * Step 2 of every checkout, for a payment row already written (status open, intent, pause):
 * asks the provider for the hosted checkout, outside any transaction, within `timeoutMs`. On
 * success stores the provider's id, URL and (shorter) expiry; on failure marks the payment
 * failed and lifts its pause. Other flows that make their own payment row (e.g. a plan's
 * installment) can call this for the provider half.
 */
export async function openProviderCheckout(
  payment: Payment,
  input: {
    adapter: PaymentProviderAdapter;
    /** The organization has its own provider account (its Stripe webhooks come to ?org=<id>). */
    organizationScoped: boolean;
    lines: CheckoutLine[];
    description: string;
    method: OnlineMethod;
    locale: Locale;
    customerEmail?: string;
  },
  { clock = systemClock, timeoutMs = PROVIDER_TIMEOUT_MS }: { clock?: Clock; timeoutMs?: number } = {},
): Promise<StartCheckoutResult> {
  const { adapter } = input;
  const base = getEnv().APP_URL;
  const expiresAt = payment.expiresAt ?? new Date(clock.now().getTime() + CHECKOUT_TTL_MS);
  try {
    const result = await withTimeout(
      adapter.createCheckout({
        paymentId: payment.id,
        organizationId: payment.organizationId,
        debtorId: payment.debtorId,
        amountCents: payment.amountCents,
        description: input.description,
        lines: input.lines,
        method: input.method,
        locale: input.locale,
        customerEmail: input.customerEmail,
        returnUrl: `${base}/portal/pay/return?payment=${payment.id}`,
        cancelUrl: `${base}/portal/pay/return?payment=${payment.id}`,
        webhookUrl:
          adapter.name === 'mollie'
            ? `${webhookUrl('mollie')}?payment=${payment.id}`
            : webhookUrl(adapter.name, input.organizationScoped ? payment.organizationId : undefined),
        expiresAt,
        idempotencyKey: `voldaan-${payment.id}`,
      }),
      timeoutMs,
      adapter.name,
    );
    const providerExpiry = result.expiresAt && result.expiresAt < expiresAt ? result.expiresAt : expiresAt;
    await getDb().transaction(async (tx) => {
      await tx
        .update(payments)
        .set({
          providerPaymentId: result.providerPaymentId,
          checkoutUrl: result.checkoutUrl,
          expiresAt: providerExpiry,
          updatedAt: clock.now(),
        })
        .where(eq(payments.id, payment.id));
      if (providerExpiry < expiresAt) {
        await tx
          .update(dunningPauses)
          .set({ until: new Date(providerExpiry.getTime() + PAUSE_MARGIN_MS) })
          .where(and(eq(dunningPauses.sourceId, payment.id), eq(dunningPauses.reason, 'payment_pending')));
      }
    });
    return { ok: true, paymentId: payment.id, checkoutUrl: result.checkoutUrl, reused: false };
  } catch (error) {
    await abandonCheckout(payment, error, clock);
    return { ok: false, error: 'provider_unavailable', paymentId: payment.id };
  }
}

/** The provider did not open the checkout: the payment failed before it began, and dunning goes on as before. */
async function abandonCheckout(payment: Payment, error: unknown, clock: Clock) {
  const reason = error instanceof ProviderUnavailableError ? error.message : `checkout failed: ${String(error)}`;
  if (!(error instanceof ProviderUnavailableError)) console.error('checkout failed', error);
  await getDb().transaction(async (tx) => {
    const [locked] = await tx.select().from(payments).where(eq(payments.id, payment.id)).for('update');
    if (!locked || locked.status !== 'open') return;
    const now = clock.now();
    await tx
      .update(payments)
      // The key is freed, so trying again opens a fresh checkout rather than finding this failed one.
      .set({ status: 'failed', failureReason: reason.slice(0, 500), idempotencyKey: null, updatedAt: now })
      .where(eq(payments.id, payment.id));
    await liftPauses(
      tx,
      {
        organizationId: payment.organizationId,
        sourceId: payment.id,
        reason: 'payment_pending',
        liftedReason: 'checkout_failed',
        actor: { type: 'system', id: 'payments' },
      },
      { clock },
    );
    await audit(tx, {
      organizationId: payment.organizationId,
      actor: { type: 'system', id: 'payments' },
      action: 'payment.checkout_failed',
      entityType: 'payment',
      entityId: payment.id,
      debtorId: payment.debtorId,
      data: { provider: payment.provider, reason: reason.slice(0, 500) },
      at: now,
    });
  });
}

/** A double click: the first request is (or was) opening this checkout; wait briefly for its URL. */
async function awaitCheckoutUrl(payment: Payment): Promise<StartCheckoutResult> {
  const deadline = Date.now() + PROVIDER_TIMEOUT_MS + 2_000;
  let current: Payment | undefined = payment;
  while (current) {
    if (current.checkoutUrl && (current.status === 'open' || current.status === 'pending')) {
      return { ok: true, paymentId: current.id, checkoutUrl: current.checkoutUrl, reused: true };
    }
    if (current.status !== 'open' && current.status !== 'pending')
      return { ok: false, error: 'provider_unavailable', paymentId: current.id };
    if (Date.now() > deadline) return { ok: false, error: 'busy', paymentId: current.id };
    await new Promise((r) => setTimeout(r, 200));
    [current] = await getDb().select().from(payments).where(eq(payments.id, payment.id));
  }
  return { ok: false, error: 'busy' };
}
