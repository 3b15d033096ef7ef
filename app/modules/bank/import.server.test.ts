import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  auditEvents,
  bankEntries,
  bankStatements,
  communications,
  debtorIbans,
  debtors,
  dunningPauses,
  invoices,
  paymentAllocations,
  payments,
} from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import {
  bankCreditor,
  bankFootprint,
  camtFile,
  DEBTOR_IBANS,
  freshEntryRef,
  OTHER_OWN_IBAN,
  OUR_IBAN,
} from '~test/factories-bank';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { makeBetalingskenmerk, makeRfReference } from '~/modules/payments/payment-reference';
import { pauseInvoices } from '~/modules/dunning/pauses.server';
import {
  offLedgerEvent,
  onLedgerEvent,
  PAYMENT_RECEIVED_TASK,
  queuePaymentReceived,
  recordLedgerEntry,
  type LedgerEvent,
} from '~/modules/ledger/ledger.server';
import {
  addBankAccount,
  BankImportError,
  getStatement,
  importStatementFile,
  previewStatementFile,
} from './index.server';

const clock = fixedClock('2026-03-03T10:00:00Z');
const db = () => getDb();
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/bank');

let refSeed = 10_000;
const nextRef = () => makeBetalingskenmerk(++refSeed);

async function world() {
  const creditor = await bankCreditor();
  const debtor = await createDebtor(creditor.org, { kind: 'business', name: 'Bakkerij De Korenschoof B.V.' });
  return { ...creditor, debtor };
}

function importFile(organizationId: string, bytes: Uint8Array, staffId: string, extra: { chunkLines?: number } = {}) {
  return importStatementFile(
    { organizationId, bytes, filename: 'afschrift.xml', uploadedBy: { type: 'staff', id: staffId } },
    { clock, ...extra },
  );
}

async function invoiceRow(id: string) {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, id));
  return row;
}

async function entriesOf(statementId: string) {
  return db()
    .select()
    .from(bankEntries)
    .where(eq(bankEntries.statementId, statementId))
    .orderBy(bankEntries.amountCents);
}

async function paymentsOf(organizationId: string) {
  return db().select().from(payments).where(eq(payments.organizationId, organizationId));
}

async function expectRefused(run: Promise<unknown>, code: string, status: number) {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BankImportError);
  expect(error).toMatchObject({ code, status });
  return error as BankImportError;
}

const listeners: string[] = [];
afterEach(() => {
  for (const name of listeners.splice(0)) offLedgerEvent(name);
});

