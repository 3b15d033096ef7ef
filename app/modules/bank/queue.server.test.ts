import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvents, bankEntries, bankStatements, debtorIbans, debtors, invoices, payments } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { bankCreditor, bankFootprint, camtFile, DEBTOR_IBANS, OTHER_OWN_IBAN } from '~test/factories-bank';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { offLedgerEvent, onLedgerEvent, type LedgerEvent } from '~/modules/ledger/ledger.server';
import {
  addBankAccount,
  BankActionError,
  getEntry,
  ignoreEntry,
  importStatementFile,
  listBankAccounts,
  listQueue,
  listStatements,
  matchEntry,
  removeBankAccount,
  requeueEntry,
} from './index.server';

const clock = fixedClock('2026-03-04T09:00:00Z');
const db = () => getDb();

async function queuedWorld(lines: Parameters<typeof camtFile>[0][number]['lines']) {
  const creditor = await bankCreditor();
  const debtor = await createDebtor(creditor.org, { kind: 'business', name: 'Jansen & Zonen B.V.' });
  const outcome = await importStatementFile(
    {
      organizationId: creditor.org.id,
      bytes: camtFile([{ lines }]),
      uploadedBy: { type: 'staff', id: creditor.finance.id },
    },
    { clock },
  );
  const entries = await db().select().from(bankEntries).where(eq(bankEntries.statementId, outcome.statementId));
  return { ...creditor, debtor, outcome, entries };
}

async function invoiceRow(id: string) {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, id));
  return row;
}

async function refusal(run: Promise<unknown>) {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BankActionError);
  return error as BankActionError;
}

const listeners: string[] = [];
afterEach(() => {
  for (const name of listeners.splice(0)) offLedgerEvent(name);
});

