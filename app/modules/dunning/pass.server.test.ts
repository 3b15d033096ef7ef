import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, invoices, organizations, portalLinks } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { communicationsOf, invoiceById, linkTokenIn, sendJobsFor, sendQueued } from '~test/factories-dunning';
import { cookieFrom, getRequest, routeArgs } from '~test/http';
import { loader as landing } from '~/routes/l.$token';
import { loader as portalInvoice } from '~/routes/portal.invoices.$id';
import { addDays, amsterdamDate, amsterdamInstant, fixedClock, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { redeemLinkToken } from '~/modules/links/links.server';
import { bikCosts } from './collection-costs';
import { runDunningPass } from './pass.server';
import { nextActionFor, SEND_HOUR } from './schedule';

/** Runs the engine day by day at 09:00 Amsterdam, sending what each pass queued; returns the messages per day. */
async function simulate(organizationId: string, debtorId: string, from: string, days: number) {
  const clock = fixedClock(amsterdamInstant(from, 9));
  const log: string[] = [];
  let seen = 0;
  for (let d = 0; d < days; d++) {
    await runDunningPass({ clock, organizationId });
    await sendQueued(clock, organizationId);
    const comms = await communicationsOf(debtorId);
    for (const c of comms.slice(seen)) {
      const numbers = (c.props as { invoices: { number: string }[] }).invoices.map((i) => i.number).join('+');
      log.push(`${amsterdamDate(clock.now())} ${c.template} ${numbers} ${c.status}`);
    }
    seen = comms.length;
    clock.advanceDays(1);
  }
  return log;
}

describe('dunning pass: a consumer over simulated weeks', () => {
  it('sends friendly, second, final notice and hand-over on schedule, one email per debtor and stage', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { kind: 'consumer', name: 'Sanne de Vries' });
    await createInvoice(org, debtor, { number: 'A', dueDate: '2026-11-01', totalCents: 48_400 });
    await createInvoice(org, debtor, { number: 'B', dueDate: '2026-11-01', totalCents: 12_100 });
    await createInvoice(org, debtor, { number: 'C', dueDate: '2026-11-15', totalCents: 30_000 });

    const log = await simulate(org.id, debtor.id, '2026-11-01', 80);
    expect(log).toEqual([
      '2026-11-08 friendly_reminder A+B sent',
      '2026-11-22 friendly_reminder C sent',
      '2026-11-22 second_reminder A+B sent',
      '2026-12-06 final_notice A+B sent',
      '2026-12-06 second_reminder C sent',
      '2026-12-20 final_notice C sent',
      // +56 days is Sunday 27 December: a hand-over waits for the next business day, Monday the 28th
      // (the 14-day term after the notice of 6 December, delivered the 7th, ended on the 21st)
      '2026-12-28 collection_handover A+B sent',
      // +56 days is Sunday 10 January: Monday the 11th
      '2027-01-11 collection_handover C sent',
    ]);

    const [a, b, c] = await getDb()
      .select()
      .from(invoices)
      .where(eq(invoices.debtorId, debtor.id))
      .orderBy(invoices.number);
    // One 14-day letter for A+B: the staffel once on 605.00 = 90.75, split 80/20 over the two.
    expect(bikCosts(60_500)).toBe(9_075);
    expect([a.costsCents, b.costsCents, c.costsCents]).toEqual([7_260, 1_815, 4_500]);
    expect([a.interestCents, b.interestCents]).toEqual([0, 0]);
    expect([a.dunningStage, c.dunningStage]).toEqual([4, 4]);
    expect(a.nextActionAt).toBeNull();
    expect(a.finalNoticeAt?.toISOString()).toBe('2026-12-06T08:00:00.000Z');
    expect(a.collectionAt?.toISOString()).toBe('2026-12-28T08:00:00.000Z');
    const [flagged] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(flagged.flaggedReason).toBe('collection_handover');

    const comms = await communicationsOf(debtor.id);
    const letter = comms.find((m) => m.template === 'final_notice' && m.invoiceIds.length === 2)!;
    expect(letter.html).toContain('€\u00a090,75');
    expect(letter.textBody).toContain('binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd');
    const handover = comms.find((m) => m.template === 'collection_handover' && m.invoiceIds.length === 2)!;
    // principal, costs and the total as separate lines
    expect(handover.textBody).toMatch(/605,00[\s\S]*90,75[\s\S]*695,75/);
    const steps = await getDb()
      .select({ data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.invoiceId, a.id), eq(auditEvents.action, 'dunning.step')));
    expect(steps.map((s) => s.data?.template)).toEqual([
      'friendly_reminder',
      'second_reminder',
      'final_notice',
      'collection_handover',
    ]);
    expect(steps[3].data).toMatchObject({ costsAddedCents: 7_260, costsOwedFrom: '2026-12-22', collection: true });
  });

  it('waits with the hand-over until the term has run from a late delivery, and adds no costs without a delivered letter', async () => {
    const org = await createOrganization();
    const late = await createDebtor(org);
    const lost = await createDebtor(org);
    const lateInvoice = await createInvoice(org, late, { dueDate: '2026-11-01', totalCents: 50_000, dunningStage: 2 });
    const lostInvoice = await createInvoice(org, lost, { dueDate: '2026-11-01', totalCents: 50_000, dunningStage: 2 });
    const clock = fixedClock('2026-12-06T08:00:00Z');
    await runDunningPass({ clock, organizationId: org.id });
    // The letter to `late` stays queued for days (provider trouble); the letter to `lost` bounces.
    const [lostLetter] = await communicationsOf(lost.id);
    await sendQueued(clock, org.id);
    const [lateLetter] = await communicationsOf(late.id);
    await getDb()
      .update(communications)
      .set({ status: 'queued', sentAt: null })
      .where(eq(communications.id, lateLetter.id));
    await getDb().update(communications).set({ status: 'bounced' }).where(eq(communications.id, lostLetter.id));

    // Day 56 is Sunday 27 December: a hand-over never falls on a weekend or public holiday, so both
    // were planned for Monday the 28th, and a pass on the Sunday does nothing.
    for (const id of [lateInvoice.id, lostInvoice.id]) {
      expect((await invoiceById(id)).nextActionAt?.toISOString()).toBe('2026-12-28T08:00:00.000Z');
    }
    clock.set('2026-12-27T08:00:00Z');
    expect((await runDunningPass({ clock, organizationId: org.id })).steps).toBe(0);

    clock.set('2026-12-28T08:00:00Z');
    const first = await runDunningPass({ clock, organizationId: org.id });
    expect(first.postponed.final_notice_unsent).toBe(1);
    expect((await invoiceById(lateInvoice.id)).nextActionAt?.toISOString()).toBe('2026-12-29T08:00:00.000Z');
    // no delivered letter: handed over, but no costs
    const lostAfter = await invoiceById(lostInvoice.id);
    expect([lostAfter.dunningStage, lostAfter.costsCents, lostAfter.collectionAt !== null]).toEqual([4, 0, true]);

    // The letter finally goes out on the 29th: costs are owed from 29 + 16 = 14 January.
    clock.set('2026-12-29T08:00:00Z');
    await sendQueued(clock, org.id);
    const second = await runDunningPass({ clock, organizationId: org.id });
    expect(second.postponed.term_running).toBe(1);
    expect((await invoiceById(lateInvoice.id)).nextActionAt?.toISOString()).toBe('2027-01-14T08:00:00.000Z');
    clock.set('2027-01-14T08:00:00Z');
    const third = await runDunningPass({ clock, organizationId: org.id });
    expect(third.messagesByTemplate).toEqual({ collection_handover: 1 });
    expect((await invoiceById(lateInvoice.id)).costsCents).toBe(bikCosts(50_000));
  });
});

