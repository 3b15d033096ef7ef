import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices, type Debtor, type InvoiceLine, type Organization } from '~db/schema';
import { createDebtor, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { MAX_AMOUNT_CENTS } from '~/utils/limits';
import { loadIntakeContext } from '~/modules/debtors/index.server';
import { nextActionFor } from '~/modules/dunning/index';
import { isValidBetalingskenmerk } from '~/modules/payments/index';
import { generatedPaymentReference, upsertInvoice, upsertInvoices, type InvoicePatch } from './intake.server';
import { settleInvoice } from './settle.server';
import { auditOf, intakeRefusal } from '~test/factories-intake';

const START = '2026-03-02T09:00:00.000Z';

const lines: InvoiceLine[] = [
  { description: 'Onderhoud', quantity: 1, unitPriceCents: 50_000, vatRatePercent: 21, amountCents: 50_000 },
  { description: 'Btw', quantity: 1, unitPriceCents: 10_500, vatRatePercent: 0, amountCents: 10_500 },
];

const patch = (overrides: Partial<InvoicePatch> = {}): InvoicePatch => ({
  issueDate: '2026-03-01',
  dueDate: '2026-03-31',
  currency: 'EUR',
  totalCents: 60_500,
  description: 'Onderhoud maart',
  lines,
  ...overrides,
});

async function world(kind: Debtor['kind'] = 'business') {
  const org = await createOrganization();
  const debtor = await createDebtor(org, { kind });
  const clock = fixedClock(START);
  const ctx = await loadIntakeContext(getDb(), {
    organizationId: org.id,
    actor: { type: 'api', id: 'key-1' },
    source: 'api',
    clock,
  });
  return { org, debtor, clock, ctx };
}

const inTx = <T>(work: (tx: Tx) => Promise<T>) => getDb().transaction(work);

const invoicesOf = (org: Pick<Organization, 'id'>) =>
  getDb().select().from(invoices).where(eq(invoices.organizationId, org.id)).orderBy(asc(invoices.number));

describe('upsertInvoice', () => {
  it('creates an open invoice scheduled by the policy, stamped with the clock, with a generated betalingskenmerk, and audits it', async () => {
    const { org, debtor, ctx } = await world();
    const { invoice, outcome } = await inTx((tx) => upsertInvoice(tx, ctx, 'F-2026-001', debtor, patch()));

    expect(outcome).toBe('created');
    expect(invoice).toMatchObject({
      organizationId: org.id,
      debtorId: debtor.id,
      number: 'F-2026-001',
      status: 'open',
      totalCents: 60_500,
      openCents: 60_500,
      dunningStage: 0,
      description: 'Onderhoud maart',
      lines,
      paymentReference: generatedPaymentReference(org.id, 'F-2026-001'),
    });
    expect(isValidBetalingskenmerk(invoice.paymentReference!)).toBe(true);
    expect(invoice.nextActionAt).toEqual(nextActionFor(ctx.policy.business, '2026-03-31', 0));
    expect(invoice.createdAt.toISOString()).toBe(START);
    expect(invoice.updatedAt.toISOString()).toBe(START);

    const events = await auditOf(org);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'invoice.created',
      actorType: 'api',
      actorId: 'key-1',
      entityType: 'invoice',
      entityId: invoice.id,
      invoiceId: invoice.id,
      debtorId: debtor.id,
      data: {
        source: 'api',
        number: 'F-2026-001',
        totalCents: 60_500,
        dueDate: '2026-03-31',
        paymentReference: invoice.paymentReference,
      },
    });
  });

  it('schedules a consumer by the consumer policy', async () => {
    const { debtor, ctx } = await world('consumer');
    const { invoice } = await inTx((tx) => upsertInvoice(tx, ctx, 'C-1', debtor, patch()));
    expect(invoice.nextActionAt).toEqual(nextActionFor(ctx.policy.consumer, '2026-03-31', 0));
  });

  it('answers unchanged for the same invoice again, and writes nothing', async () => {
    const { org, debtor, clock, ctx } = await world();
    const first = await inTx((tx) => upsertInvoice(tx, ctx, 'F-2', debtor, patch()));
    clock.advanceDays(3);

    const again = await inTx((tx) => upsertInvoice(tx, ctx, 'F-2', debtor, patch()));
    expect(again.outcome).toBe('unchanged');
    expect(again.invoice.id).toBe(first.invoice.id);
    const [row] = await invoicesOf(org);
    expect(row.updatedAt.toISOString()).toBe(START);
    expect(await auditOf(org)).toHaveLength(1);
  });

  it('updates what changed, reschedules for a new due date, stamps the clock and audits the changes', async () => {
    const { org, debtor, clock, ctx } = await world();
    const { invoice } = await inTx((tx) => upsertInvoice(tx, ctx, 'F-3', debtor, patch()));
    clock.advanceDays(2);

    const newLines = [{ ...lines[0], description: 'Onderhoud (herzien)' }, lines[1]];
    const { invoice: updated, outcome } = await inTx((tx) =>
      upsertInvoice(
        tx,
        ctx,
        'F-3',
        debtor,
        patch({ dueDate: '2026-04-15', description: 'Onderhoud', lines: newLines }),
      ),
    );
    expect(outcome).toBe('updated');
    expect(updated).toMatchObject({ id: invoice.id, dueDate: '2026-04-15', description: 'Onderhoud', lines: newLines });
    expect(updated.nextActionAt).toEqual(nextActionFor(ctx.policy.business, '2026-04-15', 0));
    expect(updated.updatedAt.toISOString()).toBe('2026-03-04T09:00:00.000Z');
    expect(updated.createdAt.toISOString()).toBe(START);

    const [event] = await auditOf(org, 'invoice.updated');
    expect(event).toMatchObject({ actorType: 'api', entityId: invoice.id, invoiceId: invoice.id, debtorId: debtor.id });
    expect(event.data).toEqual({
      source: 'api',
      number: 'F-3',
      changes: {
        dueDate: { from: '2026-03-31', to: '2026-04-15' },
        description: { from: 'Onderhoud maart', to: 'Onderhoud' },
        // Lines are noted as changed, not written out twice.
        lines: { from: '(previous lines)', to: '(new lines)' },
        nextActionAt: {
          from: invoice.nextActionAt!.toISOString(),
          to: nextActionFor(ctx.policy.business, '2026-04-15', 0)!.toISOString(),
        },
      },
    });
  });

  it('keeps optional fields left out, clears those given as null', async () => {
    const { debtor, ctx } = await world();
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-4', debtor, patch({ externalRef: 'ERP-4' })));

    const kept = await inTx((tx) =>
      upsertInvoice(tx, ctx, 'F-4', debtor, {
        issueDate: '2026-03-01',
        dueDate: '2026-03-31',
        currency: 'EUR',
        totalCents: 60_500,
      }),
    );
    expect(kept.outcome).toBe('unchanged');
    expect(kept.invoice).toMatchObject({ description: 'Onderhoud maart', lines, externalRef: 'ERP-4' });

    const cleared = await inTx((tx) =>
      upsertInvoice(tx, ctx, 'F-4', debtor, patch({ description: null, lines: null, externalRef: null })),
    );
    expect(cleared.outcome).toBe('updated');
    expect(cleared.invoice).toMatchObject({ description: null, lines: null, externalRef: null });
  });

  it('moves an unpaid invoice to another debtor and reschedules it by that debtor’s kind', async () => {
    const { org, debtor, ctx } = await world('business');
    const consumer = await createDebtor(org, { kind: 'consumer' });
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-5', debtor, patch()));

    const moved = await inTx((tx) => upsertInvoice(tx, ctx, 'F-5', consumer, patch()));
    expect(moved.outcome).toBe('updated');
    expect(moved.invoice.debtorId).toBe(consumer.id);
    expect(moved.invoice.nextActionAt).toEqual(nextActionFor(ctx.policy.consumer, '2026-03-31', 0));
  });

  it('refuses to move an invoice with payments to another debtor (conflict, debtor.externalRef)', async () => {
    const { org, debtor, ctx } = await world();
    const other = await createDebtor(org, { kind: 'business' });
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-6', debtor, patch()));
    await inTx((tx) => settleInvoice(tx, ctx, 'F-6', { outcome: 'paid', amountCents: 10_000, reference: 'BANK-6' }));

    expect(await intakeRefusal(inTx((tx) => upsertInvoice(tx, ctx, 'F-6', other, patch())))).toEqual({
      kind: 'conflict',
      code: 'debtor_change_after_payment',
      path: 'debtor.externalRef',
    });
    const [row] = await invoicesOf(org);
    expect(row.debtorId).toBe(debtor.id);
  });

  it('lowers the open amount with the total, and refuses a total below what is paid (conflict, totalCents)', async () => {
    const { org, debtor, ctx } = await world();
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-7', debtor, patch()));
    await inTx((tx) => settleInvoice(tx, ctx, 'F-7', { outcome: 'paid', amountCents: 20_000, reference: 'BANK-7' }));

    const lower = await inTx((tx) => upsertInvoice(tx, ctx, 'F-7', debtor, patch({ totalCents: 50_000, lines: null })));
    expect(lower.outcome).toBe('updated');
    expect(lower.invoice).toMatchObject({ totalCents: 50_000, openCents: 30_000, status: 'open' });

    expect(
      await intakeRefusal(
        inTx((tx) => upsertInvoice(tx, ctx, 'F-7', debtor, patch({ totalCents: 19_999, lines: null }))),
      ),
    ).toEqual({ kind: 'conflict', code: 'total_below_paid', path: 'totalCents' });
    const [row] = await invoicesOf(org);
    expect(row).toMatchObject({ totalCents: 50_000, openCents: 30_000 });
  });

  const MAX_LINE = { ...lines[0], amountCents: MAX_AMOUNT_CENTS + 1 };
  const refusals: [string, Partial<InvoicePatch>, { code: string; path: string }][] = [
    ['another currency', { currency: 'USD' }, { code: 'unsupported_currency', path: 'currency' }],
    ['a total of zero', { totalCents: 0 }, { code: 'invalid_total', path: 'totalCents' }],
    ['a negative total', { totalCents: -100 }, { code: 'invalid_total', path: 'totalCents' }],
    ['a total in fractions of a cent', { totalCents: 100.5 }, { code: 'invalid_total', path: 'totalCents' }],
    ['a total over the limit', { totalCents: MAX_AMOUNT_CENTS + 1 }, { code: 'amount_too_large', path: 'totalCents' }],
    ['an issue date before 1990', { issueDate: '1989-12-31' }, { code: 'date_out_of_range', path: 'issueDate' }],
    ['a due date after 2100', { dueDate: '2101-01-01' }, { code: 'date_out_of_range', path: 'dueDate' }],
    [
      'a line amount over the limit',
      { lines: [lines[0], MAX_LINE] },
      { code: 'amount_too_large', path: 'lines.1.amountCents' },
    ],
    [
      'a line unit price over the limit',
      { lines: [{ ...lines[0], unitPriceCents: MAX_AMOUNT_CENTS + 1 }] },
      { code: 'amount_too_large', path: 'lines.0.unitPriceCents' },
    ],
    [
      'a NUL in a line description',
      { lines: [{ ...lines[0], description: 'Onder\u0000houd' }] },
      { code: 'control_characters', path: 'lines.0.description' },
    ],
    [
      'a control character in the payment reference',
      { paymentReference: 'RF\u0007 12' },
      { code: 'control_characters', path: 'paymentReference' },
    ],
    [
      'a control character in the external reference',
      { externalRef: 'ERP\u001b[1m' },
      { code: 'control_characters', path: 'externalRef' },
    ],
    ['a NUL in the description', { description: 'maart\u0000' }, { code: 'control_characters', path: 'description' }],
  ];

  it.each(refusals)(
    'refuses %s as invalid, naming the field, and writes nothing',
    async (_name, overrides, expected) => {
      const { org, debtor, ctx } = await world();
      expect(await intakeRefusal(inTx((tx) => upsertInvoice(tx, ctx, 'BAD-1', debtor, patch(overrides))))).toEqual({
        kind: 'invalid',
        ...expected,
      });
      expect(await invoicesOf(org)).toHaveLength(0);
      expect(await auditOf(org)).toHaveLength(0);
    },
  );

  it('refuses an invalid update of an existing invoice and leaves it as it was', async () => {
    const { org, debtor, ctx } = await world();
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-8', debtor, patch()));
    expect(
      await intakeRefusal(inTx((tx) => upsertInvoice(tx, ctx, 'F-8', debtor, patch({ currency: 'GBP' })))),
    ).toEqual({
      kind: 'invalid',
      code: 'unsupported_currency',
      path: 'currency',
    });
    const [row] = await invoicesOf(org);
    expect(row).toMatchObject({ currency: 'EUR', totalCents: 60_500 });
    expect(await auditOf(org)).toHaveLength(1);
  });
});

