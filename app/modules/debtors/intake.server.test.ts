import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { debtors, type Organization } from '~db/schema';
import { createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { loadIntakeContext, upsertDebtor, upsertDebtors, type DebtorPatch } from './intake.server';
import { auditOf, intakeRefusal } from '~test/factories-intake';

const START = '2026-05-11T08:30:00.000Z';

const full = (overrides: DebtorPatch = {}): DebtorPatch => ({
  kind: 'business',
  name: 'Bakkerij De Korenschoof B.V.',
  email: 'administratie@korenschoof.example',
  city: 'Utrecht',
  vatNumber: 'NL001234567B01',
  ...overrides,
});

async function world() {
  const org = await createOrganization();
  const clock = fixedClock(START);
  const ctx = await loadIntakeContext(getDb(), {
    organizationId: org.id,
    actor: { type: 'staff', id: 'staff-1' },
    source: 'csv',
    clock,
  });
  return { org, clock, ctx };
}

const inTx = <T>(work: (tx: Tx) => Promise<T>) => getDb().transaction(work);

const debtorsOf = (org: Pick<Organization, 'id'>) =>
  getDb().select().from(debtors).where(eq(debtors.organizationId, org.id)).orderBy(asc(debtors.externalRef));

describe('loadIntakeContext', () => {
  it("carries the organization's dunning policy and the given clock, and refuses an unknown organization", async () => {
    const { org, ctx, clock } = await world();
    expect(ctx).toMatchObject({ organizationId: org.id, source: 'csv', actor: { type: 'staff', id: 'staff-1' } });
    expect(ctx.policy).toEqual(org.dunningPolicy);
    expect(ctx.clock).toBe(clock);

    expect(
      await intakeRefusal(
        loadIntakeContext(getDb(), {
          organizationId: '00000000-0000-4000-8000-000000000000',
          actor: { type: 'system' },
          source: 'api',
          clock,
        }),
      ),
    ).toEqual({ kind: 'not_found', code: 'not_found', path: undefined });
  });
});

describe('upsertDebtor', () => {
  it('creates a debtor with the given fields and the column defaults, stamped with the clock, and audits it', async () => {
    const { org, ctx } = await world();
    const { debtor, outcome } = await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-1', full()));

    expect(outcome).toBe('created');
    expect(debtor).toMatchObject({
      organizationId: org.id,
      externalRef: 'CUST-1',
      kind: 'business',
      name: 'Bakkerij De Korenschoof B.V.',
      email: 'administratie@korenschoof.example',
      city: 'Utrecht',
      vatNumber: 'NL001234567B01',
      locale: 'nl',
      country: 'NL',
      phone: null,
    });
    expect(debtor.createdAt.toISOString()).toBe(START);
    expect(debtor.updatedAt.toISOString()).toBe(START);

    const events = await auditOf(org);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'debtor.created',
      actorType: 'staff',
      actorId: 'staff-1',
      entityType: 'debtor',
      entityId: debtor.id,
      debtorId: debtor.id,
      data: { source: 'csv', externalRef: 'CUST-1' },
    });
  });

  it('answers unchanged for the same fields again (or none), and writes nothing', async () => {
    const { org, clock, ctx } = await world();
    await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-2', full()));
    clock.advanceDays(1);

    expect((await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-2', full()))).outcome).toBe('unchanged');
    expect((await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-2', {}))).outcome).toBe('unchanged');
    const [row] = await debtorsOf(org);
    expect(row.updatedAt.toISOString()).toBe(START);
    expect(await auditOf(org)).toHaveLength(1);
  });

  it('updates only the fields given, clears those given as null, stamps the clock and audits the changes', async () => {
    const { org, clock, ctx } = await world();
    await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-3', full({ phone: '+31 30 123 4567' })));
    clock.advanceDays(2);

    const { debtor, outcome } = await inTx((tx) =>
      upsertDebtor(tx, ctx, 'CUST-3', { name: 'Korenschoof Holding B.V.', phone: null }),
    );
    expect(outcome).toBe('updated');
    expect(debtor).toMatchObject({
      name: 'Korenschoof Holding B.V.',
      phone: null,
      city: 'Utrecht',
      email: 'administratie@korenschoof.example',
    });
    expect(debtor.updatedAt.toISOString()).toBe('2026-05-13T08:30:00.000Z');
    expect(debtor.createdAt.toISOString()).toBe(START);

    const [event] = await auditOf(org, 'debtor.updated');
    expect(event).toMatchObject({ actorType: 'staff', entityId: debtor.id, debtorId: debtor.id });
    expect(event.data).toEqual({
      source: 'csv',
      changes: {
        name: { from: 'Bakkerij De Korenschoof B.V.', to: 'Korenschoof Holding B.V.' },
        phone: { from: '+31 30 123 4567', to: null },
      },
    });
  });

  it('lifts the email block when the address changes, and only then', async () => {
    const { org, ctx } = await world();
    const { debtor } = await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-4', full()));
    const blockedAt = new Date('2026-05-01T12:00:00.000Z');
    await getDb().update(debtors).set({ emailBlockedAt: blockedAt }).where(eq(debtors.id, debtor.id));

    const renamed = await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-4', { city: 'Zeist' }));
    expect(renamed.debtor.emailBlockedAt).toEqual(blockedAt);

    const readdressed = await inTx((tx) =>
      upsertDebtor(tx, ctx, 'CUST-4', { email: 'boekhouding@korenschoof.example' }),
    );
    expect(readdressed.outcome).toBe('updated');
    expect(readdressed.debtor.emailBlockedAt).toBeNull();
    const events = await auditOf(org, 'debtor.updated');
    expect(events[1].data).toEqual({
      source: 'csv',
      changes: {
        email: { from: 'administratie@korenschoof.example', to: 'boekhouding@korenschoof.example' },
        emailBlockedAt: { from: blockedAt.toISOString(), to: null },
      },
    });
  });

  it('refuses a new debtor without kind, name or email, naming the missing field, and writes nothing', async () => {
    const { org, ctx } = await world();
    const cases: [DebtorPatch, string][] = [
      [{ kind: 'consumer', name: 'Jan' }, 'email'],
      [{ kind: 'consumer', email: 'jan@example.nl' }, 'name'],
      [{ name: 'Jan', email: 'jan@example.nl' }, 'kind'],
      [{}, 'email'],
    ];
    for (const [patch, path] of cases) {
      expect(await intakeRefusal(inTx((tx) => upsertDebtor(tx, ctx, 'NEW-1', patch)))).toEqual({
        kind: 'invalid',
        code: 'debtor_incomplete',
        path,
      });
    }
    expect(await debtorsOf(org)).toHaveLength(0);
    expect(await auditOf(org)).toHaveLength(0);
  });

  it('refuses control characters in the reference or any text field, naming it', async () => {
    const { org, ctx } = await world();
    await inTx((tx) => upsertDebtor(tx, ctx, 'CUST-5', full()));
    const cases: [string, DebtorPatch, string][] = [
      ['CUST\u00005', full(), 'externalRef'],
      ['CUST-6', full({ name: 'Bakkerij\u0007' }), 'name'],
      ['CUST-6', full({ city: 'Utrecht\n' }), 'city'],
      ['CUST-5', { contactName: 'Piet\u001b[31m' }, 'contactName'],
    ];
    for (const [ref, patch, path] of cases) {
      expect(await intakeRefusal(inTx((tx) => upsertDebtor(tx, ctx, ref, patch)))).toEqual({
        kind: 'invalid',
        code: 'control_characters',
        path,
      });
    }
    expect((await debtorsOf(org)).map((d) => [d.externalRef, d.contactName])).toEqual([['CUST-5', null]]);
  });

  it('keeps to its organization: the same reference elsewhere is another debtor', async () => {
    const a = await world();
    const b = await world();
    const first = await inTx((tx) => upsertDebtor(tx, a.ctx, 'SAME', full()));
    const second = await inTx((tx) => upsertDebtor(tx, b.ctx, 'SAME', full({ name: 'Ander B.V.' })));
    expect(second.outcome).toBe('created');
    expect(second.debtor.id).not.toBe(first.debtor.id);
    expect((await debtorsOf(a.org))[0].name).toBe('Bakkerij De Korenschoof B.V.');
  });
});

describe('upsertDebtors', () => {
  it('creates, updates and leaves unchanged in one call, keyed by reference; the first patch per reference wins', async () => {
    const { org, clock, ctx } = await world();
    await inTx((tx) => upsertDebtor(tx, ctx, 'OLD-SAME', full()));
    await inTx((tx) => upsertDebtor(tx, ctx, 'OLD-CHANGED', full()));
    clock.advanceDays(1);

    const results = await inTx((tx) =>
      upsertDebtors(tx, ctx, [
        { externalRef: 'NEW-1', patch: full({ name: 'Eerste' }) },
        { externalRef: 'OLD-SAME', patch: full() },
        { externalRef: 'OLD-CHANGED', patch: { city: 'Amersfoort' } },
        { externalRef: 'NEW-1', patch: full({ name: 'Tweede' }) },
        { externalRef: 'NEW-2', patch: full({ kind: 'consumer', name: 'Jan Jansen', email: 'jan@example.nl' }) },
      ]),
    );
    expect([...results].map(([ref, r]) => [ref, r.outcome]).sort()).toEqual([
      ['NEW-1', 'created'],
      ['NEW-2', 'created'],
      ['OLD-CHANGED', 'updated'],
      ['OLD-SAME', 'unchanged'],
    ]);
    expect(results.get('NEW-1')!.debtor.name).toBe('Eerste');
    expect(results.get('NEW-2')!.debtor).toMatchObject({ kind: 'consumer', createdAt: clock.now() });
    expect(results.get('OLD-CHANGED')!.debtor.city).toBe('Amersfoort');

    expect(await debtorsOf(org)).toHaveLength(4);
    expect(await auditOf(org, 'debtor.created')).toHaveLength(4);
    expect(await auditOf(org, 'debtor.updated')).toHaveLength(1);
  });

  it('names an incomplete new debtor by its index, and the transaction writes nothing', async () => {
    const { org, ctx } = await world();
    const failure = await intakeRefusal(
      inTx((tx) =>
        upsertDebtors(tx, ctx, [
          { externalRef: 'A', patch: full() },
          { externalRef: 'B', patch: full() },
          { externalRef: 'C', patch: { kind: 'consumer', email: 'c@example.nl' } },
        ]),
      ),
    );
    expect(failure).toEqual({ index: 2, kind: 'invalid', code: 'debtor_incomplete', path: 'name' });
    expect(await debtorsOf(org)).toHaveLength(0);
    expect(await auditOf(org)).toHaveLength(0);
  });

  it('checks every item for control characters before writing any', async () => {
    const { org, ctx } = await world();
    expect(
      await intakeRefusal(
        inTx((tx) =>
          upsertDebtors(tx, ctx, [
            { externalRef: 'A', patch: full() },
            { externalRef: 'B', patch: full({ email: 'b\u0000@example.nl' }) },
          ]),
        ),
      ),
    ).toEqual({ kind: 'invalid', code: 'control_characters', path: 'email' });
    expect(await debtorsOf(org)).toHaveLength(0);
  });

  it('writes the same debtors as one upsertDebtor per item would', async () => {
    const one = await world();
    const bulk = await world();
    const items = [
      { externalRef: 'P-1', patch: full() },
      { externalRef: 'P-2', patch: full({ kind: 'consumer', name: 'Jan', email: 'jan@example.nl', locale: 'en' }) },
    ];
    await inTx(async (tx) => {
      for (const item of items) await upsertDebtor(tx, one.ctx, item.externalRef, item.patch);
    });
    await inTx((tx) => upsertDebtors(tx, bulk.ctx, items));
    const shape = (rows: Awaited<ReturnType<typeof debtorsOf>>) =>
      rows.map((d) => [d.externalRef, d.kind, d.name, d.email, d.locale, d.country, d.city, d.createdAt.toISOString()]);
    expect(shape(await debtorsOf(bulk.org))).toEqual(shape(await debtorsOf(one.org)));
  });
});