describe('import: matching by reference', () => {
  it('books a line with the invoice’s reference: paid, pauses lifted, IBAN learned, audited, email queued, event fired', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, { totalCents: 12_100, paymentReference: reference });
    await db().transaction((tx) =>
      pauseInvoices(
        tx,
        {
          organizationId: org.id,
          invoiceIds: [invoice.id],
          reason: 'transfer_announced',
          actor: { type: 'debtor', id: debtor.id },
        },
        { clock },
      ),
    );
    const events: LedgerEvent[] = [];
    listeners.push('bank-test');
    onLedgerEvent('bank-test', async (_tx, event) => {
      if (event.organizationId === org.id) events.push(event);
    });

    const outcome = await importFile(
      org.id,
      camtFile([{ lines: [{ amountCents: 12_100, refs: [reference], iban: DEBTOR_IBANS[0], name: 'Korenschoof' }] }]),
      finance.id,
    );
    expect(outcome).toMatchObject({ entries: 1, credits: 1, matched: 1, queued: 0, ignored: 0, duplicates: 0 });
    expect(outcome.format).toBe('camt.053.001.02');

    const paid = await invoiceRow(invoice.id);
    expect(paid).toMatchObject({ status: 'paid', openCents: 0, nextActionAt: null });
    const [entry] = await entriesOf(outcome.statementId);
    expect(entry).toMatchObject({ status: 'matched', matchRule: 'reference', debtorId: debtor.id });
    const [payment] = await paymentsOf(org.id);
    expect(payment).toMatchObject({
      id: entry.paymentId,
      provider: 'bank_transfer',
      providerPaymentId: entry.id,
      amountCents: 12_100,
      status: 'paid',
    });
    const allocations = await db()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.paymentId, payment.id));
    expect(allocations).toMatchObject([{ invoiceId: invoice.id, amountCents: 12_100 }]);
    const pauses = await db()
      .select()
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, invoice.id), isNull(dunningPauses.liftedAt)));
    expect(pauses).toEqual([]);
    expect(await db().select().from(debtorIbans).where(eq(debtorIbans.organizationId, org.id))).toMatchObject([
      { debtorId: debtor.id, iban: DEBTOR_IBANS[0], learnedFromEntryId: entry.id },
    ]);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['bank_statement.imported', 'invoice.paid']));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'booked', source: 'bank_transfer', settledInvoiceIds: [invoice.id] });

    const [job] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = ${PAYMENT_RECEIVED_TASK} and key = ${`payment_received:${payment.id}`}`,
    );
    expect(job.n).toBe(1);
    await queuePaymentReceived(payment.id, { clock });
    const mails = await db().select().from(communications).where(eq(communications.debtorId, debtor.id));
    expect(mails.map((m) => m.template)).toEqual(['payment_received']);
  });

  it('books one transfer for several invoices, each with its reference, and a reference found in the text', async () => {
    const { org, finance, debtor } = await world();
    const [r1, r2, r3] = [nextRef(), nextRef(), makeRfReference(`F2026${refSeed}`)];
    const a = await createInvoice(org, debtor, { totalCents: 10_000, dueDate: '2026-01-01', paymentReference: r1 });
    const b = await createInvoice(org, debtor, { totalCents: 5_000, dueDate: '2026-02-01', paymentReference: r2 });
    const c = await createInvoice(org, debtor, { totalCents: 2_500, paymentReference: r3 });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 15_000, refs: [r2, r1], iban: DEBTOR_IBANS[0] },
            { amountCents: 2_500, text: `Betaling ${r3.replace(/(.{4})/g, '$1 ')}`, iban: DEBTOR_IBANS[0] },
          ],
        },
      ]),
      finance.id,
    );
    expect(outcome).toMatchObject({ matched: 2, queued: 0 });
    for (const id of [a.id, b.id, c.id]) expect((await invoiceRow(id)).status).toBe('paid');
  });

  it('part payment: costs, then interest, then principal; the invoice stays open for the rest', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, {
      totalCents: 10_000,
      costsCents: 1_500,
      interestCents: 300,
      paymentReference: reference,
    });
    const outcome = await importFile(
      org.id,
      camtFile([{ lines: [{ amountCents: 2_000, refs: [reference] }] }]),
      finance.id,
    );
    expect(outcome.matched).toBe(1);
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'open',
      costsCents: 0,
      interestCents: 0,
      openCents: 9_800,
    });
    const [allocation] = await db()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, invoice.id));
    expect(allocation).toMatchObject({ amountCents: 2_000, costsCents: 1_500, interestCents: 300 });
  });

  it('over-payment settles the invoice and keeps the rest as the debtor’s credit', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, { totalCents: 10_000, paymentReference: reference });
    const other = await createInvoice(org, debtor, { totalCents: 700, dueDate: '2026-01-01' });
    await importFile(org.id, camtFile([{ lines: [{ amountCents: 12_345, refs: [reference] }] }]), finance.id);
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
    // The rest is credit, not a payment of the debtor's other (older) invoice.
    expect((await invoiceRow(other.id)).openCents).toBe(700);
    const [row] = await db().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(row.creditCents).toBe(2_345);
    expect((await paymentsOf(org.id))[0].creditedCents).toBe(2_345);
  });
});

describe('import: invoice numbers and learned accounts', () => {
  it('matches invoice numbers in the text, then a learned account with an exact amount', async () => {
    const { org, finance, debtor } = await world();
    const a = await createInvoice(org, debtor, { number: '2026-0003', totalCents: 4_000, dueDate: '2026-01-10' });
    const b = await createInvoice(org, debtor, { number: '2026-0004', totalCents: 6_000, dueDate: '2026-01-20' });
    const c = await createInvoice(org, debtor, { number: '2026-0005', totalCents: 3_000, dueDate: '2026-02-10' });
    const d = await createInvoice(org, debtor, { number: '2026-0006', totalCents: 2_000, dueDate: '2026-02-20' });
    const e = await createInvoice(org, debtor, { number: '2026-0007', totalCents: 1_000, dueDate: '2026-03-20' });
    const first = await importFile(
      org.id,
      camtFile([{ lines: [{ amountCents: 10_000, text: 'facturen 2026-0003 en 2026/0004', iban: DEBTOR_IBANS[1] }] }]),
      finance.id,
    );
    expect(first.matched).toBe(1);
    expect((await entriesOf(first.statementId))[0].matchRule).toBe('invoice_number');
    expect((await invoiceRow(a.id)).status).toBe('paid');
    expect((await invoiceRow(b.id)).status).toBe('paid');

    // Same account later, no reference: 5,000 is exactly the two oldest open invoices.
    const second = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 5_000, text: 'termijn', iban: DEBTOR_IBANS[1], date: '2026-03-03' },
            { amountCents: 4_321, text: 'rest', iban: DEBTOR_IBANS[1], date: '2026-03-03' },
          ],
        },
      ]),
      finance.id,
    );
    expect(second).toMatchObject({ matched: 1, queued: 1 });
    const entries = await entriesOf(second.statementId);
    expect(entries.find((e) => e.amountCents === 5_000)).toMatchObject({ status: 'matched', matchRule: 'iban_amount' });
    expect(entries.find((e) => e.amountCents === 4_321)).toMatchObject({
      status: 'queued',
      note: expect.stringMatching(/^\[amount_differs\]/),
    });
    expect((await invoiceRow(c.id)).status).toBe('paid');
    expect((await invoiceRow(d.id)).status).toBe('paid');
    expect((await invoiceRow(e.id)).status).toBe('open');
  });

  it('queues a wrong reference, a reference of another creditor, and a settled invoice’s reference', async () => {
    const { org, finance, debtor } = await world();
    const foreignOrg = await createOrganization();
    const foreignDebtor = await createDebtor(foreignOrg);
    const foreignRef = nextRef();
    const foreign = await createInvoice(foreignOrg, foreignDebtor, {
      totalCents: 8_000,
      paymentReference: foreignRef,
      number: '2026-0777',
    });
    const paidRef = nextRef();
    const paid = await createInvoice(org, debtor, {
      totalCents: 8_000,
      paymentReference: paidRef,
      status: 'paid',
      openCents: 0,
    });
    // An open invoice of the same amount and a learned account: still never the target.
    const open = await createInvoice(org, debtor, { totalCents: 8_000 });
    await db().insert(debtorIbans).values({ organizationId: org.id, debtorId: debtor.id, iban: DEBTOR_IBANS[2] });

    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 8_000, refs: [makeBetalingskenmerk(123_456_789)] },
            { amountCents: 8_001, refs: [foreignRef], text: 'factuur 2026-0777' },
            { amountCents: 8_002, refs: [paidRef], iban: DEBTOR_IBANS[2] },
          ],
        },
      ]),
      finance.id,
    );
    expect(outcome).toMatchObject({ credits: 3, matched: 0, queued: 3 });
    const entries = await entriesOf(outcome.statementId);
    expect(entries.map((e) => e.note?.replace(/\].*/, ']'))).toEqual([
      '[unknown_reference]',
      '[unknown_reference]',
      '[invoice_settled]',
    ]);
    expect(await paymentsOf(org.id)).toEqual([]);
    expect(await invoiceRow(foreign.id)).toMatchObject({ status: 'open', openCents: 8_000 });
    expect(await invoiceRow(open.id)).toMatchObject({ status: 'open', openCents: 8_000 });
    expect(await invoiceRow(paid.id)).toMatchObject({ status: 'paid' });
  });
});

describe('import: lines of one file see what earlier lines booked', () => {
  it('books many debtors together, but a debtor’s later lines after its earlier ones, as one by one', async () => {
    const { org, finance } = await world();
    const debtors = await Promise.all([0, 1, 2, 3].map(() => createDebtor(org)));
    const refs = debtors.map(() => nextRef());
    const paid = await Promise.all(
      debtors.map((debtor, i) =>
        createInvoice(org, debtor, { number: `2026-90${i}`, totalCents: 1_000 + i, paymentReference: refs[i] }),
      ),
    );
    const spare = await createInvoice(org, debtors[0], { totalCents: 2_000, dueDate: '2026-12-01' });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            // One line per debtor: booked together.
            ...debtors.map((_, i) => ({
              amountCents: 1_000 + i,
              refs: [refs[i]],
              iban: i === 0 ? DEBTOR_IBANS[0] : null,
            })),
            // Names the invoice the first line paid: waits in the queue, never goes elsewhere.
            { amountCents: 1_000, text: 'factuur 2026-900' },
            // The account the first line taught, with exactly what the debtor still owes.
            { amountCents: 2_000, iban: DEBTOR_IBANS[0], text: 'rest' },
          ],
        },
      ]),
      finance.id,
    );
    expect(outcome).toMatchObject({ credits: 6, matched: 5, queued: 1 });
    for (const invoice of [...paid, spare]) expect((await invoiceRow(invoice.id)).status).toBe('paid');
    const entries = await entriesOf(outcome.statementId);
    expect(entries.find((e) => e.status === 'queued')?.note).toBe('[invoice_settled] 2026-900');
    expect(entries.find((e) => e.amountCents === 2_000)).toMatchObject({
      matchRule: 'iban_amount',
      debtorId: debtors[0].id,
    });
  });
});

describe('import: chunks planned ahead', () => {
  it('an invoice paid across two chunks: each line books on what the one before left', async () => {
    const { org, finance, debtor } = await world();
    const [r1, r2, r3] = [nextRef(), nextRef(), nextRef()];
    const z = await createInvoice(org, debtor, { totalCents: 3_000, paymentReference: r1, dueDate: '2026-02-01' });
    const a = await createInvoice(org, debtor, { totalCents: 1_000, paymentReference: r2, dueDate: '2026-02-02' });
    const b = await createInvoice(org, debtor, { totalCents: 1_500, paymentReference: r3, dueDate: '2026-02-03' });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 1_000, refs: [r1] },
            { amountCents: 1_000, refs: [r2] },
            // Chunk 2: the rest of z, planned while chunk 1 is being written.
            { amountCents: 2_000, refs: [r1] },
            { amountCents: 1_500, refs: [r3] },
          ],
        },
      ]),
      finance.id,
      { chunkLines: 2 },
    );
    expect(outcome).toMatchObject({ credits: 4, matched: 4, queued: 0 });
    for (const invoice of [z, a, b])
      expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', openCents: 0 });
    expect(await paymentsOf(org.id)).toHaveLength(4);
    const [{ credit }] = await db()
      .select({ credit: debtors.creditCents })
      .from(debtors)
      .where(eq(debtors.id, debtor.id));
    expect(credit).toBe(0);
  });

  it('an invoice paid elsewhere while its chunk waits: the chunk is decided again and the line waits in the queue', async () => {
    const { org, finance, debtor } = await world();
    const other = await createDebtor(org);
    const [r1, r2, r3, r4] = [nextRef(), nextRef(), nextRef(), nextRef()];
    const first = await createInvoice(org, debtor, { totalCents: 1_000, paymentReference: r1 });
    const second = await createInvoice(org, debtor, { totalCents: 1_100, paymentReference: r2 });
    const x = await createInvoice(org, other, { number: '2026-7001', totalCents: 2_000, paymentReference: r3 });
    const y = await createInvoice(org, other, { totalCents: 2_500, paymentReference: r4 });
    // While chunk 1 is being booked, a payment for x arrives through another door (its own transaction).
    let paidElsewhere = false;
    listeners.push('pay-x-elsewhere');
    onLedgerEvent('pay-x-elsewhere', async (_tx, event) => {
      if (paidElsewhere || event.organizationId !== org.id) return;
      paidElsewhere = true;
      await db().transaction((tx) =>
        recordLedgerEntry(
          tx,
          {
            organizationId: org.id,
            debtorId: other.id,
            source: 'external',
            amountCents: 2_000,
            targets: [{ invoiceId: x.id }],
            restAsCredit: false,
            key: `elsewhere:${x.id}`,
            actor: { type: 'api', id: 'test' },
          },
          { clock },
        ),
      );
    });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 1_000, refs: [r1] },
            { amountCents: 1_100, refs: [r2] },
            { amountCents: 2_000, refs: [r3] },
            { amountCents: 2_500, refs: [r4] },
          ],
        },
      ]),
      finance.id,
      { chunkLines: 2 },
    );
    expect(paidElsewhere).toBe(true);
    expect(outcome).toMatchObject({ credits: 4, matched: 3, queued: 1 });
    const entries = await entriesOf(outcome.statementId);
    expect(entries.find((e) => e.amountCents === 2_000)).toMatchObject({
      status: 'queued',
      note: '[invoice_settled] 2026-7001',
    });
    // x was paid once (not twice, and nothing became credit); the others by the statement.
    const onX = await db().select().from(paymentAllocations).where(eq(paymentAllocations.invoiceId, x.id));
    expect(onX).toHaveLength(1);
    for (const invoice of [first, second, x, y]) expect((await invoiceRow(invoice.id)).status).toBe('paid');
    const [{ credit }] = await db()
      .select({ credit: debtors.creditCents })
      .from(debtors)
      .where(eq(debtors.id, other.id));
    expect(credit).toBe(0);
    const [statement] = await db().select().from(bankStatements).where(eq(bankStatements.id, outcome.statementId));
    expect(statement).toMatchObject({ credits: 4, matched: 3, queued: 1, duplicates: 0 });
  });
});

describe('import: the same line once', () => {
  it('books nothing for the same file twice, and counts the duplicates', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    await createInvoice(org, debtor, { totalCents: 5_000, paymentReference: reference });
    const file = camtFile([
      {
        lines: [
          { amountCents: 5_000, refs: [reference] },
          { amountCents: 999, text: 'onbekend' },
          { amountCents: 1_500, direction: 'debit', text: 'huur' },
        ],
      },
    ]);
    const first = await importFile(org.id, file, finance.id);
    expect(first).toMatchObject({ entries: 3, credits: 2, matched: 1, queued: 1, duplicates: 0 });
    const before = await bankFootprint(org.id);
    const again = await importFile(org.id, file, finance.id);
    expect(again).toMatchObject({ entries: 3, credits: 0, matched: 0, queued: 0, duplicates: 3 });
    const after = await bankFootprint(org.id);
    expect({ ...after, statements: 0, audits: 0 }).toEqual({ ...before, statements: 0, audits: 0 });
    expect(after.statements).toBe(before.statements + 1);
    expect((await getStatement(org.id, again.statementId))?.entries).toEqual([]);
  });

  it('books an overlapping statement’s shared lines once, and tells identical lines without a bank reference apart', async () => {
    const { org, finance, debtor } = await world();
    const r1 = nextRef();
    const r2 = nextRef();
    await createInvoice(org, debtor, { totalCents: 3_000, paymentReference: r1 });
    await createInvoice(org, debtor, { totalCents: 3_000, paymentReference: r2 });
    const shared = { amountCents: 3_000, refs: [r1], entryRef: freshEntryRef(), date: '2026-03-02' };
    // Two identical lines without a reference on one day: both are real.
    const twin = { amountCents: 700, text: 'contant gestort', entryRef: null, date: '2026-03-02' };
    const dayOne = camtFile([{ id: 'A', from: '2026-03-01', to: '2026-03-02', lines: [shared, twin, twin] }]);
    const overlap = camtFile([
      {
        id: 'B',
        from: '2026-03-02',
        to: '2026-03-03',
        lines: [shared, twin, twin, { amountCents: 3_000, refs: [r2], date: '2026-03-03' }],
      },
    ]);
    const a = await importFile(org.id, dayOne, finance.id);
    expect(a).toMatchObject({ entries: 3, matched: 1, queued: 2, duplicates: 0 });
    const b = await importFile(org.id, overlap, finance.id);
    expect(b).toMatchObject({ entries: 4, credits: 1, matched: 1, duplicates: 3 });
    expect(await paymentsOf(org.id)).toHaveLength(2);
  });

  it('knows a line again whatever characters its bank reference holds', async () => {
    const { org, finance } = await world();
    const file = camtFile([
      {
        lines: [
          { amountCents: 321, entryRef: 'A,"B"{C}\\D \'E\' NULL' },
          { amountCents: 654, entryRef: 'NONREF' },
        ],
      },
    ]);
    expect(await importFile(org.id, file, finance.id)).toMatchObject({ entries: 2, duplicates: 0 });
    expect(await importFile(org.id, file, finance.id)).toMatchObject({ entries: 2, duplicates: 2 });
    const rows = await db().select().from(bankEntries).where(eq(bankEntries.organizationId, org.id));
    // A placeholder reference is no reference: the line is told apart by its fields.
    expect(rows.map((r) => r.entryRef).sort()).toEqual(['A,"B"{C}\\D \'E\' NULL', null]);
  });

  it('a chunk that fails books nothing of its lines; the same file again finishes the rest', async () => {
    const { org, finance, debtor } = await world();
    const refs = [nextRef(), nextRef(), nextRef(), nextRef(), nextRef()];
    const invoiceIds: string[] = [];
    for (const reference of refs) {
      invoiceIds.push((await createInvoice(org, debtor, { totalCents: 1_000, paymentReference: reference })).id);
    }
    const file = camtFile([{ lines: refs.map((reference) => ({ amountCents: 1_000, refs: [reference] })) }]);
    let booked = 0;
    listeners.push('fail-third');
    onLedgerEvent('fail-third', async (_tx, event) => {
      if (event.organizationId === org.id && ++booked === 3) throw new Error('subscriber down');
    });
    await expect(importFile(org.id, file, finance.id, { chunkLines: 2 })).rejects.toThrow('subscriber down');
    // The first chunk (two lines) committed; the second rolled back whole.
    expect(await paymentsOf(org.id)).toHaveLength(2);
    const [{ n }] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from bank_entries where organization_id = ${org.id}`,
    );
    expect(n).toBe(2);

    offLedgerEvent('fail-third');
    const rerun = await importFile(org.id, file, finance.id, { chunkLines: 2 });
    expect(rerun).toMatchObject({ entries: 5, duplicates: 2, matched: 3 });
    for (const id of invoiceIds) expect((await invoiceRow(id)).status).toBe('paid');
    expect(await paymentsOf(org.id)).toHaveLength(5);
  });
});