describe('the generated payment reference', () => {
  it('is a valid betalingskenmerk that depends only on the organization and the number', async () => {
    const a = generatedPaymentReference('11111111-1111-4111-8111-111111111111', 'F-1');
    expect(isValidBetalingskenmerk(a)).toBe(true);
    expect(generatedPaymentReference('11111111-1111-4111-8111-111111111111', 'F-1')).toBe(a);
    expect(generatedPaymentReference('11111111-1111-4111-8111-111111111111', 'F-2')).not.toBe(a);
    expect(generatedPaymentReference('22222222-2222-4222-8222-222222222222', 'F-1')).not.toBe(a);
  });

  it('stays the same through updates, a null reference in the patch, and a new total', async () => {
    const { org, debtor, ctx } = await world();
    const { invoice } = await inTx((tx) => upsertInvoice(tx, ctx, 'F-9', debtor, patch()));
    const generated = generatedPaymentReference(org.id, 'F-9');
    expect(invoice.paymentReference).toBe(generated);

    await inTx((tx) => upsertInvoice(tx, ctx, 'F-9', debtor, patch({ paymentReference: null, description: 'x' })));
    await inTx((tx) => upsertInvoice(tx, ctx, 'F-9', debtor, patch({ totalCents: 70_000, lines: null })));
    const [row] = await invoicesOf(org);
    expect(row.totalCents).toBe(70_000);
    expect(row.paymentReference).toBe(generated);
  });

  it('gives way to a reference the creditor sends, which then stays when none is sent', async () => {
    const { org, debtor, ctx } = await world();
    const own = await inTx((tx) =>
      upsertInvoice(tx, ctx, 'F-10', debtor, patch({ paymentReference: '2026 0000 0001' })),
    );
    expect(own.invoice.paymentReference).toBe('2026 0000 0001');

    const again = await inTx((tx) => upsertInvoice(tx, ctx, 'F-10', debtor, patch({ paymentReference: undefined })));
    expect(again.outcome).toBe('unchanged');
    const [row] = await invoicesOf(org);
    expect(row.paymentReference).toBe('2026 0000 0001');
  });
});

