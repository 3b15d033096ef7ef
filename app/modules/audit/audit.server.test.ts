import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { auditEvents, type Organization } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { audit, prepareAudit, type AuditAction, type AuditInput } from './audit.server';

const clock = fixedClock('2026-11-18T10:15:00.000Z');

const eventsOf = (org: Pick<Organization, 'id'>) =>
  getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id)).orderBy(asc(auditEvents.id));

const event = (org: Pick<Organization, 'id'>, overrides: Partial<AuditInput> = {}): AuditInput => ({
  organizationId: org.id,
  actor: { type: 'system' },
  action: 'dunning.step',
  entityType: 'invoice',
  entityId: 'entity-1',
  ...overrides,
});

describe('audit()', () => {
  it('writes every field of an event: actor, typed action, entity, debtor, invoice, data, and `at` as its time', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    const at = clock.now();

    await getDb().transaction((tx) =>
      audit(tx, {
        organizationId: org.id,
        actor: { type: 'staff', id: 'staff-7' },
        action: 'invoice.written_off',
        entityType: 'invoice',
        entityId: invoice.id,
        debtorId: debtor.id,
        invoiceId: invoice.id,
        data: { amountCents: 12_100, reason: 'uncollectable', nested: { lines: [1, 2] } },
        at,
      }),
    );

    const rows = await eventsOf(org);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      organizationId: org.id,
      actorType: 'staff',
      actorId: 'staff-7',
      action: 'invoice.written_off',
      entityType: 'invoice',
      entityId: invoice.id,
      debtorId: debtor.id,
      invoiceId: invoice.id,
      data: { amountCents: 12_100, reason: 'uncollectable', nested: { lines: [1, 2] } },
    });
    expect(rows[0].createdAt.toISOString()).toBe('2026-11-18T10:15:00.000Z');
  });

  it('leaves out what is not given: no actor id for the system, no debtor, invoice or data', async () => {
    const org = await createOrganization();
    await getDb().transaction((tx) => audit(tx, event(org, { at: clock.now() })));

    const [row] = await eventsOf(org);
    expect(row).toMatchObject({ actorType: 'system', actorId: null, debtorId: null, invoiceId: null, data: null });
  });

  it('keeps each kind of actor', async () => {
    const org = await createOrganization();
    const actors = [
      { type: 'debtor', id: 'd-1' },
      { type: 'staff', id: 's-1' },
      { type: 'system', id: 'dunning-pass' },
      { type: 'provider', id: 'mollie' },
      { type: 'api', id: 'key-1' },
    ] as const;
    await getDb().transaction((tx) => audit(tx, ...actors.map((actor) => event(org, { actor, at: clock.now() }))));

    expect((await eventsOf(org)).map((row) => [row.actorType, row.actorId])).toEqual(
      actors.map((actor) => [actor.type, actor.id]),
    );
  });

  it('writes several events at once, in the order given (ascending ids), each with its own time', async () => {
    const org = await createOrganization();
    const times = [clock.now(), new Date('2026-11-17T08:00:00.000Z'), new Date('2026-11-19T23:59:59.999Z')];
    const actions: AuditAction[] = ['payment.started', 'payment.paid', 'invoice.paid'];
    await getDb().transaction((tx) =>
      audit(tx, ...actions.map((action, i) => event(org, { action, entityId: `e-${i}`, at: times[i] }))),
    );

    const rows = await eventsOf(org);
    expect(rows.map((row) => row.action)).toEqual(actions);
    expect(rows.map((row) => row.entityId)).toEqual(['e-0', 'e-1', 'e-2']);
    expect(rows.map((row) => row.createdAt.toISOString())).toEqual(times.map((t) => t.toISOString()));
    expect(rows[0].id).toBeLessThan(rows[1].id);
    expect(rows[1].id).toBeLessThan(rows[2].id);
  });

  it('writes thousands of events in one call, none lost, order kept', async () => {
    const org = await createOrganization();
    const n = 2_500;
    await getDb().transaction((tx) =>
      audit(
        tx,
        ...Array.from({ length: n }, (_, i) =>
          event(org, { action: 'bank_entry.matched', entityId: `line-${i}`, data: { i }, at: clock.now() }),
        ),
      ),
    );

    const rows = await eventsOf(org);
    expect(rows).toHaveLength(n);
    expect(rows.map((row) => row.entityId)).toEqual(Array.from({ length: n }, (_, i) => `line-${i}`));
    expect(rows[n - 1].data).toEqual({ i: n - 1 });
  });

  it("gives an event without `at` the transaction's time, the same for every event of it", async () => {
    const org = await createOrganization();
    const txNow = await getDb().transaction(async (tx) => {
      await audit(tx, event(org, { entityId: 'first' }));
      await audit(tx, event(org, { entityId: 'second' }), event(org, { entityId: 'third' }));
      const [row] = await tx.execute<{ now: string }>(sql`select now()::text as now`);
      return row.now;
    });

    const rows = await eventsOf(org);
    expect(rows).toHaveLength(3);
    const [expected] = await getDb().execute<{ at: Date | string }>(sql`select ${txNow}::timestamptz as at`);
    for (const row of rows) expect(row.createdAt.getTime()).toBe(new Date(expected.at).getTime());
  });

  it("writes in the caller's transaction: unseen outside until it commits, gone when it rolls back", async () => {
    const org = await createOrganization();
    let seenInside = -1;
    let seenOutside = -1;
    await getDb().transaction(async (tx) => {
      await audit(tx, event(org, { at: clock.now() }), event(org, { at: clock.now() }));
      seenInside = (await tx.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).length;
      seenOutside = (await eventsOf(org)).length;
    });
    expect(seenInside).toBe(2);
    expect(seenOutside).toBe(0);
    expect(await eventsOf(org)).toHaveLength(2);

    const rolledBack = new Error('the change failed');
    await expect(
      getDb().transaction(async (tx) => {
        await audit(tx, event(org, { action: 'invoice.updated', at: clock.now() }));
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect((await eventsOf(org)).map((row) => row.action)).toEqual(['dunning.step', 'dunning.step']);
  });

  it('writes nothing for no events, or prepared events of none', async () => {
    const org = await createOrganization();
    await getDb().transaction(async (tx) => {
      await audit(tx);
      await audit(tx, prepareAudit());
    });
    expect(await eventsOf(org)).toHaveLength(0);
  });

  it('takes events prepared ahead (prepareAudit) and writes them only when audit() is called, in order', async () => {
    const org = await createOrganization();
    const first = prepareAudit(
      event(org, { action: 'bank_statement.imported', entityId: 'a', at: clock.now() }),
      event(org, { action: 'bank_entry.matched', entityId: 'b', at: clock.now() }),
    );
    const second = prepareAudit(event(org, { action: 'bank_entry.ignored', entityId: 'c', at: clock.now() }));
    expect(first).toMatchObject({ kind: 'prepared-audit', count: 2 });
    expect(second.count).toBe(1);
    expect(await eventsOf(org)).toHaveLength(0);

    await getDb().transaction((tx) => audit(tx, first, second));
    expect((await eventsOf(org)).map((row) => [row.action, row.entityId])).toEqual([
      ['bank_statement.imported', 'a'],
      ['bank_entry.matched', 'b'],
      ['bank_entry.ignored', 'c'],
    ]);
  });

  it('refuses a mix of events and prepared events, and writes none of them', async () => {
    const org = await createOrganization();
    const prepared = prepareAudit(event(org, { at: clock.now() }));
    await expect(getDb().transaction((tx) => audit(tx, event(org, { at: clock.now() }), prepared))).rejects.toThrow(
      'audit: pass events or prepared events, not both',
    );
    expect(await eventsOf(org)).toHaveLength(0);
  });

  it('refuses an event for an organization that does not exist, and the whole call with it', async () => {
    const org = await createOrganization();
    await expect(
      getDb().transaction((tx) =>
        audit(
          tx,
          event(org, { at: clock.now() }),
          event({ id: '00000000-0000-4000-8000-000000000000' }, { at: clock.now() }),
        ),
      ),
    ).rejects.toThrow();
    expect(await eventsOf(org)).toHaveLength(0);
  });

  it('takes only the actions of the typed list (checked by tsc)', () => {
    expectTypeOf<'invoice.paid'>().toExtend<AuditAction>();
    expectTypeOf<'dunning.step'>().toExtend<AuditAction>();
    expectTypeOf<'invoice.eaten'>().not.toExtend<AuditAction>();
    expectTypeOf<string>().not.toExtend<AuditAction>();
    expectTypeOf<AuditInput['action']>().toEqualTypeOf<AuditAction>();
    // @ts-expect-error an action outside the list does not compile
    const unknown: AuditInput = { ...event({ id: 'org' }), action: 'invoice.eaten' };
    void unknown;
  });
});