describe('the match queue', () => {
  it('lists waiting lines with suggestions read fresh: debtor, what is owed now, whether the amount fits', async () => {
    const { org, debtor, finance, entries } = await queuedWorld([
      { amountCents: 7_000, name: 'JANSEN EN ZONEN', iban: DEBTOR_IBANS[0], text: 'betaling', date: '2026-03-02' },
      { amountCents: 300, text: 'rente spaarrekening', date: '2026-03-01' },
    ]);
    // The invoice arrives after the import (the queue reads suggestions by what is owed now).
    expect((await listQueue(org.id)).entries.every((e) => e.suggestions.length === 0)).toBe(true);
    const invoice = await createInvoice(org, debtor, { totalCents: 7_000 });
    const again = await importStatementFile(
      {
        organizationId: org.id,
        bytes: camtFile([
          { lines: [{ amountCents: 7_000, name: 'JANSEN EN ZONEN', text: 'nogmaals', date: '2026-03-03' }] },
        ]),
        uploadedBy: { type: 'staff', id: finance.id },
      },
      { clock },
    );
    expect(again.queued).toBe(1);
    const queue = await listQueue(org.id);
    expect(queue.total).toBe(3);
    expect(queue.entries.map((e) => e.bookingDate)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    const last = queue.entries[2];
    expect(last).toMatchObject({
      status: 'queued',
      noteCode: 'no_match',
      amountCents: 7_000,
      counterpartyName: 'JANSEN EN ZONEN',
    });
    expect(last.suggestions[0]).toMatchObject({
      rule: 'name',
      amountFits: true,
      totalOwedCents: 7_000,
      invoices: [
        { id: invoice.id, number: invoice.number, debtorId: debtor.id, debtorName: debtor.name, owedCents: 7_000 },
      ],
    });
    expect(entries).toHaveLength(2);
    // Another creditor's queue is its own.
    const other = await createOrganization();
    expect(await listQueue(other.id)).toEqual({ total: 0, entries: [] });
  });
});

describe('matchEntry', () => {
  it('splits one line over several invoices of a debtor; the rest is credit; learns the account; counts move', async () => {
    const { org, debtor, finance, actor, entries, outcome } = await queuedWorld([
      { amountCents: 10_000, iban: DEBTOR_IBANS[1], name: 'Jansen', text: 'zie specificatie' },
    ]);
    const a = await createInvoice(org, debtor, { totalCents: 6_000, costsCents: 500, dueDate: '2026-01-01' });
    const b = await createInvoice(org, debtor, { totalCents: 4_000 });
    const events: LedgerEvent[] = [];
    listeners.push('queue-test');
    onLedgerEvent('queue-test', async (_tx, event) => {
      if (event.organizationId === org.id) events.push(event);
    });

    const result = await matchEntry(
      org.id,
      entries[0].id,
      {
        splits: [
          { invoiceId: a.id, amountCents: 6_500 },
          { invoiceId: b.id, amountCents: 1_000 },
        ],
        actor,
      },
      { clock },
    );
    expect(result).toMatchObject({ debtorId: debtor.id, creditedCents: 2_500, settledInvoiceIds: [a.id] });
    expect(await invoiceRow(a.id)).toMatchObject({ status: 'paid', openCents: 0, costsCents: 0 });
    expect(await invoiceRow(b.id)).toMatchObject({ status: 'open', openCents: 3_000 });
    const [row] = await db().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(row.creditCents).toBe(2_500);
    expect(events).toMatchObject([{ kind: 'booked', source: 'bank_transfer' }]);

    const entry = await getEntry(org.id, entries[0].id);
    expect(entry).toMatchObject({
      status: 'matched',
      matchRule: 'manual',
      resolvedBy: `staff:${finance.id}`,
      creditedCents: 2_500,
      invoices: [
        { id: a.id, allocatedCents: 6_500 },
        { id: b.id, allocatedCents: 1_000 },
      ],
    });
    expect(await db().select().from(debtorIbans).where(eq(debtorIbans.organizationId, org.id))).toMatchObject([
      { debtorId: debtor.id, iban: DEBTOR_IBANS[1] },
    ]);
    const [statement] = await db().select().from(bankStatements).where(eq(bankStatements.id, outcome.statementId));
    expect(statement).toMatchObject({ matched: 1, queued: 0 });
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'bank_entry.matched')));
    expect(audit).toMatchObject({ actorType: 'staff', actorId: finance.id, entityId: entries[0].id });

    // Matched once: a second match is refused and books nothing.
    const before = await bankFootprint(org.id);
    const twice = await refusal(
      matchEntry(org.id, entries[0].id, { splits: [{ invoiceId: b.id, amountCents: 100 }], actor }, { clock }),
    );
    expect(twice).toMatchObject({ code: 'already_matched', status: 409 });
    expect(await bankFootprint(org.id)).toEqual(before);
  });

  it('books a line for a chosen debtor by the ledger’s rule: oldest due first, the rest as credit', async () => {
    const { org, debtor, actor, entries } = await queuedWorld([
      { amountCents: 2_000, text: 'vooruitbetaling' },
      { amountCents: 1_500, text: 'zonder factuur' },
    ]);
    const newer = await createInvoice(org, debtor, { totalCents: 900, dueDate: '2026-02-01' });
    const older = await createInvoice(org, debtor, { totalCents: 700, dueDate: '2026-01-01' });
    const first = entries.find((e) => e.amountCents === 2_000)!;
    const result = await matchEntry(org.id, first.id, { splits: [], debtorId: debtor.id, actor }, { clock });
    expect(result).toMatchObject({ creditedCents: 400, settledInvoiceIds: [older.id, newer.id] });
    // Nothing left open: the next line is all credit.
    const second = entries.find((e) => e.amountCents === 1_500)!;
    const credit = await matchEntry(org.id, second.id, { splits: [], debtorId: debtor.id, actor }, { clock });
    expect(credit).toMatchObject({ creditedCents: 1_500, allocations: [] });
    const [payment] = await db().select().from(payments).where(eq(payments.id, credit.paymentId));
    expect(payment).toMatchObject({ provider: 'bank_transfer', amountCents: 1_500, creditedCents: 1_500 });
    const [row] = await db().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(row.creditCents).toBe(1_900);
    expect(
      await refusal(
        matchEntry(
          org.id,
          second.id,
          { splits: [], debtorId: '00000000-0000-4000-8000-000000000000', actor },
          { clock },
        ),
      ),
    ).toMatchObject({
      code: 'already_matched',
    });
  });

  it('refuses, naming the field, and writes nothing: another debtor’s invoice, too much, a settled invoice, foreign ids', async () => {
    const { org, debtor, actor, entries } = await queuedWorld([
      { amountCents: 5_000, text: 'x' },
      { amountCents: 900, direction: 'debit', text: 'kosten' },
    ]);
    const credit = entries.find((e) => e.direction === 'credit')!;
    const debit = entries.find((e) => e.direction === 'debit')!;
    const other = await createDebtor(org);
    const mine = await createInvoice(org, debtor, { totalCents: 3_000 });
    const theirs = await createInvoice(org, other, { totalCents: 2_000 });
    const settled = await createInvoice(org, debtor, { totalCents: 1_000, status: 'paid', openCents: 0 });
    const foreignOrg = await createOrganization();
    const foreign = await createInvoice(foreignOrg, await createDebtor(foreignOrg), { totalCents: 1_000 });
    const before = await bankFootprint(org.id);
    const cases: [Parameters<typeof matchEntry>[2]['splits'], string, number, string][] = [
      [
        [
          { invoiceId: mine.id, amountCents: 3_000 },
          { invoiceId: theirs.id, amountCents: 2_000 },
        ],
        'several_debtors',
        422,
        'splits',
      ],
      [[{ invoiceId: mine.id, amountCents: 3_001 }], 'split_exceeds_owed', 422, 'splits.0.amountCents'],
      [
        [
          { invoiceId: mine.id, amountCents: 3_000 },
          { invoiceId: settled.id, amountCents: 1 },
        ],
        'invoice_not_open',
        409,
        'splits.1.invoiceId',
      ],
      [[{ invoiceId: foreign.id, amountCents: 500 }], 'invoice_not_found', 404, 'splits.0.invoiceId'],
      [[{ invoiceId: 'nope', amountCents: 500 }], 'invoice_not_found', 404, 'splits.0.invoiceId'],
      [[{ invoiceId: mine.id, amountCents: 0 }], 'invalid', 400, 'splits.0.amountCents'],
      [[{ invoiceId: mine.id, amountCents: 1.5 }], 'invalid', 400, 'splits.0.amountCents'],
      [
        [
          { invoiceId: mine.id, amountCents: 100 },
          { invoiceId: mine.id, amountCents: 100 },
        ],
        'invalid',
        400,
        'splits.1.invoiceId',
      ],
      [[], 'invalid', 400, 'splits'],
    ];
    for (const [splits, code, status, field] of cases) {
      const error = await refusal(matchEntry(org.id, credit.id, { splits, actor }, { clock }));
      expect({ code: error.code, status: error.status, field: error.field }, JSON.stringify(splits)).toEqual({
        code,
        status,
        field,
      });
    }
    const big = await createInvoice(org, debtor, { totalCents: 9_000 });
    expect(
      await refusal(
        matchEntry(org.id, credit.id, { splits: [{ invoiceId: big.id, amountCents: 5_001 }], actor }, { clock }),
      ),
    ).toMatchObject({
      code: 'splits_exceed_amount',
      status: 422,
    });
    const foreignDebtor = await createDebtor(foreignOrg);
    expect(
      await refusal(matchEntry(org.id, credit.id, { splits: [], debtorId: foreignDebtor.id, actor }, { clock })),
    ).toMatchObject({
      code: 'debtor_not_found',
      status: 404,
      field: 'debtorId',
    });
    expect(
      await refusal(
        matchEntry(
          org.id,
          credit.id,
          { splits: [{ invoiceId: mine.id, amountCents: 100 }], debtorId: other.id, actor },
          { clock },
        ),
      ),
    ).toMatchObject({ code: 'several_debtors' });
    expect(
      await refusal(
        matchEntry(org.id, debit.id, { splits: [{ invoiceId: mine.id, amountCents: 100 }], actor }, { clock }),
      ),
    ).toMatchObject({
      code: 'not_a_credit',
      status: 409,
    });
    expect(
      await refusal(
        matchEntry(
          foreignOrg.id,
          credit.id,
          { splits: [{ invoiceId: foreign.id, amountCents: 100 }], actor },
          { clock },
        ),
      ),
    ).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(await bankFootprint(org.id)).toEqual({ ...before, owed: String(Number(before.owed) + 9_000) });
  });
});