describe('upsertInvoices', () => {
  it('creates, updates and leaves unchanged in one call, answering in input order', async () => {
    const { org, debtor, clock, ctx } = await world();
    await inTx((tx) => upsertInvoice(tx, ctx, 'B-2', debtor, patch()));
    await inTx((tx) => upsertInvoice(tx, ctx, 'B-4', debtor, patch()));
    clock.advanceDays(1);

    const results = await inTx((tx) =>
      upsertInvoices(tx, ctx, [
        { number: 'B-1', debtor, patch: patch() },
        { number: 'B-2', debtor, patch: patch() },
        { number: 'B-3', debtor, patch: patch({ totalCents: 1_000, lines: null }) },
        { number: 'B-4', debtor, patch: patch({ description: 'gewijzigd' }) },
      ]),
    );
    expect(results.map((r) => [r.invoice.number, r.outcome])).toEqual([
      ['B-1', 'created'],
      ['B-2', 'unchanged'],
      ['B-3', 'created'],
      ['B-4', 'updated'],
    ]);
    expect(results[2].invoice).toMatchObject({ totalCents: 1_000, openCents: 1_000, status: 'open' });
    expect(results[0].invoice.paymentReference).toBe(generatedPaymentReference(org.id, 'B-1'));
    expect(results[0].invoice.createdAt.toISOString()).toBe('2026-03-03T09:00:00.000Z');

    expect((await invoicesOf(org)).map((row) => row.number)).toEqual(['B-1', 'B-2', 'B-3', 'B-4']);
    expect((await auditOf(org, 'invoice.created')).map((e) => (e.data as { number: string }).number)).toEqual([
      'B-2',
      'B-4',
      'B-1',
      'B-3',
    ]);
    expect(await auditOf(org, 'invoice.updated')).toHaveLength(1);
  });

  it('writes the same invoices as one upsertInvoice per item would', async () => {
    const one = await world();
    const bulk = await world();
    const items = (debtor: Debtor) =>
      ['S-1', 'S-2', 'S-3'].map((number, i) => ({
        number,
        debtor,
        patch: patch({ totalCents: 1_000 * (i + 1), lines: null }),
      }));
    await inTx(async (tx) => {
      for (const item of items(one.debtor)) await upsertInvoice(tx, one.ctx, item.number, item.debtor, item.patch);
    });
    await inTx((tx) => upsertInvoices(tx, bulk.ctx, items(bulk.debtor)));

    const shape = (rows: Awaited<ReturnType<typeof invoicesOf>>) =>
      rows.map((r) => [r.number, r.totalCents, r.openCents, r.status, r.dueDate, r.nextActionAt?.toISOString()]);
    expect(shape(await invoicesOf(bulk.org))).toEqual(shape(await invoicesOf(one.org)));
    expect(await auditOf(bulk.org, 'invoice.created')).toHaveLength(3);
  });

  it('names the failing item by its index, with the refusal’s kind, code and path, and the transaction writes nothing', async () => {
    const { org, debtor, ctx } = await world();
    const failure = await intakeRefusal(
      inTx((tx) =>
        upsertInvoices(tx, ctx, [
          { number: 'X-1', debtor, patch: patch() },
          { number: 'X-2', debtor, patch: patch() },
          { number: 'X-3', debtor, patch: patch({ dueDate: '1900-01-01' }) },
        ]),
      ),
    );
    expect(failure).toEqual({ index: 2, kind: 'invalid', code: 'date_out_of_range', path: 'dueDate' });
    expect(await invoicesOf(org)).toHaveLength(0);
    expect(await auditOf(org)).toHaveLength(0);
  });

  it('names a conflict on an existing invoice by its index too', async () => {
    const { org, debtor, ctx } = await world();
    await inTx((tx) => upsertInvoice(tx, ctx, 'Y-1', debtor, patch()));
    await inTx((tx) => settleInvoice(tx, ctx, 'Y-1', { outcome: 'paid', amountCents: 5_000, reference: 'BANK-Y' }));
    const failure = await intakeRefusal(
      inTx((tx) =>
        upsertInvoices(tx, ctx, [
          { number: 'Y-0', debtor, patch: patch() },
          { number: 'Y-1', debtor, patch: patch({ totalCents: 4_000, lines: null }) },
        ]),
      ),
    );
    expect(failure).toEqual({ index: 1, kind: 'conflict', code: 'total_below_paid', path: 'totalCents' });
    expect((await invoicesOf(org)).map((row) => row.number)).toEqual(['Y-1']);
  });

  it('keeps to its organization: the same number elsewhere is another invoice', async () => {
    const a = await world();
    const b = await world();
    await inTx((tx) => upsertInvoices(tx, a.ctx, [{ number: 'SAME-1', debtor: a.debtor, patch: patch() }]));
    const [result] = await inTx((tx) =>
      upsertInvoices(tx, b.ctx, [
        { number: 'SAME-1', debtor: b.debtor, patch: patch({ totalCents: 999, lines: null }) },
      ]),
    );
    expect(result.outcome).toBe('created');
    expect((await invoicesOf(a.org))[0].totalCents).toBe(60_500);
    expect((await invoicesOf(b.org))[0].totalCents).toBe(999);
  });
});
