/**
 * Settling an invoice outside the portal (the API's settle): money received, or a credit note
 * issued, booked through the ledger.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, or } from 'drizzle-orm';
import { payments, type Invoice, type Payment } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import { LedgerError, owedCents, recordLedgerEntry } from '~/modules/ledger/index.server';

import { IntakeError, type IntakeContext } from '~/modules/debtors/index.server';
import { findInvoice } from './intake.server';
import { orgScope } from '~/utils/org-scope.server';
export type SettleRequest = { outcome: 'paid' | 'credited'; amountCents?: number; reference?: string };

const SETTLE_KEY_PREFIX = 'api-settle:';

function settleKey(invoiceId: string, reference: string) {
  return `${SETTLE_KEY_PREFIX}${invoiceId}:${reference}`;
}

/** The caller's reference of a payment recorded through settle, read back from its idempotency key. */
export function settleReference(payment: Pick<Payment, 'idempotencyKey'>, invoiceIds: string[]): string | null {
  const key = payment.idempotencyKey;
  if (!key?.startsWith(SETTLE_KEY_PREFIX)) return null;
  const rest = key.slice(SETTLE_KEY_PREFIX.length);
  const invoiceId = invoiceIds.find((id) => rest.startsWith(`${id}:`));
  return invoiceId ? rest.slice(invoiceId.length + 1) : null;
}

/**
 * Records money received (or a credit note issued) outside the portal, as a ledger entry
 * (source `external` or `credit_note`) on this one invoice: allocated to its collection costs,
 * then interest, then principal (art. 6:44 BW), up to everything it owes; settled when nothing
 * is left, with everything that follows (pauses, disputes, the debtor's email for a payment).
 * More than is owed is refused (409 amount_exceeds_owed, naming what is owed). A repeated
 * `reference` returns the first result unchanged.
 */
export async function settleInvoice(
  tx: Tx,
  ctx: IntakeContext,
  number: string,
  request: SettleRequest,
): Promise<{ invoice: Invoice; payment: Payment; outcome: 'created' | 'unchanged' }> {
  const invoice = await findInvoice(tx, ctx.organizationId, number, true);
  if (!invoice) throw new IntakeError('not_found', 'not_found', `No invoice ${number}.`);
  const source = request.outcome === 'paid' ? 'external' : 'credit_note';
  const key = request.reference ? settleKey(invoice.id, request.reference) : settleKey(invoice.id, randomUUID());

  if (request.reference) {
    // Settlements before the ledger kept the key in idempotency_key; the ledger keeps it per source.
    const [earlier] = await tx
      .select()
      .from(payments)
      .where(
        and(
          orgScope(payments, ctx),
          or(
            eq(payments.idempotencyKey, key),
            and(inArray(payments.provider, ['external', 'credit_note']), eq(payments.providerPaymentId, key)),
          ),
        ),
      )
      .limit(1);
    if (earlier) {
      if (
        earlier.provider !== source ||
        (request.amountCents !== undefined && request.amountCents !== earlier.amountCents)
      ) {
        throw new IntakeError(
          'conflict',
          'reference_reused',
          'This reference was already used for a different settlement of this invoice.',
          'reference',
        );
      }
      return { invoice, payment: earlier, outcome: 'unchanged' };
    }
  }

  const owed = owedCents(invoice);
  if (invoice.status !== 'open' || owed <= 0) {
    throw new IntakeError('conflict', 'not_open', `Invoice ${number} is ${invoice.status}; nothing is owed.`);
  }
  const amount = request.amountCents ?? owed;
  if (amount > owed) throw amountExceedsOwed(invoice, owed);

  let booked;
  try {
    booked = await recordLedgerEntry(
      tx,
      {
        organizationId: ctx.organizationId,
        debtorId: invoice.debtorId,
        source,
        amountCents: amount,
        targets: [{ invoiceId: invoice.id }],
        restAsCredit: false,
        key,
        reference: request.reference ?? null,
        actor: ctx.actor,
        origin: { kind: 'api', id: invoice.id },
      },
      { clock: ctx.clock },
    );
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'exceeds_owed') throw amountExceedsOwed(invoice, owed);
    throw error;
  }
  const updated = (await findInvoice(tx, ctx.organizationId, number)) ?? invoice;
  return { invoice: updated, payment: booked.payment, outcome: booked.changed ? 'created' : 'unchanged' };
}

function amountExceedsOwed(invoice: Invoice, owed: number) {
  const parts = [
    `${invoice.openCents} open`,
    ...(invoice.costsCents > 0 ? [`${invoice.costsCents} collection costs`] : []),
    ...(invoice.interestCents > 0 ? [`${invoice.interestCents} interest`] : []),
  ];
  return new IntakeError(
    'conflict',
    'amount_exceeds_owed',
    `The amount is more than the ${owed} cents owed on invoice ${invoice.number} (${parts.join(' + ')}).`,
    'amountCents',
  );
}
