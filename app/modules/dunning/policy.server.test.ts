import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, organizations, type DunningPolicy } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { invoiceById } from '~test/factories-dunning';
import { amsterdamInstant, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { DEFAULT_DUNNING_POLICY } from './default-policy';
import { runDunningPass } from './pass.server';
import { applyPolicyChange, replan } from './policy.server';

const slower: DunningPolicy = {
  consumer: [
    { key: 'friendly', offsetDays: 10, template: 'friendly_reminder', addsCosts: false },
    { key: 'second', offsetDays: 31, template: 'second_reminder', addsCosts: false },
    { key: 'final', offsetDays: 45, template: 'final_notice', addsCosts: true },
    { key: 'collection', offsetDays: 70, template: 'collection_handover', addsCosts: false },
  ],
  business: DEFAULT_DUNNING_POLICY.business,
};

describe('applyPolicyChange', () => {
  it('refuses an invalid policy with field-named problems and changes nothing', async () => {
    const org = await createOrganization();
    const result = await applyPolicyChange(getDb(), org.id, {
      consumer: [],
      business: [{ key: 'x', offsetDays: -1, template: 'nope', addsCosts: false }],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.field)).toEqual([
      'consumer',
      'business[0].template',
      'business[0].offsetDays',
    ]);
    const [after] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(after.dunningPolicy).toEqual(DEFAULT_DUNNING_POLICY);
  });

  it('re-plans invoices in flight from their next step, never sooner than the new gap after their last step', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const onTime = await createInvoice(org, debtor, { dueDate: '2026-11-01', dunningStage: 1 }); // friendly sent 11-08
    const resumed = await createInvoice(org, debtor, {
      dueDate: '2026-11-01',
      dunningStage: 1,
      nextActionAt: new Date('2026-11-20T13:00:00Z'), // after a pause: the second reminder on the resume day
    });
    const notDue = await createInvoice(org, debtor, { dueDate: '2026-12-01' });
    const done = await createInvoice(org, debtor, { dueDate: '2026-08-01', dunningStage: 4, nextActionAt: null });
    const paid = await createInvoice(org, debtor, { dueDate: '2026-11-01', status: 'paid', openCents: 0 });

    const clock = fixedClock('2026-11-12T10:00:00Z');
    const staff = { type: 'staff' as const, id: crypto.randomUUID() };
    const result = await applyPolicyChange(getDb(), org.id, slower, { clock, actor: staff });
    expect(result).toEqual({ ok: true, policy: slower, rescheduled: 3 });

    // second now at +31: 2 December
    expect((await invoiceById(onTime.id)).nextActionAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    // its last step is taken as 20 Nov - 14 days = 6 Nov (never later than the truth): + the new gap of 21 days = 27 Nov,
    // but the new offset from the due date (2 Dec) is later still
    expect((await invoiceById(resumed.id)).nextActionAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect((await invoiceById(notDue.id)).nextActionAt?.toISOString()).toBe('2026-12-11T08:00:00.000Z');
    expect((await invoiceById(done.id)).nextActionAt).toBeNull();
    expect((await invoiceById(paid.id)).nextActionAt).toEqual(paid.nextActionAt);

    const [event] = await getDb().select().from(auditEvents).where(eq(auditEvents.entityId, org.id));
    expect(event).toMatchObject({ action: 'dunning.policy_changed', actorType: 'staff', actorId: staff.id });

    // The next pass follows the new plan: nothing on 22 November (the old date), the second reminder on 2 December.
    expect(
      (await runDunningPass({ clock: fixedClock(amsterdamInstant('2026-11-22', 9)), organizationId: org.id })).messages,
    ).toBe(0);
    const pass = await runDunningPass({ clock: fixedClock(amsterdamInstant('2026-12-02', 9)), organizationId: org.id });
    expect(pass.messagesByTemplate).toEqual({ second_reminder: 1 });
  });
});

describe('replan', () => {
  const consumer = DEFAULT_DUNNING_POLICY.consumer;

  it('keeps the gap after a late last step', () => {
    // second reminder sent late on 1 Dec (old next: final notice on 15 Dec = 1 Dec + 14); new final notice 7 days after the second
    const tight = consumer.map((s) =>
      s.key === 'final' ? { ...s, offsetDays: 28 } : s.key === 'collection' ? { ...s, offsetDays: 49 } : s,
    );
    const next = replan(
      consumer,
      tight,
      { kind: 'consumer', dueDate: '2026-11-01', stage: 2, nextActionAt: amsterdamInstant('2026-12-15', 9) },
      '2026-12-05',
    );
    expect(next?.toISOString()).toBe(amsterdamInstant('2026-12-08', 9).toISOString());
  });

  it('ends the sequence (after the usual grace) when the new policy has no step left', () => {
    const short = consumer.slice(0, 2);
    const next = replan(
      consumer,
      short,
      { kind: 'consumer', dueDate: '2026-11-01', stage: 2, nextActionAt: amsterdamInstant('2026-12-06', 9) },
      '2026-11-25',
    );
    expect(next?.toISOString()).toBe(amsterdamInstant('2026-12-09', 9).toISOString());
  });
});