describe('ignoreEntry and requeueEntry', () => {
  it('sets a line aside with a note, and back; lines the bank took back stay out', async () => {
    const { org, actor, entries, outcome } = await queuedWorld([
      { amountCents: 1_200, text: 'huur garage', iban: DEBTOR_IBANS[2], date: '2026-03-02' },
      { amountCents: 800, text: 'foutje', iban: DEBTOR_IBANS[3], date: '2026-03-02' },
      { amountCents: 800, direction: 'debit', iban: DEBTOR_IBANS[3], date: '2026-03-03' },
    ]);
    const rent = entries.find((e) => e.amountCents === 1_200)!;
    const returned = entries.find((e) => e.amountCents === 800 && e.direction === 'credit')!;
    expect(returned.status).toBe('ignored');

    expect(await refusal(ignoreEntry(org.id, rent.id, { actor, note: 'a\u0000b' }, { clock }))).toMatchObject({
      field: 'note',
      status: 400,
    });
    await ignoreEntry(org.id, rent.id, { actor, note: 'Huur van de garage, geen debiteur' }, { clock });
    expect(await getEntry(org.id, rent.id)).toMatchObject({
      status: 'ignored',
      noteText: 'Huur van de garage, geen debiteur',
      noteCode: null,
    });
    const [statement] = await db().select().from(bankStatements).where(eq(bankStatements.id, outcome.statementId));
    expect(statement).toMatchObject({ queued: 0, ignored: 2 });
    expect((await listQueue(org.id)).total).toBe(0);

    await requeueEntry(org.id, rent.id, { actor }, { clock });
    expect((await listQueue(org.id)).entries.map((e) => e.id)).toEqual([rent.id]);

    expect(await refusal(requeueEntry(org.id, returned.id, { actor }, { clock }))).toMatchObject({
      code: 'not_in_queue',
      status: 409,
    });
    expect(
      await refusal(
        matchEntry(org.id, returned.id, { splits: [], debtorId: (await createDebtor(org)).id, actor }, { clock }),
      ),
    ).toMatchObject({ code: 'not_in_queue' });
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['bank_entry.ignored', 'bank_entry.requeued']));
  });
});

