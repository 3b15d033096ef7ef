/**
 * Starting a payment from the portal. What is owed is always recomputed from the database
 * inside the transaction, with the invoices locked; the client sends only which invoices (and,
 * for one invoice, how much of it), never an amount to charge for a list or a status.
 *
 * 1. In one transaction: lock the chosen invoices (the same request twice takes turns on them),
 *    find a checkout of the same request still open (a double click: answer with it), compute
 *    the lines, spend the debtor's credit on them first (a ledger entry, source debtor_credit),
 *    and for what is left insert the payment (status open, intent = invoices and amounts) and
 *    pause dunning on those invoices until the checkout expires plus a margin. Credit that covers
 *    everything opens no checkout at all: the debtor goes straight to the return page.
 * 2. Outside it: ask the provider for a checkout (with an idempotency key and a short timeout).
 * 3. Success: store the provider's id and checkout URL; the debtor goes there. Failure: the
 *    payment is marked failed and the pause lifted, in one transaction; nothing is paid.
 *
 * Double clicks: the payment's idempotency key is derived from the debtor, the request and a
 * two-minute window. A payment that did not go through (failed, cancelled, expired) keeps its
 * key but never blocks a new try: the key then leads on to a successor derived from it and the
 * failed payment's id, the same for every request of that moment, so a double click on the
 * retry still finds one payment. A payment found open is first checked with the provider: one
 * cancelled at the provider (its webhook not yet here) is recorded and a new checkout opens.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { debtors, invoices, payments, type Invoice, type Payment } from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { translate, type Locale } from '~/utils/i18n';
import { audit } from '~/modules/audit/index.server';
import { pauseInvoices, shortenPauses } from '~/modules/dunning/index.server';
import { ownInvoices } from '~/modules/links/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import { applyPaymentStatus, applyProviderSnapshot, owedCents, recordLedgerEntry } from '~/modules/ledger/index.server';
import {
  ProviderUnavailableError,
  withTimeout,
  type CheckoutLine,
  type OnlineMethod,
  type PaymentProviderAdapter,
} from './provider';
import { checkPartialAmount } from './partial-amount';
import { chargeSummary } from './pay-summary';
import { adapterFor, providerConfigFor, resolveProviderConfig, webhookUrl } from './providers.server';
import { orgScope, debtorScope } from '~/utils/org-scope.server';

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
  | {
      ok: true;
      paymentId: string;
      /** Where the debtor goes: the provider's checkout, or (paid with credit alone) our return page. */
      checkoutUrl: string;
      reused: boolean;
      /** The debtor's credit covered everything: no provider checkout was opened. */
      paidWithCredit?: boolean;
    }
  | { ok: false; error: CheckoutError; paymentId?: string };

/** Our return page for a payment (a local path). */
export function returnPath(paymentId: string) {
  return `/portal/pay/return?payment=${paymentId}`;
}

/** How long a checkout stays open at the provider (Stripe's minimum is 30 minutes). */
export const CHECKOUT_TTL_MS = 30 * 60_000;
/** The pause outlives the checkout a little: a payment made in the last minute still lands before dunning moves. */
export const PAUSE_MARGIN_MS = 15 * 60_000;
/** Longest we wait for the provider when opening a checkout. */
export const PROVIDER_TIMEOUT_MS = 10_000;
const DOUBLE_CLICK_BUCKET_MS = 2 * 60_000;
/** Longest we wait for the provider when checking a payment found open. */
const REFRESH_TIMEOUT_MS = 5_000;

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

/** What the debtor asked for, independent of amounts that change (the same request twice is a double click). */
export function selectionFingerprint(selection: PaySelection): string {
  switch (selection.kind) {
    case 'overdue':
    case 'all':
      return selection.kind;
    case 'invoices':
      return `invoices:${[...new Set(selection.invoiceIds)].sort().join(',')}`;
    case 'single':
      return `single:${selection.invoiceId}:${selection.amountCents ?? 'full'}`;
  }
}

