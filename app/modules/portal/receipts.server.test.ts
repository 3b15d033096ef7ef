/**
 * The debtor's money, as the ledger booked it: the history lists every entry (a part payment, a
 * transfer with credit left over, a credit note, credit set off, a write-off, a refund, a
 * chargeback), each with date, amount, method, invoices and its receipt where one applies; the
 * receipt says who paid whom, how, and what each invoice got (costs, interest, principal). Only the
 * debtor's own money, only money that arrived.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applyPaymentStatus,
  recordLedgerEntry,
  recordReversal,
  type LedgerSource,
} from '~/modules/ledger/ledger.server';
import { requireDebtor } from '~/modules/links/index.server';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { translate } from '~/utils/i18n';
import { loader as historyLoader } from '~/routes/portal.history';
import { loader as receiptLoader } from '~/routes/portal.receipts.$paymentId';
import { loader as receiptPdfLoader } from '~/routes/portal.receipts.$paymentId.pdf';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { startedPayment } from '~test/factories-payments';
import { getRequest, routeArgs, settle } from '~test/http';
import { pdfText } from '~test/pdf-text';
import { openPortal } from '~test/portal-session';
import { getReceipt } from './receipts.server';
import { renderReceiptPdf } from './receipt-pdf.server';

const clock = fixedClock('2026-11-02T09:00:00Z');
const at = (day: number, hour = 10) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

async function book(
  org: { id: string },
  debtor: { id: string },
  source: LedgerSource,
  amountCents: number,
  invoiceIds: string[],
  { reference = null, restAsCredit = false }: { reference?: string | null; restAsCredit?: boolean } = {},
) {
  const result = await getDb().transaction((tx) =>
    recordLedgerEntry(
      tx,
      {
        organizationId: org.id,
        debtorId: debtor.id,
        source,
        amountCents,
        targets: invoiceIds.map((invoiceId) => ({ invoiceId })),
        restAsCredit,
        key: `${source}-${invoiceIds.join('-')}-${amountCents}`,
        reference,
        method: source === 'bank_transfer' ? 'bank_transfer' : null,
        actor: { type: 'system', id: 'test' },
      },
      { clock },
    ),
  );
  return result.payment;
}

/**
 * One debtor's year in a few days: an iDEAL part payment (collection costs first), a transfer that
 * leaves credit, a credit note, the credit spent, a write-off, a refund and a chargeback.
 */
async function debtorWithMoney() {
  const org = await createOrganization({ name: 'Warm', kvkNumber: '12345678' });
  const debtor = await createDebtor(org, {
    name: 'Jansen Bouw',
    addressLine: 'Dorpsstraat 1',
    postalCode: '1234 AB',
    city: 'Ergens',
  });
  const costly = await createInvoice(org, debtor, { totalCents: 10_000, costsCents: 4_000, dueDate: '2026-09-01' });
  const disputed = await createInvoice(org, debtor, { totalCents: 10_000, dueDate: '2026-09-02' });
  const small = await createInvoice(org, debtor, { totalCents: 3_000, dueDate: '2026-09-03' });
  const carded = await createInvoice(org, debtor, { totalCents: 2_500, dueDate: '2026-09-04' });

  clock.set(at(2));
  const ideal = await startedPayment(org, debtor, [{ invoiceId: costly.id, amountCents: 6_000 }], {
    provider: 'mollie',
    providerPaymentId: `tr_${randomBytes(5).toString('hex')}`,
    clock,
  });
  await applyPaymentStatus(ideal.id, 'paid', { providerData: { method: 'ideal' }, clock });
  clock.set(at(3));
  const transfer = await book(org, debtor, 'bank_transfer', 20_000, [costly.id], {
    reference: 'RF18539007547034',
    restAsCredit: true,
  });
  clock.set(at(4));
  const creditNote = await book(org, debtor, 'credit_note', 5_000, [disputed.id]);
  clock.set(at(5));
  const creditUsed = await book(org, debtor, 'debtor_credit', 5_000, [disputed.id]);
  clock.set(at(6));
  const writeOff = await book(org, debtor, 'write_off', 3_000, [small.id]);
  clock.set(at(7));
  await recordReversal(ideal.id, { kind: 'refund', totalCents: 1_000 }, { clock });
  clock.set(at(8));
  const card = await startedPayment(org, debtor, [{ invoiceId: carded.id, amountCents: 2_500 }], {
    provider: 'stripe',
    providerPaymentId: `cs_${randomBytes(5).toString('hex')}`,
    clock,
  });
  await applyPaymentStatus(card.id, 'paid', { providerData: { method: 'creditcard' }, clock });
  clock.set(at(9));
  await recordReversal(card.id, { kind: 'chargeback', totalCents: 2_500 }, { clock });
  return {
    org,
    debtor,
    invoices: { costly, disputed, small, carded },
    payments: { ideal, transfer, creditNote, creditUsed, writeOff, card },
  };
}

