import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, dunningPauses, invoices, portalLinks } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses, pauseInvoices } from '~/modules/dunning/pauses.server';
import {
  clearDebtorFlag,
  getDebtorDetail,
  liftManualHold,
  listDebtors,
  placeManualHold,
  revokeDebtorLinks,
  sendFreshLink,
} from './debtors.server';
import { getInvoiceDetail, listInvoices } from '~/modules/backoffice/invoices.server';
import { describeEvent } from './timeline';

const clock = fixedClock('2026-11-23T10:00:00Z');

describe('debtor list', () => {
  it('searches name, email and external reference, filters, pages, and stays in its organization', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const sanne = await createDebtor(org, { name: 'Sanne de Vries', email: 'sanne@example.nl', externalRef: 'C-1001' });
    const bakker = await createDebtor(org, {
      name: 'Bakkerij 100% Vers',
      email: 'info@bakkerij.example',
      externalRef: 'B-2001',
      kind: 'business',
    });
    const quiet = await createDebtor(org, {
      name: 'Rustig Betaler',
      email: 'rustig@example.nl',
      externalRef: 'C-1002',
    });
    await createDebtor(other, { name: 'Sanne Elders', email: 'sanne@elders.example', externalRef: 'C-1001' });
    await createInvoice(org, sanne, { dueDate: '2026-10-01', totalCents: 10_000 });
    const notDue = await createInvoice(org, bakker, { dueDate: '2026-12-20', totalCents: 20_000 });
    await getDb()
      .update(debtors)
      .set({ flaggedAt: clock.now(), flaggedReason: 'email_failed' })
      .where(eq(debtors.id, quiet.id));
    await pauseInvoices(
      getDb(),
      { organizationId: org.id, invoiceIds: [notDue.id], reason: 'dispute', actor: { type: 'system' } },
      { clock },
    );

    const names = async (input: Parameters<typeof listDebtors>[1]) =>
      (await listDebtors(org.id, input, { clock })).rows.map((r) => r.name);

    expect(await names({ q: 'sanne' })).toEqual(['Sanne de Vries']);
    expect(await names({ q: 'BAKKERIJ.example' })).toEqual(['Bakkerij 100% Vers']);
    expect(await names({ q: 'c-100' })).toEqual(['Sanne de Vries', 'Rustig Betaler']);
    // % is a literal character, not a wildcard.
    expect(await names({ q: '100%' })).toEqual(['Bakkerij 100% Vers']);
    expect(await names({ q: '%' })).toEqual(['Bakkerij 100% Vers']);
    expect(await names({ filter: 'overdue' })).toEqual(['Sanne de Vries']);
    expect(await names({ filter: 'flagged' })).toEqual(['Rustig Betaler']);
    expect(await names({ filter: 'paused' })).toEqual(['Bakkerij 100% Vers']);

    const all = await listDebtors(org.id, {}, { clock });
    expect(all.total).toBe(3);
    // Most overdue first.
    expect(all.rows[0]).toMatchObject({
      name: 'Sanne de Vries',
      overdueCents: 10_000,
      openCents: 10_000,
      oldestDueDate: '2026-10-01',
    });
    expect(all.rows.find((r) => r.name.startsWith('Bakkerij'))).toMatchObject({
      pausedCount: 1,
      overdueCents: 0,
      openCents: 20_000,
    });
  });

  it('pages 25 at a time', async () => {
    const org = await createOrganization();
    for (let i = 0; i < 27; i++) await createDebtor(org, { name: `Debiteur ${String(i).padStart(2, '0')}` });
    const first = await listDebtors(org.id, { page: 1 }, { clock });
    const second = await listDebtors(org.id, { page: 2 }, { clock });
    expect(first).toMatchObject({ total: 27, pageCount: 2, page: 1 });
    expect(first.rows).toHaveLength(25);
    expect(second.rows.map((r) => r.name)).toEqual(['Debiteur 25', 'Debiteur 26']);
  });
});

describe('debtor page', () => {
  it('finds nothing for another organization or a malformed id', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const theirs = await createDebtor(other);
    const theirInvoice = await createInvoice(other, theirs);
    expect(await getDebtorDetail(org.id, theirs.id)).toBeNull();
    expect(await getDebtorDetail(org.id, 'not-a-uuid')).toBeNull();
    expect(await getInvoiceDetail(org.id, theirInvoice.id)).toBeNull();
    expect((await listInvoices(org.id, { q: theirInvoice.number })).rows).toEqual([]);
    const staff = await createStaff(org, 'finance');
    expect(await placeManualHold(staff, theirs.id)).toBeNull();
    expect(await sendFreshLink(staff, theirs.id)).toBeNull();
    expect(await revokeDebtorLinks(staff, theirs.id)).toBeNull();
    expect(await getDb().select().from(dunningPauses).where(eq(dunningPauses.invoiceId, theirInvoice.id))).toEqual([]);
  });
});