describe('import: debits and reversals', () => {
  it('a returned transfer reopens what it paid; the credit’s line says so; other debits book nothing', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, { totalCents: 6_000, paymentReference: reference });
    const credit = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 6_000, refs: [reference], iban: DEBTOR_IBANS[0], endToEndId: 'E2E-1', date: '2026-03-02' },
          ],
        },
      ]),
      finance.id,
    );
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
    const [creditEntry] = await entriesOf(credit.statementId);

    const later = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            {
              amountCents: 6_000,
              direction: 'debit',
              reversal: true,
              iban: DEBTOR_IBANS[0],
              endToEndId: 'E2E-1',
              date: '2026-03-05',
            },
            { amountCents: 6_000, direction: 'debit', iban: DEBTOR_IBANS[1], text: 'leverancier', date: '2026-03-05' },
          ],
        },
      ]),
      finance.id,
    );
    expect(later).toMatchObject({ entries: 2, credits: 0 });
    const debits = await db().select().from(bankEntries).where(eq(bankEntries.statementId, later.statementId));
    expect(debits.find((e) => e.counterpartyIban === DEBTOR_IBANS[0])).toMatchObject({
      status: 'reversal',
      paymentId: creditEntry.paymentId,
      note: '[returns] 2026-03-02',
    });
    expect(debits.find((e) => e.counterpartyIban === DEBTOR_IBANS[1])).toMatchObject({
      status: 'debit',
      paymentId: null,
    });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'open', openCents: 6_000 });
    const [earlier] = await db().select().from(bankEntries).where(eq(bankEntries.id, creditEntry.id));
    expect(earlier.note).toBe('[returned] 2026-03-05');
    const [payment] = await paymentsOf(org.id);
    expect(payment.id).toBe(creditEntry.paymentId);

    // The same return in a later file is a duplicate; a second return of it finds nothing left.
    const again = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 6_000, direction: 'debit', iban: DEBTOR_IBANS[0], endToEndId: 'E2E-1', date: '2026-03-06' },
          ],
        },
      ]),
      finance.id,
    );
    const [plain] = await db().select().from(bankEntries).where(eq(bankEntries.statementId, again.statementId));
    expect(plain.status).toBe('debit');
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'open', openCents: 6_000 });
  });

  it('a debit of the same amount to the same account within 90 days returns a credit in the same file; a queued credit is set aside', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, { totalCents: 2_500, paymentReference: reference });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          lines: [
            { amountCents: 2_500, refs: [reference], iban: DEBTOR_IBANS[0], date: '2026-03-02' },
            { amountCents: 1_234, text: 'onbekend', iban: DEBTOR_IBANS[3], date: '2026-03-02' },
            { amountCents: 2_500, direction: 'debit', iban: DEBTOR_IBANS[0], date: '2026-03-03' },
            { amountCents: 1_234, direction: 'debit', iban: DEBTOR_IBANS[3], date: '2026-03-03' },
          ],
        },
      ]),
      finance.id,
    );
    expect(outcome).toMatchObject({ credits: 2, matched: 1, queued: 0, ignored: 1 });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'open', openCents: 2_500 });
    const entries = await db().select().from(bankEntries).where(eq(bankEntries.statementId, outcome.statementId));
    expect(entries.filter((e) => e.status === 'reversal')).toHaveLength(2);
    expect(entries.find((e) => e.amountCents === 1_234 && e.direction === 'credit')).toMatchObject({
      status: 'ignored',
      note: '[returned] 2026-03-03',
    });
  });

  it('a credit marked as a reversal is money back from a debit, set aside', async () => {
    const { org, finance } = await world();
    const outcome = await importFile(
      org.id,
      camtFile([{ lines: [{ amountCents: 4_000, reversal: true, iban: DEBTOR_IBANS[1] }] }]),
      finance.id,
    );
    expect(outcome).toMatchObject({ credits: 1, ignored: 1, matched: 0, queued: 0 });
    expect(await paymentsOf(org.id)).toEqual([]);
  });
});