describe('the money history', () => {
  it('lists every entry newest first, each with date, amount, method, invoices and its receipt', async () => {
    const { org, debtor, invoices: inv, payments: pay } = await debtorWithMoney();
    // Another debtor's money never shows.
    const stranger = await createDebtor(org);
    const theirs = await createInvoice(org, stranger, { totalCents: 1_000 });
    await book(org, stranger, 'bank_transfer', 1_000, [theirs.id]);

    const { cookie } = await openPortal(debtor);
    const page = await historyLoader(routeArgs(getRequest('/portal/history', { cookie })));
    const rows = page.entries.map((e) => ({
      at: e.at,
      kind: e.kind,
      reversal: e.reversal,
      amount: e.amountCents,
      method: e.method,
      invoices: e.invoices.map((i) => [i.number, i.amountCents]),
      credit: e.creditCents,
      receipt: e.receiptId,
    }));
    expect(rows).toEqual([
      {
        at: at(9),
        kind: 'reversal',
        reversal: 'chargeback',
        amount: 2_500,
        method: 'card',
        invoices: [[inv.carded.number, 2_500]],
        credit: 0,
        receipt: null,
      },
      {
        at: at(8),
        kind: 'payment',
        reversal: null,
        amount: 2_500,
        method: 'card',
        invoices: [[inv.carded.number, 2_500]],
        credit: 0,
        // Charged back: no receipt for money that is gone.
        receipt: null,
      },
      {
        at: at(7),
        kind: 'reversal',
        reversal: 'refund',
        amount: 1_000,
        method: 'ideal',
        invoices: [[inv.costly.number, 1_000]],
        credit: 0,
        receipt: null,
      },
      {
        at: at(6),
        kind: 'write_off',
        reversal: null,
        amount: 3_000,
        method: 'write_off',
        invoices: [[inv.small.number, 3_000]],
        credit: 0,
        receipt: null,
      },
      {
        at: at(5),
        kind: 'credit_used',
        reversal: null,
        amount: 5_000,
        method: 'debtor_credit',
        invoices: [[inv.disputed.number, 5_000]],
        credit: 0,
        receipt: pay.creditUsed.id,
      },
      {
        at: at(4),
        kind: 'credit_note',
        reversal: null,
        amount: 5_000,
        method: 'credit_note',
        invoices: [[inv.disputed.number, 5_000]],
        credit: 0,
        receipt: pay.creditNote.id,
      },
      {
        at: at(3),
        kind: 'transfer',
        reversal: null,
        amount: 20_000,
        method: 'banktransfer',
        // What the costly invoice still owed after the part payment; the rest became credit.
        invoices: [[inv.costly.number, 8_000]],
        credit: 12_000,
        receipt: pay.transfer.id,
      },
      {
        at: at(2),
        kind: 'payment',
        reversal: null,
        amount: 6_000,
        method: 'ideal',
        invoices: [[inv.costly.number, 6_000]],
        credit: 0,
        receipt: pay.ideal.id,
      },
    ]);
    // The settled invoices are listed too, with how they ended.
    expect(Object.fromEntries(page.invoices.map((i) => [i.number, i.status]))).toEqual({
      [inv.disputed.number]: 'paid',
      [inv.small.number]: 'written_off',
    });
    expect(page.truncated).toBe(false);
  });
});