export function idempotencyKeyFor(debtorId: string, fingerprint: string, at: Date, bucketOffset = 0) {
  const bucket = Math.floor(at.getTime() / DOUBLE_CLICK_BUCKET_MS) + bucketOffset;
  return `checkout:${createHash('sha256').update(`${debtorId}|${fingerprint}|${bucket}`).digest('hex')}`;
}

/** The key a new try uses when `key` is held by a payment that did not go through. */
export function successorKey(key: string, holderId: string) {
  return `checkout:${createHash('sha256').update(`${key}|after|${holderId}`).digest('hex')}`;
}

/** More tries than this within one double-click window answer "busy". */
const MAX_KEY_HOPS = 25;

/**
 * Follows the request's key (this window's and the previous one's) past payments that did not
 * go through: an open or pending payment on the way is the same request a moment ago; otherwise
 * the first free key of this window is the new payment's.
 */
async function claimIdempotencyKey(
  tx: Tx,
  session: Pick<DebtorSession, 'organizationId' | 'debtorId'>,
  fingerprint: string,
  now: Date,
): Promise<{ reuse: Payment } | { key: string } | null> {
  let free: string | null = null;
  for (const offset of [0, -1]) {
    let key = idempotencyKeyFor(session.debtorId, fingerprint, now, offset);
    for (let hop = 0; ; hop++) {
      if (hop >= MAX_KEY_HOPS) return null;
      const [holder] = await tx
        .select()
        .from(payments)
        .where(and(debtorScope(payments, session), eq(payments.idempotencyKey, key)));
      if (!holder) {
        if (offset === 0) free = key;
        break;
      }
      if (holder.status === 'open' || holder.status === 'pending') return { reuse: holder };
      key = successorKey(key, holder.id);
    }
  }
  return free ? { key: free } : null;
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
  // A payment found open may turn out to be over at the provider: then once more, past it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const prepared = await prepareCheckout(session, { selection, method, adapter }, clock);
    if (!prepared.ok) return prepared;
    if ('reused' in prepared) {
      const state = await refreshFromProvider(prepared.reused, givenAdapter, clock);
      if (state === 'unsuccessful') continue;
      return awaitCheckoutUrl(prepared.reused);
    }
    if ('paidWithCredit' in prepared) {
      // Nothing left for a provider: the return page shows what the credit paid.
      const paymentId = prepared.paidWithCredit.id;
      return { ok: true, paymentId, checkoutUrl: returnPath(paymentId), reused: false, paidWithCredit: true };
    }
    const { payment, lines } = prepared;
    return openProviderCheckout(
      payment,
      {
        adapter,
        organizationScoped: config?.source === 'organization',
        lines: lines.map((l) => ({
          invoiceId: l.invoice.id,
          label: translate(locale, l.amountCents < l.owedCents ? 'pay.line.partial' : 'pay.line.invoice', {
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
  return { ok: false, error: 'busy' };
}

type Line = { invoice: Invoice; amountCents: number; owedCents: number };
type Prepared =
  | { ok: false; error: CheckoutError }
  | { ok: true; reused: Payment }
  | { ok: true; paidWithCredit: Payment }
  | { ok: true; payment: Payment; lines: Line[] };

/** The ledger key of the debtor credit a checkout spends: one per checkout key, so a double click spends it once. */
export function creditKeyFor(checkoutKey: string) {
  return `checkout-credit:${checkoutKey.replace(/^checkout:/, '')}`;
}

/**
 * Step 1, in one transaction: the invoices locked (in id order, as the ledger locks them, so the
 * same request twice takes turns), the debtor's credit spent first through the ledger (costs,
 * interest, then principal of each chosen invoice, in the order chosen), and for what is left the
 * payment row, its intent and its pause. Or the same request's payment of a moment ago.
 */
async function prepareCheckout(
  session: Pick<DebtorSession, 'organizationId' | 'debtorId' | 'organization'>,
  { selection, method, adapter }: { selection: PaySelection; method: OnlineMethod; adapter: PaymentProviderAdapter },
  clock: Clock,
): Promise<Prepared> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + CHECKOUT_TTL_MS);
  const actor = { type: 'debtor' as const, id: session.debtorId };
  return getDb().transaction(async (tx): Promise<Prepared> => {
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
    const claim = await claimIdempotencyKey(tx, session, selectionFingerprint(selection), now);
    if (!claim) return { ok: false, error: 'busy' };
    if ('reuse' in claim) return { ok: true, reused: claim.reuse };
    const [spent] = await tx
      .select()
      .from(payments)
      .where(
        and(
          debtorScope(payments, session),
          eq(payments.provider, 'debtor_credit'),
          eq(payments.providerPaymentId, creditKeyFor(claim.key)),
        ),
      );
    // This request a moment ago was paid with credit alone (it holds no checkout key).
    if (spent) return { ok: true, paidWithCredit: spent };

    rows.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
    const chosen = linesFor(selection, rows, {
      today: amsterdamDate(now),
      minPartialCents: session.organization.portalSettings.minPartialPaymentCents,
    });
    if (!chosen.ok) return chosen;

    const { credit, lines } = await spendCreditFirst(tx, session, chosen.lines, creditKeyFor(claim.key), clock);
    if (lines.length === 0 && credit) return { ok: true, paidWithCredit: credit };

    const intent = lines.map((l) => ({ invoiceId: l.invoice.id, amountCents: l.amountCents }));
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
        idempotencyKey: claim.key,
        expiresAt,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!payment) return { ok: false, error: 'busy' };
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
      data: {
        provider: adapter.name,
        method,
        amountCents,
        intent,
        selection: selection.kind,
        ...(credit ? { creditPaymentId: credit.id, creditCents: credit.amountCents } : {}),
      },
      at: now,
    });
    return { ok: true, payment, lines };
  });
}

/**
 * Spends the debtor's credit on the chosen lines, first and in their order, through the ledger
 * (source debtor_credit: within each invoice costs, then interest, then principal). The debtor's
 * row is locked after the invoices (the ledger's order), and only when there is credit, so a
 * checkout without credit never waits on it. Returns what is left to pay per line.
 */
async function spendCreditFirst(
  tx: Tx,
  session: Pick<DebtorSession, 'organizationId' | 'debtorId'>,
  chosen: { invoice: Invoice; amountCents: number }[],
  key: string,
  clock: Clock,
): Promise<{ credit: Payment | null; lines: Line[] }> {
  const total = chosen.reduce((s, l) => s + l.amountCents, 0);
  const fromCredit = await creditToSpend(tx, session, total);
  const covered = new Map<string, number>();
  let credit: Payment | null = null;
  if (fromCredit > 0) {
    const entry = await recordLedgerEntry(
      tx,
      {
        organizationId: session.organizationId,
        debtorId: session.debtorId,
        source: 'debtor_credit',
        amountCents: fromCredit,
        targets: chosen.map((l) => ({ invoiceId: l.invoice.id, amountCents: l.amountCents })),
        restAsCredit: false,
        key,
        actor: { type: 'debtor', id: session.debtorId },
      },
      { clock },
    );
    credit = entry.payment;
    for (const a of entry.allocations) covered.set(a.invoiceId, (covered.get(a.invoiceId) ?? 0) + a.amountCents);
  }
  const lines = chosen
    .map((l) => {
      const paid = covered.get(l.invoice.id) ?? 0;
      return { invoice: l.invoice, amountCents: l.amountCents - paid, owedCents: owedCents(l.invoice) - paid };
    })
    .filter((l) => l.amountCents > 0);
  return { credit, lines };
}

/**
 * Paying by bank transfer: the debtor's credit is set off first here too (the pay page promises
 * it), then the transfer page asks only for what is left. Answers where the debtor goes next: the
 * transfer page for the rest, or the return page when the credit covered everything.
 */
export async function transferAfterCredit(
  session: Pick<DebtorSession, 'organizationId' | 'debtorId' | 'organization'>,
  selection: PaySelection,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<
  | { ok: true; creditPaymentId: string | null; rest: { invoiceId: string; amountCents: number; owedCents: number }[] }
  | { ok: false; error: CheckoutError }
> {
  const now = clock.now();
  return getDb().transaction(async (tx) => {
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
    const chosen = linesFor(selection, rows, {
      today: amsterdamDate(now),
      minPartialCents: session.organization.portalSettings.minPartialPaymentCents,
    });
    if (!chosen.ok) return chosen;
    // The same request twice in a moment (a double click) spends the credit once: the same key.
    const key = creditKeyFor(idempotencyKeyFor(session.debtorId, `transfer|${selectionFingerprint(selection)}`, now));
    const { credit, lines } = await spendCreditFirst(tx, session, chosen.lines, key, clock);
    return {
      ok: true as const,
      creditPaymentId: credit?.id ?? null,
      rest: lines.map((l) => ({ invoiceId: l.invoice.id, amountCents: l.amountCents, owedCents: l.owedCents })),
    };
  });
}

/** How much of the debtor's credit a checkout of `totalCents` spends: all of it, up to the total. */
async function creditToSpend(tx: Tx, session: Pick<DebtorSession, 'organizationId' | 'debtorId'>, totalCents: number) {
  const scope = and(eq(debtors.id, session.debtorId), orgScope(debtors, session));
  const [seen] = await tx.select({ creditCents: debtors.creditCents }).from(debtors).where(scope);
  if (!seen || seen.creditCents <= 0) return 0;
  // Locked now, and read again: a concurrent checkout may have spent it while we looked.
  const [locked] = await tx.select({ creditCents: debtors.creditCents }).from(debtors).where(scope).for('update');
  return chargeSummary(totalCents, locked.creditCents).fromCreditCents;
}

/**
 * An open payment found for the same request: ask its provider how it stands (its webhook may
 * not have come yet) and record the answer through the ledger. 'unsuccessful' when it turned out
 * failed, cancelled or expired (a new checkout may open); otherwise 'open' (also when the
 * provider could not be asked: then the payment is taken as it stands).
 */
async function refreshFromProvider(
  payment: Payment,
  givenAdapter: PaymentProviderAdapter | undefined,
  clock: Clock,
): Promise<'open' | 'unsuccessful'> {
  if (!payment.providerPaymentId || !payment.checkoutUrl) return 'open';
  if (payment.provider !== 'mollie' && payment.provider !== 'stripe' && payment.provider !== 'demo') return 'open';
  try {
    const config = givenAdapter ? null : await providerConfigFor(payment.organizationId, payment.provider);
    const adapter =
      givenAdapter?.name === payment.provider ? givenAdapter : config ? adapterFor(config, { clock }) : null;
    if (!adapter) return 'open';
    const snapshot = await withTimeout(
      adapter.fetchStatus(payment.providerPaymentId),
      REFRESH_TIMEOUT_MS,
      adapter.name,
    );
    if (!snapshot || !['failed', 'canceled', 'expired'].includes(snapshot.status)) return 'open';
    await applyProviderSnapshot(payment.id, snapshot, { clock, actor: { type: 'provider', id: payment.provider } });
    return 'unsuccessful';
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError)) console.error('checkout: could not refresh payment', error);
    return 'open';
  }
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
        await shortenPauses(tx, {
          organizationId: payment.organizationId,
          sourceId: payment.id,
          reason: 'payment_pending',
          until: new Date(providerExpiry.getTime() + PAUSE_MARGIN_MS),
        });
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
  // Through the ledger like every status change: the payment fails, its pause is lifted (a ledger
  // subscriber), and an audit event names the reason. Its key stays: trying again follows it past
  // this payment to a fresh checkout (claimIdempotencyKey).
  await applyPaymentStatus(payment.id, 'failed', {
    clock,
    actor: { type: 'system', id: 'payments' },
    providerData: { reason: `checkout could not be opened: ${reason}`.slice(0, 500) },
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
