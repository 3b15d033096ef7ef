/**
 * What the portal's payment pages show: the choice of what to pay, bank-transfer details with
 * an EPC QR code, and the outcome of a payment (asking the provider, never the query string).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { invoices, paymentAllocations, payments, type Payment } from '~db/schema';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import {
  chargeSummary,
  checkPartialAmount,
  formatIban,
  isValidIban,
  parseCentsParam,
  type PartialAmountError,
  type ProviderName,
  ProviderUnavailableError,
} from '~/modules/payments/index';
import {
  adapterFor,
  creditKeyFor,
  epcQrSvg,
  linesFor,
  type PaySelection,
  providerConfigFor,
  resolveProviderConfig,
  transferPayloadFor,
} from '~/modules/payments/index.server';
import { getPortalOverview } from './portal.server';
import { ownInvoices, ownRows } from '~/modules/links/index.server';
import type { DebtorSession } from '~/modules/links/index.server';
import { applyProviderSnapshot, isFinalStatus, owedCents } from '~/modules/ledger/index.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

type Options = { clock?: Clock };

export type PayableInvoice = {
  id: string;
  number: string;
  description: string | null;
  dueDate: string;
  owedCents: number;
  overdueDays: number;
  /** A payment for it was started and is not final yet. */
  paymentPending: boolean;
};

export async function getPayPage(session: DebtorSession, { clock = systemClock }: Options = {}) {
  const [overview, config] = await Promise.all([
    getPortalOverview(session, { clock }),
    resolveProviderConfig(session.organizationId),
  ]);
  const list: PayableInvoice[] = overview.invoices
    .map((i) => ({
      id: i.id,
      number: i.number,
      description: i.description,
      dueDate: i.dueDate,
      owedCents: owedCents(i),
      overdueDays: i.overdueDays,
      paymentPending: i.next.kind === 'paused' && i.next.reason === 'payment_pending',
    }))
    .filter((i) => i.owedCents > 0);
  const overdue = list.filter((i) => i.overdueDays > 0);
  const sum = (rows: PayableInvoice[]) => rows.reduce((s, i) => s + i.owedCents, 0);
  const iban = session.organization.iban;
  return {
    invoices: list,
    overdue: { count: overdue.length, cents: sum(overdue) },
    all: { count: list.length, cents: sum(list) },
    minPartialCents: session.organization.portalSettings.minPartialPaymentCents,
    online: config ? { provider: config.provider as ProviderName } : null,
    bankTransfer: Boolean(iban && isValidIban(iban)),
    creditCents: session.debtor.creditCents,
  };
}

/**
 * What a checkout of this selection would charge now: the checkout's own rule (linesFor) on the
 * debtor's open invoices, then their credit set off first (chargeSummary). The pay page's
 * "Update total" shows this without JavaScript; paying recomputes it under lock all the same.
 */
export async function payTotalFor(
  session: DebtorSession,
  selection: PaySelection,
  { clock = systemClock }: Options = {},
) {
  const rows = await getDb()
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.status, 'open')))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const chosen = linesFor(selection, rows, {
    today: amsterdamDate(clock.now()),
    minPartialCents: session.organization.portalSettings.minPartialPaymentCents,
  });
  if (!chosen.ok) return chosen;
  const totalCents = chosen.lines.reduce((sum, line) => sum + line.amountCents, 0);
  return { ok: true as const, summary: chargeSummary(totalCents, session.debtor.creditCents) };
}

export type TransferInstruction = {
  invoiceId: string;
  number: string;
  amountCents: number;
  reference: string;
  /** Whether `reference` is a structured reference the bank should get exactly (vs. free text). */
  structured: boolean;
  qrSvg: string;
};

/** Why the transfer page shows no QR code for the amount asked, and the bounds it must lie within. */
export type TransferAmountRefusal = {
  error: PartialAmountError | 'amount_invalid';
  invoiceId: string | null;
  minCents: number;
  maxCents: number;
};

/**
 * Bank-transfer instructions for the given invoices (all open ones when none are given), one
 * transfer per invoice so each carries its own payment reference. `amount` (cents, as the query
 * string carries it; one invoice only) pays part of it, by the same rule as an online checkout
 * (checkPartialAmount): an amount outside it gets no QR code but `refusal`, never a clamped guess.
 * Null when the creditor has no valid IBAN.
 */