describe('a receipt', () => {
  it('says who paid whom, how much, when, how, the reference, and what each invoice got', async () => {
    const { debtor, invoices: inv, payments: pay } = await debtorWithMoney();
    const { cookie } = await openPortal(debtor);
    const { receipt } = await receiptLoader(
      routeArgs(getRequest(`/portal/receipts/${pay.ideal.id}`, { cookie }), { paymentId: pay.ideal.id }),
    );
    expect(receipt).toMatchObject({
      id: pay.ideal.id,
      kind: 'payment',
      method: 'ideal',
      paidAt: at(2),
      amountCents: 6_000,
      reference: pay.ideal.providerPaymentId,
      payer: { name: 'Jansen Bouw', addressLine: 'Dorpsstraat 1', postalCode: '1234 AB', city: 'Ergens' },
      payee: { name: 'Warm', kvkNumber: '12345678' },
      creditedCents: 0,
      creditUsed: null,
      reversedCents: 1_000,
    });
    expect(receipt.number).toMatch(/^R-[0-9A-F]{10}$/);
    // Costs first (art. 6:44 BW), then the principal; the refund took back principal.
    expect(receipt.invoices).toEqual([
      {
        id: inv.costly.id,
        number: inv.costly.number,
        amountCents: 5_000,
        costsCents: 4_000,
        interestCents: 0,
        principalCents: 1_000,
      },
    ]);

    const transfer = await getReceipt(await sessionOf(debtor), pay.transfer.id);
    expect(transfer).toMatchObject({
      kind: 'transfer',
      method: 'banktransfer',
      reference: 'RF18539007547034',
      creditedCents: 12_000,
    });
    expect(await getReceipt(await sessionOf(debtor), pay.creditNote.id)).toMatchObject({
      kind: 'credit_note',
      reference: null,
    });
  });

  it('is there only for the debtor’s own money that arrived: not another debtor’s, not a write-off, not a chargeback', async () => {
    const { org, debtor, payments: pay } = await debtorWithMoney();
    const { cookie } = await openPortal(debtor);
    const status = async (id: string, who = cookie) => {
      const result = await settle(() =>
        receiptLoader(routeArgs(getRequest(`/portal/receipts/${id}`, { cookie: who }), { paymentId: id })),
      );
      return result instanceof Response ? result.status : 200;
    };
    expect(await status(pay.ideal.id)).toBe(200);
    expect(await status(pay.writeOff.id)).toBe(404);
    expect(await status(pay.card.id)).toBe(404);
    expect(await status('not-an-id')).toBe(404);
    const open = await startedPayment(org, debtor, [], { provider: 'mollie', clock });
    expect(await status(open.id)).toBe(404);
    const other = await openPortal(await createDebtor(org));
    expect(await status(pay.ideal.id, other.cookie)).toBe(404);
    const pdf = await settle(() =>
      receiptPdfLoader(
        routeArgs(getRequest(`/portal/receipts/${pay.ideal.id}/pdf`, { cookie: other.cookie }), {
          paymentId: pay.ideal.id,
        }),
      ),
    );
    expect(pdf instanceof Response ? pdf.status : 200).toBe(404);
  });

  it('as a PDF: the same facts, translated, as a download', async () => {
    const { debtor, invoices: inv, payments: pay } = await debtorWithMoney();
    const { cookie } = await openPortal(debtor);
    const response = (await receiptPdfLoader(
      routeArgs(getRequest(`/portal/receipts/${pay.ideal.id}/pdf`, { cookie }), { paymentId: pay.ideal.id }),
    )) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="R-[0-9A-F]{10}\.pdf"$/);
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');

    const receipt = (await getReceipt(await sessionOf(debtor), pay.ideal.id))!;
    const nl = pdfText(await renderReceiptPdf(receipt, { locale: 'nl', compress: false }));
    for (const expected of [
      'Ontvangstbewijs',
      receipt.number,
      'Jansen Bouw',
      'Betaald aan',
      '€ 60,00',
      'iDEAL',
      pay.ideal.providerPaymentId!,
      inv.costly.number,
      '€ 40,00',
      '€ 10,00',
      'Van dit bedrag is € 10,00 aan u teruggegeven.',
    ]) {
      expect(nl, expected).toContain(expected);
    }
    const en = pdfText(await renderReceiptPdf(receipt, { locale: 'en', compress: false }));
    expect(en).toContain('Receipt');
    expect(en).toContain('Paid to');
    expect(en).not.toContain('Betaald aan');
    // The method is always a word, never the stored enum.
    const transfer = (await getReceipt(await sessionOf(debtor), pay.transfer.id))!;
    const transferText = pdfText(await renderReceiptPdf(transfer, { locale: 'nl', compress: false }));
    expect(transferText).toContain('Bankoverschrijving');
    expect(transferText).not.toContain('bank_transfer');
    expect(translate('en', 'receipt.method.banktransfer')).toBe('Bank transfer');
  });
});

/** The debtor's portal session, as the routes get it. */
async function sessionOf(debtor: { id: string; organizationId: string }) {
  const { cookie } = await openPortal(debtor);
  return requireDebtor(getRequest('/portal', { cookie }));
}