describe('dunning pass: hand-overs fall on business days', () => {
  it('a hand-over due on Koningsdag (after a pause moved it there) waits for the next business day, then the portal shows it handed over', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2027-02-01', totalCents: 40_000, dunningStage: 3 });
    // As a lifted pause leaves it: due at the sending hour of Tuesday 27 April 2027, Koningsdag.
    await getDb()
      .update(invoices)
      .set({ nextActionAt: amsterdamInstant('2027-04-27', SEND_HOUR) })
      .where(eq(invoices.id, invoice.id));
    const clock = fixedClock(amsterdamInstant('2027-04-27', SEND_HOUR));
    const holiday = await runDunningPass({ clock, organizationId: org.id });
    expect(holiday).toMatchObject({ steps: 0, postponed: { not_business_day: 1 } });
    expect((await invoiceById(invoice.id)).nextActionAt?.toISOString()).toBe('2027-04-28T07:00:00.000Z');

    clock.set(amsterdamInstant('2027-04-28', SEND_HOUR));
    const next = await runDunningPass({ clock, organizationId: org.id });
    expect(next.messagesByTemplate).toEqual({ collection_handover: 1 });
    const after = await invoiceById(invoice.id);
    expect(after.collectionAt?.toISOString()).toBe('2027-04-28T07:00:00.000Z');

    // The debtor's portal: the claim was handed over, on that day.
    await sendQueued(clock, org.id);
    const [handover] = (await communicationsOf(debtor.id)).filter((c) => c.template === 'collection_handover');
    const token = linkTokenIn(handover.html!);
    const landed = (await landing(routeArgs(getRequest(`/l/${token}`), { token }))) as Response;
    const data = (await portalInvoice(
      routeArgs(getRequest(`/portal/invoices/${invoice.id}`, { cookie: cookieFrom(landed) }), { id: invoice.id }),
    )) as { invoice: { next: unknown; stages: unknown[] } };
    expect(data.invoice.stages).toEqual([{ kind: 'handed_over', on: '2027-04-28', agency: null }]);
    expect(data.invoice.next).toEqual({ kind: 'handed_over', on: '2027-04-28', agency: null });
  });
});