export async function getTransferDetails(
  session: DebtorSession,
  { invoiceIds, amount: rawAmount }: { invoiceIds: string[]; amount?: string | null },
): Promise<{
  iban: string;
  ibanDisplay: string;
  bic: string | null;
  beneficiary: string;
  transfers: TransferInstruction[];
  refusal: TransferAmountRefusal | null;
} | null> {
  const iban = session.organization.iban;
  if (!iban || !isValidIban(iban)) return null;
  const ids = invoiceIds.filter(isUuid);
  const rows = await getDb()
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.status, 'open'), ids.length ? inArray(invoices.id, ids) : undefined))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const beneficiary = session.organization.legalName.slice(0, 70);
  const payable = rows.filter((row) => owedCents(row) > 0);
  const minPartialCents = session.organization.portalSettings.minPartialPaymentCents;
  const details = { iban, ibanDisplay: formatIban(iban), bic: session.organization.bic, beneficiary };
  const parsed = parseCentsParam(rawAmount);
  const single = payable.length === 1 ? payable[0] : null;
  const refuse = (error: TransferAmountRefusal['error']) => ({
    ...details,
    transfers: [],
    refusal: {
      error,
      invoiceId: single?.id ?? null,
      minCents: minPartialCents,
      maxCents: single ? owedCents(single) : 0,
    },
  });
  if (!parsed.ok || (parsed.cents !== undefined && payable.length > 1)) return refuse('amount_invalid');
  const transfers: TransferInstruction[] = [];
  for (const row of payable) {
    const checked = checkPartialAmount(owedCents(row), parsed.cents, minPartialCents);
    if (!checked.ok) return refuse(checked.error);
    const amount = checked.amountCents;
    // The same payload the invoice PDF prints, so the page and the PDF ask for the same transfer.
    const { payload, reference, structured } = transferPayloadFor(
      { iban, bic: session.organization.bic, legalName: session.organization.legalName },
      row,
      amount,
    );
    transfers.push({
      invoiceId: row.id,
      number: row.number,
      amountCents: amount,
      reference,
      structured,
      qrSvg: await epcQrSvg(payload),
    });
  }
  return { ...details, transfers, refusal: null };
}

export type PaymentOutcome = {
  id: string;
  status: Payment['status'];
  final: boolean;
  amountCents: number;
  creditedCents: number;
  /** The debtor's credit this checkout set off: all of a debtor_credit payment, or the part spent before a provider payment. */
  creditUsedCents: number;
  provider: Payment['provider'];
  /** The provider could not be asked just now; the status is what we last knew. */
  checkFailed: boolean;
  invoices: { id: string; number: string; allocatedCents: number; owedCents: number; status: string }[];
  remainingCents: number;
};

/**
 * The debtor's own payment, brought up to date: while it is not final we ask the provider
 * (the webhook may come after the debtor returns) and apply the answer through the ledger.
 * Null when the id is not this debtor's payment.
 */
