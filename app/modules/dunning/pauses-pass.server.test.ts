import { describe, expect, it } from 'vitest';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { communicationsOf, invoiceById, sendQueued } from '~test/factories-dunning';
import { amsterdamDate, amsterdamInstant, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { runDunningPass } from './pass.server';
import { liftPauses, pauseInvoices, type PauseReason } from './pauses.server';

const REASONS: PauseReason[] = ['payment_pending', 'payment_plan', 'promise_to_pay', 'dispute', 'manual'];

/** Daily passes at 09:00 from `from` up to and including `to`; the days a message went out. */
async function passDaily(clock: ReturnType<typeof fixedClock>, organizationId: string, from: string, to: string) {
  const days: string[] = [];
  for (let day = from; day <= to; day = amsterdamDate(new Date(amsterdamInstant(day, 12).getTime() + 86_400_000))) {
    clock.set(amsterdamInstant(day, 9));
    const result = await runDunningPass({ clock, organizationId });
    await sendQueued(clock, organizationId);
    for (const [template, n] of Object.entries(result.messagesByTemplate))
      days.push(`${day} ${template}${n > 1 ? ` x${n}` : ''}`);
  }
  return days;
}

describe('every pause reason stops the sequence and resuming restarts it', () => {
  it.each(REASONS)('%s', async (reason) => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01', dunningStage: 1 }); // friendly done, second due 11-22
    await createInvoice(org, debtor, { dueDate: '2026-11-01', dunningStage: 1 }); // not paused: goes on alone
    const clock = fixedClock('2026-11-10T10:00:00Z');
    const sourceId = crypto.randomUUID();
    await pauseInvoices(
      getDb(),
      { organizationId: org.id, invoiceIds: [invoice.id], reason, sourceId, actor: { type: 'debtor', id: debtor.id } },
      { clock },
    );

    // While paused: the other invoice goes on alone, the paused one gets nothing.
    expect(await passDaily(clock, org.id, '2026-11-10', '2026-12-09')).toEqual([
      '2026-11-22 second_reminder',
      '2026-12-06 final_notice',
    ]);
    const comms = await communicationsOf(debtor.id);
    expect(comms.every((c) => !c.invoiceIds.includes(invoice.id))).toBe(true);
    expect((await invoiceById(invoice.id)).dunningStage).toBe(1);

    // The reason goes away on 10 December at 11:00: one reminder at once, the next a full gap later.
    clock.set('2026-12-10T10:00:00Z');
    const lifted = await liftPauses(
      getDb(),
      { organizationId: org.id, sourceId, liftedReason: `${reason}_ended`, actor: { type: 'system' } },
      { clock },
    );
    expect(lifted.resumed).toEqual([invoice.id]);
    clock.set('2026-12-10T11:00:00Z');
    const resumed = await runDunningPass({ clock, organizationId: org.id });
    expect(resumed.messagesByTemplate).toEqual({ second_reminder: 1 });
    expect((await invoiceById(invoice.id)).nextActionAt?.toISOString()).toBe('2026-12-24T08:00:00.000Z');
    await sendQueued(clock, org.id);
    const later = await passDaily(clock, org.id, '2026-12-11', '2026-12-24');
    // the other invoice's hand-over waits for its term (sent 12-06, owed from 12-22 ... +56 = 12-27); ours: final notice on 24 Dec
    expect(later).toEqual(['2026-12-24 final_notice']);
  });

  it('a promise whose date passes without a lift resumes by itself, with one reminder', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01', dunningStage: 1 });
    const clock = fixedClock('2026-11-10T10:00:00Z');
    await pauseInvoices(
      getDb(),
      {
        organizationId: org.id,
        invoiceIds: [invoice.id],
        reason: 'promise_to_pay',
        until: new Date('2026-11-29T23:00:00Z'), // the promised day, 30 November, has begun
        actor: { type: 'debtor', id: debtor.id },
      },
      { clock },
    );
    expect(await passDaily(clock, org.id, '2026-11-10', '2026-12-20')).toEqual([
      '2026-11-30 second_reminder',
      '2026-12-14 final_notice',
    ]);
  });

  it('an invoice under two pauses resumes only when both have ended', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const clock = fixedClock('2026-11-05T10:00:00Z');
    const plan = crypto.randomUUID();
    const dispute = crypto.randomUUID();
    for (const [reason, sourceId] of [
      ['payment_plan', plan],
      ['dispute', dispute],
    ] as const) {
      await pauseInvoices(
        getDb(),
        { organizationId: org.id, invoiceIds: [invoice.id], reason, sourceId, actor: { type: 'system' } },
        { clock },
      );
    }
    clock.set('2026-11-20T10:00:00Z');
    await liftPauses(
      getDb(),
      { organizationId: org.id, sourceId: dispute, liftedReason: 'dispute_rejected', actor: { type: 'system' } },
      { clock },
    );
    expect(await passDaily(clock, org.id, '2026-11-20', '2026-11-30')).toEqual([]);
    clock.set('2026-12-01T13:00:00Z');
    await liftPauses(
      getDb(),
      { organizationId: org.id, sourceId: plan, liftedReason: 'plan_defaulted', actor: { type: 'system' } },
      { clock },
    );
    clock.set('2026-12-01T14:00:00Z');
    const result = await runDunningPass({ clock, organizationId: org.id });
    expect(result.messagesByTemplate).toEqual({ friendly_reminder: 1 });
  });
});