describe('dunning pass: a business over simulated weeks', () => {
  it('claims EUR 40+ compensation and commercial interest in the final notice, then asks staff to act', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { kind: 'business', name: 'Bakkerij Jansen B.V.' });
    const invoice = await createInvoice(org, debtor, { number: 'D', dueDate: '2024-12-01', totalCents: 100_000 });
    const small = await createInvoice(org, debtor, { number: 'E', dueDate: '2024-12-01', totalCents: 10_000 });

    const log = await simulate(org.id, debtor.id, '2024-12-01', 52);
    expect(log).toEqual([
      '2024-12-08 friendly_reminder D+E sent',
      '2024-12-22 second_reminder D+E sent',
      '2025-01-05 final_notice D+E sent',
    ]);
    const d = await invoiceById(invoice.id);
    const e = await invoiceById(small.id);
    // D: staffel 150.00; interest 2 Dec - 5 Jan: 30 days at 12.25% (10.07) + 5 days at 11.15% (1.53)
    expect([d.costsCents, d.interestCents]).toEqual([15_000, 1_160]);
    // E: the EUR 40 minimum; interest 1.007 + 0.153 -> 1.01 + 0.15
    expect([e.costsCents, e.interestCents]).toEqual([4_000, 116]);
    const [notice] = (await communicationsOf(debtor.id)).filter((c) => c.template === 'final_notice');
    expect(notice.props).toMatchObject({ totals: { openCents: 110_000, costsCents: 19_000, interestCents: 1_276 } });
    expect(notice.textBody).toMatch(/1\.100,00[\s\S]*190,00[\s\S]*12,76[\s\S]*1\.302,76/);

    // 14 days after the final notice the sequence ends: staff are asked to act, no more email.
    const events = await getDb()
      .select({ action: auditEvents.action, data: auditEvents.data, at: auditEvents.createdAt })
      .from(auditEvents)
      .where(and(eq(auditEvents.invoiceId, invoice.id), eq(auditEvents.entityType, 'invoice')))
      .orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(['dunning.step', 'dunning.step', 'dunning.step', 'dunning.ended']);
    expect(events[2].data).toMatchObject({
      interestFrom: '2024-12-02',
      interestUntil: '2025-01-05',
      endCheckAt: '2025-01-19T08:00:00.000Z',
    });
    expect(events[3].at.toISOString()).toBe('2025-01-19T08:00:00.000Z');
    const [flagged] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(flagged.flaggedReason).toBe('dunning_ended');
    expect(d.nextActionAt).toBeNull();
  });

  it('computes interest across a rate change and the yearly compounding in a late final notice', async () => {
    const org = await createOrganization({
      dunningPolicy: {
        consumer: [{ key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false }],
        business: [
          { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
          { key: 'final', offsetDays: 400, template: 'final_notice', addsCosts: true },
        ],
      },
    });
    const debtor = await createDebtor(org, { kind: 'business' });
    const invoice = await createInvoice(org, debtor, {
      dueDate: '2024-06-01',
      totalCents: 100_000,
      dunningStage: 1,
      nextActionAt: amsterdamInstant('2025-07-06', 9),
    });
    await runDunningPass({ clock: fixedClock(amsterdamInstant('2025-07-06', 9)), organizationId: org.id });
    const after = await invoiceById(invoice.id);
    // 2 Jun-30 Jun 2024 at 12.50% (9.93), 1 Jul-31 Dec at 12.25% (61.75), 1 Jan-1 Jun 2025 at 11.15% (46.43):
    // that year's 118.11 joins the principal; 2-30 Jun 2025 at 11.15% on 1,118.11 (9.91), 1-6 Jul at 10.15% (1.87).
    expect(after.interestCents).toBe(993 + 6_175 + 4_643 + 991 + 187);
    expect(after.costsCents).toBe(15_000);
  });
});