export async function getPaymentOutcome(
  session: DebtorSession,
  paymentId: string,
  { clock = systemClock }: Options = {},
): Promise<PaymentOutcome | null> {
  if (!isUuid(paymentId)) return null;
  const db = getDb();
  const load = async () =>
    (
      await db
        .select()
        .from(payments)
        .where(ownRows(payments, session, eq(payments.id, paymentId)))
    )[0];
  let payment = await load();
  if (!payment) return null;
  let checkFailed = false;
  if (
    !isFinalStatus(payment.status) &&
    payment.providerPaymentId &&
    (payment.provider === 'mollie' || payment.provider === 'stripe' || payment.provider === 'demo')
  ) {
    try {
      const config = await providerConfigFor(payment.organizationId, payment.provider);
      const snapshot = config ? await adapterFor(config, { clock }).fetchStatus(payment.providerPaymentId) : null;
      if (snapshot) {
        await applyProviderSnapshot(payment.id, snapshot, { clock, actor: { type: 'provider', id: payment.provider } });
        payment = (await load())!;
      }
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      checkFailed = true;
    }
  }
  const intentIds = payment.intent?.map((i) => i.invoiceId) ?? [];
  const allocated = await db
    .select({ invoiceId: paymentAllocations.invoiceId, amountCents: paymentAllocations.amountCents })
    .from(paymentAllocations)
    .where(and(eq(paymentAllocations.paymentId, payment.id), orgScope(paymentAllocations, session)));
  const ids = [...new Set([...intentIds, ...allocated.map((a) => a.invoiceId)])];
  const rows = ids.length
    ? await db
        .select()
        .from(invoices)
        .where(ownInvoices(session, inArray(invoices.id, ids)))
        .orderBy(asc(invoices.dueDate), asc(invoices.number))
    : [];
  const open = await db
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.status, 'open')));
  let creditUsedCents = payment.provider === 'debtor_credit' ? payment.amountCents : 0;
  if (payment.provider !== 'debtor_credit' && payment.idempotencyKey) {
    const [credit] = await db
      .select({ amountCents: payments.amountCents })
      .from(payments)
      .where(
        ownRows(
          payments,
          session,
          and(
            eq(payments.provider, 'debtor_credit'),
            eq(payments.providerPaymentId, creditKeyFor(payment.idempotencyKey)),
          ),
        ),
      );
    creditUsedCents = credit?.amountCents ?? 0;
  }
  return {
    id: payment.id,
    status: payment.status,
    final: isFinalStatus(payment.status),
    amountCents: payment.amountCents,
    creditedCents: payment.creditedCents,
    creditUsedCents,
    provider: payment.provider,
    checkFailed,
    invoices: rows.map((r) => ({
      id: r.id,
      number: r.number,
      allocatedCents: allocated.filter((a) => a.invoiceId === r.id).reduce((s, a) => s + a.amountCents, 0),
      owedCents: owedCents(r),
      status: r.status,
    })),
    remainingCents: open.reduce((s, r) => s + owedCents(r), 0),
  };
}

/** Where a bank-transfer choice goes: the transfer page for the chosen invoices (ids resolved here, on the server). */
export async function transferPathFor(
  session: DebtorSession,
  selection: PaySelection,
  { clock = systemClock }: Options = {},
) {
  const rows = await getDb()
    .select()
    .from(invoices)
    .where(ownInvoices(session, eq(invoices.status, 'open')));
  const todayDate = amsterdamDate(clock.now());
  const payable = rows.filter((r) => owedCents(r) > 0);
  const params = new URLSearchParams();
  const ids =
    selection.kind === 'overdue'
      ? payable.filter((r) => r.dueDate < todayDate).map((r) => r.id)
      : selection.kind === 'all'
        ? payable.map((r) => r.id)
        : selection.kind === 'invoices'
          ? payable.filter((r) => selection.invoiceIds.includes(r.id)).map((r) => r.id)
          : payable.filter((r) => r.id === selection.invoiceId).map((r) => r.id);
  if (ids.length === 0) return { ok: false as const, error: 'nothing_due' as const };
  for (const id of ids) params.append('invoice', id);
  if (selection.kind === 'single' && selection.amountCents !== undefined) {
    // The rule the transfer page applies again: a part amount is refused here, on the form.
    const invoice = payable.find((r) => r.id === selection.invoiceId)!;
    const checked = checkPartialAmount(
      owedCents(invoice),
      selection.amountCents,
      session.organization.portalSettings.minPartialPaymentCents,
    );
    if (!checked.ok) return checked;
    params.set('amount', String(checked.amountCents));
  }
  return { ok: true as const, path: `/portal/pay/transfer?${params}` };
}

/** The transfer page for what is left after the debtor's credit was set off (one invoice: the part left of the amount asked). */
export function transferPathForRest(
  rest: { invoiceId: string; amountCents: number; owedCents: number }[],
  single: boolean,
) {
  const params = new URLSearchParams();
  for (const line of rest) params.append('invoice', line.invoiceId);
  if (single && rest.length === 1 && rest[0].amountCents < rest[0].owedCents)
    params.set('amount', String(rest[0].amountCents));
  return `/portal/pay/transfer?${params}`;
}