describe('manual hold and lift', () => {
  it('pauses every open invoice once, lifts only the manual pause, and tells the timeline', async () => {
    const db = getDb();
    const org = await createOrganization();
    const staff = await createStaff(org, 'finance', { name: 'Bram de Jong' });
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor, { dueDate: '2026-10-01', dunningStage: 1 });
    const b = await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const paid = await createInvoice(org, debtor, { status: 'paid', openCents: 0, nextActionAt: null });
    await pauseInvoices(
      db,
      { organizationId: org.id, invoiceIds: [b.id], reason: 'dispute', actor: { type: 'debtor', id: debtor.id } },
      { clock },
    );

    const held = await placeManualHold(staff, debtor.id, { note: 'Belt terug na de vakantie' }, { clock });
    expect(held).toEqual({ held: 2, alreadyHeld: 0 });
    let active = await activePauses(db, [a.id, b.id, paid.id], { clock });
    expect(active.get(a.id)).toEqual(['manual']);
    expect(active.get(b.id)?.sort()).toEqual(['dispute', 'manual']);
    expect(active.has(paid.id)).toBe(false);

    // Holding again changes nothing.
    expect(await placeManualHold(staff, debtor.id, {}, { clock })).toEqual({ held: 0, alreadyHeld: 2 });
    const manual = await db
      .select()
      .from(dunningPauses)
      .where(
        and(
          eq(dunningPauses.reason, 'manual'),
          isNull(dunningPauses.liftedAt),
          eq(dunningPauses.organizationId, org.id),
        ),
      );
    expect(manual).toHaveLength(2);

    clock.advanceDays(3);
    const lifted = await liftManualHold(staff, debtor.id, {}, { clock });
    expect(lifted?.lifted).toBe(2);
    expect(lifted?.resumed).toEqual([a.id]);
    active = await activePauses(db, [a.id, b.id], { clock });
    expect(active.has(a.id)).toBe(false);
    expect(active.get(b.id)).toEqual(['dispute']);
    // a's next reminder fell due during the hold: it goes out at the next sending moment.
    const [after] = await db.select().from(invoices).where(eq(invoices.id, a.id));
    expect(after.nextActionAt!.getTime()).toBeGreaterThanOrEqual(clock.now().getTime());

    const detail = await getDebtorDetail(org.id, debtor.id, { clock });
    expect(detail?.totals.manualHolds).toBe(0);
    const lines = detail!.timeline.map((e) => describeEvent(e, 'nl'));
    expect(lines.map((l) => l.text)).toEqual(
      expect.arrayContaining([
        'Herinneringen handmatig stilgezet voor 2 facturen — Belt terug na de vakantie',
        'Handmatige stilzetting opgeheven (2 facturen)',
        'Herinneringen gepauzeerd: Handmatig stilgezet',
        'Herinneringen gepauzeerd: Bezwaar',
        'Herinneringen hervat (stilzetting opgeheven)',
      ]),
    );
    expect(lines.find((l) => l.text.startsWith('Herinneringen handmatig'))?.actor).toBe('Bram de Jong');
    // Newest first.
    expect(detail!.timeline[0].action).toBe('debtor.hold_lifted');
  });

  it('holds one invoice of the debtor until a date, after which it no longer counts', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org, 'admin');
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor);
    const b = await createInvoice(org, debtor);
    const until = new Date('2026-11-30T23:00:00Z');
    expect(await placeManualHold(staff, debtor.id, { invoiceIds: [a.id], until }, { clock })).toEqual({
      held: 1,
      alreadyHeld: 0,
    });
    expect((await activePauses(getDb(), [a.id, b.id], { clock })).get(a.id)).toEqual(['manual']);
    expect((await activePauses(getDb(), [a.id, b.id], { clock })).has(b.id)).toBe(false);
    expect((await activePauses(getDb(), [a.id], { clock: fixedClock('2026-12-01T10:00:00Z') })).has(a.id)).toBe(false);
  });
});

describe('portal links from the back office', () => {
  it('issues a fresh link, queues the email with it, and can revoke every link', async () => {
    const db = getDb();
    const org = await createOrganization();
    const staff = await createStaff(org, 'finance');
    const debtor = await createDebtor(org, { email: 'klant@example.nl' });
    const open = await createInvoice(org, debtor);
    const sent = await sendFreshLink(staff, debtor.id, { clock });
    expect(sent?.queued).toBe(true);
    expect(sent?.url).toMatch(/^http:\/\/voldaan\.test\/l\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const [comm] = await db.select().from(communications).where(eq(communications.debtorId, debtor.id));
    expect(comm).toMatchObject({
      template: 'fresh_link',
      toAddress: 'klant@example.nl',
      status: 'queued',
      invoiceIds: [open.id],
    });
    expect((comm.props as { portalUrl: string }).portalUrl).toBe(sent?.url);
    const links = await db.select().from(portalLinks).where(eq(portalLinks.debtorId, debtor.id));
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ purpose: 'fresh_link', jti: comm.linkJti, revokedAt: null });

    expect(await revokeDebtorLinks(staff, debtor.id, { clock })).toBe(1);
    const [revoked] = await db.select().from(portalLinks).where(eq(portalLinks.debtorId, debtor.id));
    expect(revoked.revokedAt).not.toBeNull();
    const actions = (
      await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.debtorId, debtor.id))
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['link.sent_by_staff', 'link.revoked_all']));
  });

  it('still gives staff the link when the address is blocked, without queueing email', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org, 'finance');
    const debtor = await createDebtor(org, { emailBlockedAt: new Date('2026-11-01T00:00:00Z') });
    const sent = await sendFreshLink(staff, debtor.id, { clock });
    expect(sent).toMatchObject({ queued: false, reason: 'email_blocked' });
    expect(await getDb().select().from(communications).where(eq(communications.debtorId, debtor.id))).toEqual([]);
  });

  it('clears a flag and says so in the timeline', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org, 'finance');
    const debtor = await createDebtor(org, {
      flaggedAt: new Date('2026-11-01T00:00:00Z'),
      flaggedReason: 'collection',
    });
    expect(await clearDebtorFlag(staff, debtor.id, { clock })).toBe(true);
    expect(await clearDebtorFlag(staff, debtor.id, { clock })).toBe(false);
    const detail = await getDebtorDetail(org.id, debtor.id, { clock });
    expect(detail?.debtor.flaggedAt).toBeNull();
    expect(detail?.timeline.map((e) => e.action)).toEqual(['debtor.flag_cleared']);
  });
});
