/**
 * What the portal says the engine will do is what the engine then does. For a set of invoice
 * situations (reached by running the engine itself: letters sent, delivered, bounced, late or
 * stuck in the queue; hand-overs near weekends and holidays; consumers and businesses), the
 * portal's "Wat gebeurt er nu?" is read, then the engine is run day by day: the step must come
 * on exactly the predicted day, with the predicted template, costs and interest, and not before.
 */
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, invoices, type DunningStage, type Invoice } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { formRequest } from '~test/http';
import { openPortal } from '~test/portal-session';
import { addDays, amsterdamDate, amsterdamInstant, fixedClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { sendCommunication } from '~/modules/mail/outbox.server';
import { getPortalOverview } from '~/modules/portal/portal.server';
import { getDebtorSession } from '~/modules/links/session.server';
import { DEFAULT_DUNNING_POLICY } from './default-policy';
import { runDunningPass } from './pass.server';
import { nextActionFor } from './schedule';
import './dunning.task.server';

type LetterFate = 'delivered' | 'bounced' | 'queued' | 'late';

type Situation = {
  kind: 'consumer' | 'business';
  stages?: DunningStage[];
  amounts: number[];
  dueDate: string;
  /** Steps already done when the invoices are created (the engine plans the next one from the due date). */
  stage: number;
  /** The engine runs daily up to and including this day; the portal is read at 10:00 that day. */
  until: string;
  letter?: LetterFate;
};

const db = () => getDb();
const at = (day: string, hour = 9) => amsterdamInstant(day, hour);

/** The worker's sending, with the letter's fate played out: delivered, bounced, left in the queue, or delivered late. */
async function send(organizationId: string, clock: Clock, letter: LetterFate | undefined) {
  const queued = await db()
    .select()
    .from(communications)
    .where(and(eq(communications.organizationId, organizationId), eq(communications.status, 'queued')))
    .orderBy(asc(communications.createdAt));
  for (const comm of queued) {
    const isLetter = comm.template === 'final_notice';
    if (isLetter && letter === 'queued') continue;
    await sendCommunication(comm.id, { clock });
    if (!isLetter) continue;
    if (letter === 'bounced') {
      await db().update(communications).set({ status: 'bounced' }).where(eq(communications.id, comm.id));
    } else if (letter === 'late') {
      const deliveredAt = at(addDays(amsterdamDate(clock.now()), 10), 14);
      await db().update(communications).set({ status: 'delivered', deliveredAt }).where(eq(communications.id, comm.id));
    }
  }
}

async function day(organizationId: string, clock: Clock, letter: LetterFate | undefined) {
  await runDunningPass({ clock, organizationId });
  await send(organizationId, clock, letter);
}

async function stepsOf(invoiceId: string) {
  return db()
    .select({ data: auditEvents.data, at: auditEvents.createdAt })
    .from(auditEvents)
    .where(and(eq(auditEvents.invoiceId, invoiceId), eq(auditEvents.action, 'dunning.step')))
    .orderBy(asc(auditEvents.createdAt));
}

async function invoiceRow(id: string): Promise<Invoice> {
  const [row] = await db().select().from(invoices).where(eq(invoices.id, id));
  return row;
}

async function checkPrediction(situation: Situation) {
  const stages = situation.stages ?? DEFAULT_DUNNING_POLICY[situation.kind];
  const org = await createOrganization({
    dunningPolicy: { ...DEFAULT_DUNNING_POLICY, [situation.kind]: stages },
  });
  const debtor = await createDebtor(org, { kind: situation.kind });
  const rows: Invoice[] = [];
  for (const amount of situation.amounts) {
    rows.push(
      await createInvoice(org, debtor, {
        dueDate: situation.dueDate,
        totalCents: amount,
        dunningStage: situation.stage,
        nextActionAt: nextActionFor(stages, situation.dueDate, situation.stage),
      }),
    );
  }
  // The engine brings the invoices where the situation says, as it would in production.
  const clock = fixedClock(at(amsterdamDate(rows[0].nextActionAt!)));
  while (amsterdamDate(clock.now()) <= situation.until) {
    await day(org.id, clock, situation.letter);
    clock.advanceDays(1);
  }

  // What the portal says, at 10:00 on the last day.
  const now = at(situation.until, 10);
  const { cookie } = await openPortal(debtor);
  const session = (await getDebtorSession(formRequest('/portal', {}, { cookie })))!;
  const overview = await getPortalOverview(session, { clock: fixedClock(now) });
  const said = new Map(overview.invoices.map((i) => [i.id, i.next]));
  const before = new Map(await Promise.all(rows.map(async (r) => [r.id, await invoiceRow(r.id)] as const)));
  const stepsBefore = new Map(await Promise.all(rows.map(async (r) => [r.id, (await stepsOf(r.id)).length] as const)));
  if (situation.letter === 'queued') {
    // The prediction takes a letter stuck in the queue to go out today: let it.
    await send(org.id, fixedClock(now), 'delivered');
  }

  const predictions = rows.map((r) => {
    const next = said.get(r.id)!;
    if (next.kind !== 'reminder') throw new Error(`expected a reminder for ${r.number}, the portal says ${next.kind}`);
    return { invoice: r, next, day: amsterdamDate(next.at!) };
  });
  const lastDay = predictions
    .map((p) => p.day)
    .sort()
    .at(-1)!;

  // The engine, day by day: nothing before the predicted day, the predicted step on it.
  const run = fixedClock(at(addDays(situation.until, 1)));
  while (amsterdamDate(run.now()) <= lastDay) {
    const today = amsterdamDate(run.now());
    await day(org.id, run, undefined);
    for (const p of predictions) {
      const steps = await stepsOf(p.invoice.id);
      const took = steps.length > stepsBefore.get(p.invoice.id)!;
      if (today < p.day) {
        expect(took, `${p.invoice.number} stepped on ${today}, before the predicted ${p.day}`).toBe(false);
        continue;
      }
      if (today > p.day) continue;
      expect(took, `${p.invoice.number}: no step on the predicted ${p.day}`).toBe(true);
      const step = steps.at(-1)!.data as { template: string; communicationId: string };
      expect(step.template).toBe(p.next.template);
      const was = before.get(p.invoice.id)!;
      const now = await invoiceRow(p.invoice.id);
      expect(now.interestCents - was.interestCents).toBe(p.next.interestCents);
      if (p.next.template === 'final_notice' && p.next.graceDays !== null) {
        // The fourteen-day letter announces the costs (its share for this invoice); nothing is added yet.
        const [letter] = await db().select().from(communications).where(eq(communications.id, step.communicationId));
        const items = (letter.props as { dunning: { items: { invoiceId: string; announcedCostsCents: number }[] } })
          .dunning.items;
        expect(items.find((i) => i.invoiceId === p.invoice.id)?.announcedCostsCents).toBe(p.next.costsCents);
        expect(now.costsCents).toBe(was.costsCents);
      } else {
        expect(now.costsCents - was.costsCents).toBe(p.next.costsCents);
      }
    }
    run.advanceDays(1);
  }
  return predictions.map((p) => ({ template: p.next.template, day: p.day, costsCents: p.next.costsCents }));
}

describe('the portal predicts what the dunning pass then does', () => {
  it('consumer: the friendly reminder, on its day, without costs', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [50_000],
      dueDate: '2026-11-02',
      stage: 0,
      until: '2026-11-05',
    });
    expect(result).toEqual([{ template: 'friendly_reminder', day: '2026-11-09', costsCents: 0 }]);
  });

  it('consumer: two invoices in one fourteen-day letter share the staffel on their sum', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [30_000, 10_000],
      dueDate: '2026-11-02',
      stage: 2,
      until: '2026-12-01',
    });
    expect(result).toEqual([
      { template: 'final_notice', day: '2026-12-07', costsCents: 4_500 },
      { template: 'final_notice', day: '2026-12-07', costsCents: 1_500 },
    ]);
  });

  it('consumer: after a delivered letter the hand-over adds its costs, on a business day', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [50_000],
      dueDate: '2026-11-02',
      stage: 2,
      until: '2026-12-10',
      letter: 'delivered',
    });
    expect(result).toEqual([{ template: 'collection_handover', day: '2026-12-28', costsCents: 7_500 }]);
  }, 60_000);

  it('consumer: the letter bounced, so the hand-over adds nothing (the walk’s € 244,91 that never came)', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [163_273],
      dueDate: '2026-11-02',
      stage: 2,
      until: '2026-12-10',
      letter: 'bounced',
    });
    expect(result).toEqual([{ template: 'collection_handover', day: '2026-12-28', costsCents: 0 }]);
  }, 60_000);

  it('consumer: a late delivery moves the hand-over past the term', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [20_000],
      dueDate: '2026-11-02',
      stage: 2,
      until: '2026-12-20',
      letter: 'late',
    });
    // sent 7 Dec, delivered 17 Dec: the term runs to 31 Dec, costs from Friday 1 January: Nieuwjaarsdag,
    // then the weekend: Monday 4 January
    expect(result).toEqual([{ template: 'collection_handover', day: '2027-01-04', costsCents: 4_000 }]);
  }, 60_000);

  it('consumer: a letter stuck in the queue; once it goes out the term runs from then', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [50_000],
      dueDate: '2026-11-02',
      stage: 2,
      until: '2026-12-29',
      letter: 'queued',
    });
    // sent 29 Dec: delivered the 30th, term to 13 January, owed from the 14th (a Thursday)
    expect(result).toEqual([{ template: 'collection_handover', day: '2027-01-14', costsCents: 7_500 }]);
  }, 60_000);

  it('consumer: a hand-over due on Koningsdag comes the day after', async () => {
    const result = await checkPrediction({
      kind: 'consumer',
      amounts: [50_000],
      dueDate: '2027-03-02',
      stage: 2,
      until: '2027-04-10',
      letter: 'delivered',
    });
    expect(result).toEqual([{ template: 'collection_handover', day: '2027-04-28', costsCents: 7_500 }]);
  }, 60_000);

  it('business: the final notice claims EUR 40+ and commercial interest up to its day', async () => {
    const result = await checkPrediction({
      kind: 'business',
      amounts: [100_000, 10_000],
      dueDate: '2025-03-03',
      stage: 2,
      until: '2025-03-30',
    });
    expect(result.map((r) => [r.template, r.day, r.costsCents])).toEqual([
      ['final_notice', '2025-04-07', 15_000],
      ['final_notice', '2025-04-07', 4_000],
    ]);
  });

  it('a reminder after the letter carries its costs; the hand-over after that adds none (once per letter)', async () => {
    const stages: DunningStage[] = [
      { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
      { key: 'final', offsetDays: 21, template: 'final_notice', addsCosts: true },
      { key: 'second', offsetDays: 40, template: 'second_reminder', addsCosts: false },
      { key: 'collection', offsetDays: 60, template: 'collection_handover', addsCosts: false },
    ];
    const first = await checkPrediction({
      kind: 'consumer',
      stages,
      amounts: [50_000],
      dueDate: '2026-11-02',
      stage: 1,
      until: '2026-11-30',
      letter: 'delivered',
    });
    expect(first).toEqual([{ template: 'second_reminder', day: '2026-12-12', costsCents: 7_500 }]);
    const second = await checkPrediction({
      kind: 'consumer',
      stages,
      amounts: [50_000],
      dueDate: '2026-11-02',
      stage: 1,
      until: '2026-12-15',
      letter: 'delivered',
    });
    expect(second).toEqual([{ template: 'collection_handover', day: '2027-01-04', costsCents: 0 }]);
  }, 60_000);
});