describe('import: files refused whole, nothing written', () => {
  it('a statement of an account that is not the creditor’s, named in groups of four', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    await createInvoice(org, debtor, { totalCents: 1_000, paymentReference: reference });
    const before = await bankFootprint(org.id);
    const error = await expectRefused(
      importFile(
        org.id,
        camtFile([
          { lines: [{ amountCents: 1_000, refs: [reference] }] },
          { account: OTHER_OWN_IBAN, lines: [{ amountCents: 500 }] },
        ]),
        finance.id,
      ),
      'unknown_account',
      422,
    );
    expect(error.detail).toBe('NL20 INGB 0001 2345 67');
    expect(error.message).toContain('NL20 INGB 0001 2345 67');
    expect(await bankFootprint(org.id)).toEqual(before);

    // Once the account is the creditor's, the same file reads.
    await addBankAccount(org.id, { iban: OTHER_OWN_IBAN, label: null }, { type: 'staff', id: finance.id });
    expect(
      await importFile(org.id, camtFile([{ account: OTHER_OWN_IBAN, lines: [{ amountCents: 500 }] }]), finance.id),
    ).toMatchObject({
      queued: 1,
    });
  });

  it('an account of another creditor is unknown here; two creditors’ lines never collide', async () => {
    const { org, finance } = await world();
    await addBankAccount(org.id, { iban: OTHER_OWN_IBAN, label: null }, { type: 'staff', id: finance.id });
    const other = await bankCreditor();
    const before = await bankFootprint(other.org.id);
    await expectRefused(
      importFile(other.org.id, camtFile([{ account: OTHER_OWN_IBAN, lines: [{ amountCents: 1 }] }]), other.finance.id),
      'unknown_account',
      422,
    );
    expect(await bankFootprint(other.org.id)).toEqual(before);
    // Both hold NL91…: each reads its own file, and the same bank reference is no duplicate across them.
    const mine = await importFile(
      org.id,
      camtFile([{ lines: [{ amountCents: 100, entryRef: 'SAME-REF' }] }]),
      finance.id,
    );
    const theirs = await importFile(
      other.org.id,
      camtFile([{ lines: [{ amountCents: 100, entryRef: 'SAME-REF' }] }]),
      other.finance.id,
    );
    expect(mine).toMatchObject({ duplicates: 0, queued: 1 });
    expect(theirs).toMatchObject({ duplicates: 0, queued: 1 });
  });

  it('amounts in another currency', async () => {
    const { org, finance } = await world();
    const before = await bankFootprint(org.id);
    const error = await expectRefused(
      importFile(
        org.id,
        camtFile([{ lines: [{ amountCents: 1_000 }, { amountCents: 2_000, currency: 'USD' }] }]),
        finance.id,
      ),
      'currency_not_eur',
      422,
    );
    expect(error.detail).toBe('USD');
    expect(await bankFootprint(org.id)).toEqual(before);
  });

  it.each([
    ['malformed.xml', 'malformed', 400],
    ['billion-laughs.xml', 'doctype_forbidden', 400],
    ['external-entity.xml', 'doctype_forbidden', 400],
    ['unknown-namespace.xml', 'unsupported_format', 415],
    ['bad-amount.xml', 'invalid_value', 422],
  ])('%s: %s (%i)', async (fixture, code, status) => {
    const { org, finance } = await world();
    const before = await bankFootprint(org.id);
    const bytes = new Uint8Array(await fs.readFile(path.join(FIXTURES, fixture)));
    const error = await expectRefused(importFile(org.id, bytes, finance.id), code, status);
    expect(error.detail).toBeTruthy();
    expect(await bankFootprint(org.id)).toEqual(before);
  });

  it('an empty file, a file that is no statement, one over 25 MiB', async () => {
    const { org, finance } = await world();
    const before = await bankFootprint(org.id);
    await expectRefused(importFile(org.id, new Uint8Array(0), finance.id), 'empty_file', 400);
    await expectRefused(
      importFile(org.id, new TextEncoder().encode('naam;bedrag\nx;1\n'), finance.id),
      'unsupported_format',
      415,
    );
    await expectRefused(importFile(org.id, new Uint8Array(25 * 1024 * 1024 + 1), finance.id), 'file_too_large', 413);
    expect(await bankFootprint(org.id)).toEqual(before);
  });
});