describe('dunning pass: messages', () => {
  it('carries amount, due date and a fresh signed link per message that opens the portal', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { name: 'Daan Jansen' });
    await createInvoice(org, debtor, { number: 'VK-1', dueDate: '2026-11-01', totalCents: 48_400 });
    const clock = fixedClock('2026-11-08T08:00:00Z');
    await runDunningPass({ clock });
    await sendQueued(clock);
    clock.advanceDays(14);
    await runDunningPass({ clock });
    await sendQueued(clock);

    const [friendly, second] = await communicationsOf(debtor.id);
    expect(friendly.status).toBe('sent');
    expect(friendly.subject).toContain('VK-1');
    expect(friendly.html).toContain('€\u00a0484,00');
    expect(friendly.html).toContain('1 november 2026');
    const token = linkTokenIn(friendly.html!);
    expect(linkTokenIn(second.html!)).not.toBe(token);
    const redeemed = await redeemLinkToken(getDb(), token, { clock });
    expect(redeemed).toMatchObject({
      ok: true,
      debtorId: debtor.id,
      organizationId: org.id,
      jti: friendly.linkJti,
      target: '/portal',
    });
    const [link] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, friendly.linkJti!));
    expect(link).toMatchObject({ purpose: 'reminder', communicationId: friendly.id, useCount: 1 });
  });

  it('shows the claimed compensation and interest as separate lines on the portal the link opens', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { kind: 'business' });
    // The link and the portal below read the system clock (as in production), so the pass runs on
    // the system's today, at a fixed hour inside the sending hours: the same at any hour of the day.
    const today = amsterdamDate(systemClock.now());
    const invoice = await createInvoice(org, debtor, {
      dueDate: addDays(today, -35),
      totalCents: 250_000,
      dunningStage: 2,
    });
    const clock = fixedClock(amsterdamInstant(today, SEND_HOUR + 1));
    await runDunningPass({ clock, organizationId: org.id });
    await sendQueued(clock, org.id);
    const [notice] = await communicationsOf(debtor.id);
    expect(notice.template).toBe('final_notice');
    const token = linkTokenIn(notice.html!);
    const landed = (await landing(routeArgs(getRequest(`/l/${token}`), { token }))) as Response;
    expect(landed.status).toBe(303);
    const cookie = cookieFrom(landed);
    const data = (await portalInvoice(
      routeArgs(getRequest(`/portal/invoices/${invoice.id}`, { cookie }), { id: invoice.id }),
    )) as {
      invoice: { costsCents: number; interestCents: number; openCents: number };
    };
    const row = await invoiceById(invoice.id);
    expect(row.costsCents).toBe(37_500); // the staffel on 2,500.00
    expect(row.interestCents).toBeGreaterThan(0);
    expect(data.invoice).toMatchObject({ openCents: 250_000, costsCents: 37_500, interestCents: row.interestCents });
  });

  it('is idempotent: running the same pass again writes nothing twice', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    await createInvoice(org, debtor, { dueDate: '2026-10-18', dunningStage: 1 });
    const clock = fixedClock('2026-11-08T08:00:00Z');
    const first = await runDunningPass({ clock, organizationId: org.id });
    const again = await runDunningPass({ clock, organizationId: org.id });
    expect(first.messages).toBe(2);
    expect([again.messages, again.steps]).toEqual([0, 0]);
    const comms = await communicationsOf(debtor.id);
    expect(comms.map((c) => c.dedupeKey).sort()).toEqual(
      [`dunning:${debtor.id}:friendly:2026-11-08`, `dunning:${debtor.id}:second:2026-11-08`].sort(),
    );
    expect(await sendJobsFor(comms.map((c) => c.id))).toBe(2);
  });

  it('holds reminders to a blocked address and flags the debtor instead of skipping stages', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { emailBlockedAt: new Date('2026-11-01T00:00:00Z') });
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const result = await runDunningPass({ clock: fixedClock('2026-11-08T08:00:00Z'), organizationId: org.id });
    expect(result.postponed.email_blocked).toBe(1);
    expect(await communicationsOf(debtor.id)).toEqual([]);
    const after = await invoiceById(invoice.id);
    expect([after.dunningStage, after.nextActionAt?.toISOString()]).toEqual([0, '2026-11-09T08:00:00.000Z']);
    const [d] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(d.flaggedReason).toBe('email_blocked');
  });

  it('reads the policy at run time: a change applies from the next step on', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01', dunningStage: 1 });
    expect(invoice.nextActionAt).toEqual(nextActionFor(org.dunningPolicy.consumer, '2026-11-01', 1));
    // A shorter consumer flow: the second step is now the final notice.
    await getDb()
      .update(organizations)
      .set({
        dunningPolicy: {
          ...org.dunningPolicy,
          consumer: [
            { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
            { key: 'final', offsetDays: 21, template: 'final_notice', addsCosts: true },
            { key: 'collection', offsetDays: 42, template: 'collection_handover', addsCosts: false },
          ],
        },
      })
      .where(eq(organizations.id, org.id));
    const result = await runDunningPass({ clock: fixedClock('2026-11-22T08:00:00Z'), organizationId: org.id });
    expect(result.messagesByTemplate).toEqual({ final_notice: 1 });
    expect(result.warnings.filter((w) => w.includes('policy'))).toEqual([]);
    // Day 42 is Sunday 13 December: the hand-over is planned for Monday the 14th.
    expect((await invoiceById(invoice.id)).nextActionAt?.toISOString()).toBe('2026-12-14T08:00:00.000Z');
  });
});