describe('statements list', () => {
  it('lists the organization’s files newest first, with a cursor', async () => {
    const { org, finance } = await bankCreditor();
    const times = ['2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z', '2026-03-03T08:00:00Z'];
    for (const [index, at] of times.entries()) {
      await importStatementFile(
        {
          organizationId: org.id,
          bytes: camtFile([{ lines: [{ amountCents: 100 + index }] }]),
          uploadedBy: { type: 'api', id: finance.id },
        },
        { clock: fixedClock(at) },
      );
    }
    const first = await listStatements(org.id, { limit: 2 });
    expect(first.map((s) => s.creditCents)).toEqual([102, 101]);
    const rest = await listStatements(org.id, { limit: 2, before: first[1].createdAt.toISOString() });
    expect(rest.map((s) => s.creditCents)).toEqual([100]);
    expect(first[0]).toMatchObject({ entries: 1, credits: 1, queued: 1, uploadedBy: { type: 'api' } });
  });
});

describe('bank accounts', () => {
  it('adds checked IBANs once, lists them, and removes only unused ones of this organization', async () => {
    const { org, actor, account } = await bankCreditor();
    expect(await refusal(addBankAccount(org.id, { iban: 'NL91ABNA0417164301', label: null }, actor))).toMatchObject({
      code: 'invalid_iban',
      field: 'iban',
      status: 400,
    });
    expect(await refusal(addBankAccount(org.id, { iban: 'nl91 abna 0417 1643 00', label: null }, actor))).toMatchObject(
      {
        code: 'account_exists',
        status: 409,
        detail: 'NL91 ABNA 0417 1643 00',
      },
    );
    expect(await refusal(addBankAccount(org.id, { iban: OTHER_OWN_IBAN, label: 'x'.repeat(71) }, actor))).toMatchObject(
      { field: 'label' },
    );
    const second = await addBankAccount(org.id, { iban: 'nl20 ingb 0001 2345 67', label: ' Spaar ' }, actor);
    expect(second).toMatchObject({ iban: OTHER_OWN_IBAN, ibanDisplay: 'NL20 INGB 0001 2345 67', label: 'Spaar' });

    await importStatementFile(
      {
        organizationId: org.id,
        bytes: camtFile([{ lines: [{ amountCents: 5 }] }]),
        uploadedBy: { type: 'staff', id: actor.id },
      },
      { clock },
    );
    expect((await listBankAccounts(org.id)).map((a) => [a.iban, a.entries])).toEqual([
      ['NL91ABNA0417164300', 1],
      [OTHER_OWN_IBAN, 0],
    ]);
    expect(await refusal(removeBankAccount(org.id, account.id, actor))).toMatchObject({
      code: 'account_in_use',
      status: 409,
    });
    const other = await createOrganization();
    expect(await refusal(removeBankAccount(other.id, second.id, actor))).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    await removeBankAccount(org.id, second.id, actor);
    expect((await listBankAccounts(org.id)).map((a) => a.iban)).toEqual(['NL91ABNA0417164300']);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['bank_account.added', 'bank_account.removed']));
  });
});