describe('import: the hand-written bank files', () => {
  it('reads the camt.053.001.02 and MT940 fixtures for the creditor’s accounts', async () => {
    const { org, finance } = await world();
    for (const iban of ['NL20INGB0001234567', 'NL59RABO0110000000']) {
      await addBankAccount(org.id, { iban, label: null }, { type: 'staff', id: finance.id });
    }
    for (const fixture of [
      'camt053-001-02.xml',
      'camt053-001-08-two-statements.xml',
      'mt940-ing.940',
      'mt940-rabo.txt',
    ]) {
      const bytes = new Uint8Array(await fs.readFile(path.join(FIXTURES, fixture)));
      const outcome = await importFile(org.id, bytes, finance.id).catch((error: unknown) => {
        // A fixture for an account we do not hold is refused by name, never half-read.
        expect(error).toMatchObject({ code: 'unknown_account' });
        return null;
      });
      if (outcome) {
        expect(outcome.entries).toBeGreaterThan(0);
        expect(outcome.matched + outcome.queued + outcome.ignored).toBe(outcome.credits);
        const again = await importFile(org.id, bytes, finance.id);
        expect(again.duplicates).toBe(outcome.entries);
      }
    }
    const [{ n }] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from bank_statements where organization_id = ${org.id}`,
    );
    expect(n).toBeGreaterThanOrEqual(4);
  });
});

describe('preview', () => {
  it('shows what the import would do and writes nothing', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, {
      number: '2026-0042',
      totalCents: 4_200,
      paymentReference: reference,
    });
    const known = { amountCents: 111, text: 'eerder', entryRef: freshEntryRef() };
    await importFile(org.id, camtFile([{ lines: [known] }]), finance.id);
    const file = camtFile([
      {
        lines: [
          { amountCents: 4_200, refs: [reference], name: 'Korenschoof' },
          { amountCents: 4_200, text: 'factuur 2026-0042' },
          { amountCents: 50, text: 'iets' },
          { amountCents: 75, direction: 'debit' },
          known,
        ],
      },
    ]);
    const before = await bankFootprint(org.id);
    const preview = await previewStatementFile({ organizationId: org.id, bytes: file });
    expect(await bankFootprint(org.id)).toEqual(before);
    expect(preview).toMatchObject({
      format: 'camt.053.001.02',
      entries: 5,
      credits: 4,
      debits: 1,
      duplicates: 1,
      wouldMatch: { reference: 1, invoice_number: 0, iban_amount: 0 },
      // The second line names the invoice the first one pays: it would wait in the queue.
      wouldQueue: 2,
      refusal: null,
    });
    expect(preview.statements).toMatchObject([
      {
        accountIban: OUR_IBAN,
        accountIbanDisplay: 'NL91 ABNA 0417 1643 00',
        knownAccount: true,
        lines: 5,
        credits: 4,
        creditCents: 8_561,
      },
    ]);
    expect(preview.lines.map((l) => l.outcome)).toEqual(['match', 'queue', 'queue', 'debit', 'duplicate']);
    expect(preview.lines[0]).toMatchObject({
      rule: 'reference',
      invoices: [{ id: invoice.id, number: '2026-0042', debtorName: debtor.name }],
    });
    expect(preview.lines[1].note).toBe('[invoice_settled] 2026-0042');

    const unknown = await previewStatementFile({
      organizationId: org.id,
      bytes: camtFile([{ account: OTHER_OWN_IBAN, lines: [{ amountCents: 1 }] }]),
    });
    expect(unknown.refusal).toMatchObject({ code: 'unknown_account', detail: 'NL20 INGB 0001 2345 67' });
    expect(unknown.statements[0].knownAccount).toBe(false);
    const malformed = new Uint8Array(await fs.readFile(path.join(FIXTURES, 'malformed.xml')));
    await expectRefused(previewStatementFile({ organizationId: org.id, bytes: malformed }), 'malformed', 400);
    expect(await bankFootprint(org.id)).toEqual(before);
  });
});

describe('statement record', () => {
  it('keeps the file’s facts and counts, and getStatement shows every line with its invoices', async () => {
    const { org, finance, debtor } = await world();
    const reference = nextRef();
    const invoice = await createInvoice(org, debtor, { totalCents: 900, paymentReference: reference });
    const outcome = await importFile(
      org.id,
      camtFile([
        {
          id: 'STMT-X',
          from: '2026-03-01',
          to: '2026-03-02',
          lines: [
            { amountCents: 1_000, refs: [reference] },
            { amountCents: 5, text: '?' },
          ],
        },
      ]),
      finance.id,
    );
    const [row] = await db().select().from(bankStatements).where(eq(bankStatements.id, outcome.statementId));
    expect(row).toMatchObject({
      organizationId: org.id,
      format: 'camt.053.001.02',
      filename: 'afschrift.xml',
      statementRefs: ['STMT-X'],
      fromDate: '2026-03-01',
      toDate: '2026-03-02',
      entries: 2,
      credits: 2,
      matched: 1,
      queued: 1,
      uploadedByType: 'staff',
      uploadedById: finance.id,
    });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    const detail = await getStatement(org.id, outcome.statementId);
    expect(detail?.statement).toMatchObject({
      accounts: ['NL91 ABNA 0417 1643 00'],
      creditCents: 1_005,
      uploadedBy: { type: 'staff', name: finance.name },
    });
    const matched = detail!.entries.find((e) => e.status === 'matched')!;
    expect(matched).toMatchObject({
      invoices: [{ id: invoice.id, number: invoice.number, allocatedCents: 900 }],
      creditedCents: 100,
      debtor: { id: debtor.id, name: debtor.name },
    });
    expect(detail!.entries.find((e) => e.status === 'queued')).toMatchObject({ noteCode: 'no_match', invoices: [] });
    const odd = await importStatementFile(
      {
        organizationId: org.id,
        bytes: camtFile([{ lines: [{ amountCents: 7 }] }]),
        filename: 'bad\u0007name.xml',
        uploadedBy: { type: 'api', id: finance.id },
      },
      { clock },
    );
    const [oddRow] = await db().select().from(bankStatements).where(eq(bankStatements.id, odd.statementId));
    expect(oddRow.filename).toBe('upload.xml');
    // Another creditor sees nothing of it.
    const other = await createOrganization();
    expect(await getStatement(other.id, outcome.statementId)).toBeNull();
    expect(await getStatement(org.id, 'not-a-uuid')).toBeNull();
  });
});
