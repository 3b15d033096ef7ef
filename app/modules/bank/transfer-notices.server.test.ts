import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditEvents,
  communications,
  dunningPauses,
  invoices,
  organizations,
  transferNotices,
  type Organization,
} from '~db/schema';
import { createDebtor, createInvoice, createStaff } from '~test/factories';
import { debtorWithOverdue } from '~test/factories-payments';
import { amsterdamDate, fixedClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { describeEvent, type TimelineEvent } from '~/modules/debtors/timeline';
import { activePauses } from '~/modules/dunning/pauses.server';
import { runDunningPass } from '~/modules/dunning/pass.server';
import { registeredCrontab, registeredTaskList } from '~/modules/jobs/registry.server';
import { recordLedgerEntry } from '~/modules/ledger/ledger.server';
import { transferNoticePause } from './transfer-notice-rules';
import {
  announceTransfer,
  getWaitingTransferNotices,
  lapseTransferNotices,
  listTransferNotices,
} from './transfer-notices.server';
import { TRANSFER_NOTICES_LAPSE_TASK } from './transfer-notices.task.server';

/** Wednesday 4 March 2026, 10:00 in Amsterdam. */
const WEDNESDAY = '2026-03-04T09:00:00Z';

function sessionOf(org: Organization, debtorId: string) {
  return { organizationId: org.id, debtorId, organization: { portalSettings: org.portalSettings } };
}

async function world(at = WEDNESDAY, amounts = [12_100, 5_000]) {
  const clock = fixedClock(at);
  const today = new Date(at).toISOString().slice(0, 10);
  const w = await debtorWithOverdue(amounts, { today, daysOverdue: 20 });
  await createStaff(w.org, 'finance', { email: `finance-${w.org.id.slice(0, 8)}@test.example` });
  return { ...w, clock, session: sessionOf(w.org, w.debtor.id) };
}

async function noticesOf(organizationId: string) {
  return getDb().select().from(transferNotices).where(eq(transferNotices.organizationId, organizationId));
}

async function pausesOf(organizationId: string) {
  return getDb().select().from(dunningPauses).where(eq(dunningPauses.organizationId, organizationId));
}

async function auditOf(organizationId: string, action: string) {
  return getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.action, action)));
}

async function invoiceRow(id: string) {
  const [row] = await getDb().select().from(invoices).where(eq(invoices.id, id));
  return row!;
}

async function book(
  w: { org: Organization; debtor: { id: string } },
  invoiceId: string,
  amountCents: number,
  clock: Clock,
  source: 'bank_transfer' | 'credit_note' = 'bank_transfer',
  key = `entry-${invoiceId}-${amountCents}`,
) {
  return getDb().transaction((tx) =>
    recordLedgerEntry(
      tx,
      {
        organizationId: w.org.id,
        debtorId: w.debtor.id,
        source,
        amountCents,
        targets: [{ invoiceId }],
        restAsCredit: true,
        key,
        actor: { type: 'system', id: 'test' },
      },
      { clock },
    ),
  );
}

describe('announceTransfer', () => {
  it('pauses the chosen invoices to the end of the fifth business day, with an audit event', async () => {
    const w = await world();
    const ids = w.invoices.map((i) => i.id);
    const result = await announceTransfer(
      w.session,
      { invoiceIds: ids, transferredOn: '2026-03-03', amountCents: 17_100 },
      { clock: w.clock },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // Wednesday + 5 business days = Wednesday 11 March; the pause ends at its last moment (CET).
    expect(result.notice).toMatchObject({
      invoiceIds: ids,
      invoiceNumbers: w.invoices.map((i) => i.number),
      transferredOn: '2026-03-03',
      amountCents: 17_100,
      announcedOn: '2026-03-04',
      lastDay: '2026-03-11',
      pauseUntil: '2026-03-11T22:59:59.999Z',
      status: 'waiting',
    });
    const pauses = await pausesOf(w.org.id);
    expect(pauses).toHaveLength(2);
    for (const p of pauses) {
      expect(p).toMatchObject({ reason: 'transfer_announced', sourceId: result.notice.id, liftedAt: null });
      expect(p.until?.toISOString()).toBe('2026-03-11T22:59:59.999Z');
    }
    const paused = await activePauses(getDb(), ids, { clock: w.clock });
    expect(ids.map((id) => paused.get(id))).toEqual([['transfer_announced'], ['transfer_announced']]);
    const [event] = await auditOf(w.org.id, 'transfer_notice.announced');
    expect(event).toMatchObject({
      actorType: 'debtor',
      actorId: w.debtor.id,
      entityType: 'transfer_notice',
      entityId: result.notice.id,
      debtorId: w.debtor.id,
    });
    expect(event!.data).toMatchObject({
      invoiceIds: ids,
      transferredOn: '2026-03-03',
      amountCents: 17_100,
      amountGiven: true,
      owedCents: 17_100,
      businessDays: 5,
      lastDay: '2026-03-11',
    });
    expect(await auditOf(w.org.id, 'dunning.paused')).toHaveLength(2);
    expect(await getWaitingTransferNotices(w.session, { clock: w.clock })).toEqual([result.notice]);
  });

  it.each([
    ['over a weekend', '2026-03-06T15:00:00Z', 1, '2026-03-09', '2026-03-09T22:59:59.999Z'],
    ['over a weekend, five days', '2026-03-06T15:00:00Z', 5, '2026-03-13', '2026-03-13T22:59:59.999Z'],
    ['over Christmas', '2026-12-23T10:00:00Z', 5, '2026-12-31', '2026-12-31T22:59:59.999Z'],
    ['over Christmas and New Year', '2026-12-23T10:00:00Z', 6, '2027-01-04', '2027-01-04T22:59:59.999Z'],
    ['over Koningsdag (summer time)', '2026-04-24T12:00:00Z', 1, '2026-04-28', '2026-04-28T21:59:59.999Z'],
    ['over Bevrijdingsdag', '2026-04-30T12:00:00Z', 3, '2026-05-06', '2026-05-06T21:59:59.999Z'],
    ['late on Friday evening', '2026-03-06T22:30:00Z', 1, '2026-03-09', '2026-03-09T22:59:59.999Z'],
    ['just after midnight on Saturday', '2026-03-06T23:30:00Z', 1, '2026-03-09', '2026-03-09T22:59:59.999Z'],
  ])('counts business days %s', async (_label, at, days, lastDay, until) => {
    expect(transferNoticePause(new Date(at), days)).toEqual({ lastDay, until: new Date(until) });
    const w = await world(at, [9_900]);
    await getDb()
      .update(organizations)
      .set({ portalSettings: { ...w.org.portalSettings, transferNoticeDays: days } })
      .where(eq(organizations.id, w.org.id));
    const session = sessionOf(
      { ...w.org, portalSettings: { ...w.org.portalSettings, transferNoticeDays: days } },
      w.debtor.id,
    );
    const result = await announceTransfer(
      session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: amsterdamDate(new Date(at)) },
      { clock: w.clock },
    );
    expect(result).toMatchObject({ ok: true, notice: { lastDay, pauseUntil: until, amountCents: 9_900 } });
    const [pause] = await pausesOf(w.org.id);
    expect(pause!.until?.toISOString()).toBe(until);
  });

  it('falls back to 5 business days when the setting is absent or out of range', async () => {
    const w = await world();
    const settings = w.org.portalSettings;
    expect(settings.transferNoticeDays).toBeUndefined();
    const a = await announceTransfer(
      sessionOf({ ...w.org, portalSettings: settings }, w.debtor.id),
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    expect(a).toMatchObject({ ok: true, notice: { lastDay: '2026-03-11' } });
    const b = await announceTransfer(
      sessionOf({ ...w.org, portalSettings: { ...settings, transferNoticeDays: 99 } }, w.debtor.id),
      { invoiceIds: [w.invoices[1]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    expect(b).toMatchObject({ ok: true, notice: { lastDay: '2026-03-11' } });
  });

  it("refuses another debtor's or another creditor's invoice, and a settled one, writing nothing", async () => {
    const w = await world();
    const other = await createDebtor(w.org);
    const theirs = await createInvoice(w.org, other, { totalCents: 5_000, dueDate: '2026-02-01' });
    const elsewhere = await world();
    const paid = await createInvoice(w.org, w.debtor, {
      totalCents: 5_000,
      openCents: 0,
      status: 'paid',
      dueDate: '2026-02-01',
    });
    for (const invoiceIds of [
      [w.invoices[0]!.id, theirs.id],
      [elsewhere.invoices[0]!.id],
      [paid.id],
      [],
      ['not-a-uuid'],
      ["' or 1=1 --"],
    ]) {
      const result = await announceTransfer(w.session, { invoiceIds, transferredOn: '2026-03-04' }, { clock: w.clock });
      expect(result).toEqual({
        ok: false,
        errors: { invoices: { key: 'pay.transfer.notice.error.invoices' } },
        existing: [],
      });
    }
    expect(await noticesOf(w.org.id)).toEqual([]);
    expect(await pausesOf(w.org.id)).toEqual([]);
    expect(await auditOf(w.org.id, 'transfer_notice.announced')).toEqual([]);
  });

  it.each([
    [
      'a date ahead',
      { transferredOn: '2026-03-05' },
      { transferredOn: { key: 'pay.transfer.notice.error.dateFuture' } },
    ],
    [
      'a date more than 30 days back',
      { transferredOn: '2026-02-01' },
      { transferredOn: { key: 'pay.transfer.notice.error.dateTooOld', params: { count: 30 } } },
    ],
    [
      'no real date',
      { transferredOn: '2026-02-30' },
      { transferredOn: { key: 'pay.transfer.notice.error.dateInvalid' } },
    ],
    [
      'text as a date',
      { transferredOn: 'gisteren' },
      { transferredOn: { key: 'pay.transfer.notice.error.dateInvalid' } },
    ],
    ['an amount of 0', { amountCents: 0 }, { amount: { key: 'pay.transfer.notice.error.amountZero' } }],
    ['a negative amount', { amountCents: -100 }, { amount: { key: 'pay.transfer.notice.error.amountZero' } }],
    ['a fraction of a cent', { amountCents: 10.5 }, { amount: { key: 'pay.transfer.notice.error.amountInvalid' } }],
    ['not a number', { amountCents: Number.NaN }, { amount: { key: 'pay.transfer.notice.error.amountInvalid' } }],
    ['an absurd amount', { amountCents: 2 ** 60 }, { amount: { key: 'pay.transfer.notice.error.amountInvalid' } }],
    [
      'more than is owed',
      { amountCents: 17_101 },
      { amount: { key: 'pay.transfer.notice.error.amountTooLarge', params: { maxCents: 17_100 } } },
    ],
  ])('refuses %s, naming the field, and writes nothing', async (_label, change, errors) => {
    const w = await world();
    const result = await announceTransfer(
      w.session,
      { invoiceIds: w.invoices.map((i) => i.id), transferredOn: '2026-03-04', ...change },
      { clock: w.clock },
    );
    expect(result).toEqual({ ok: false, errors, existing: [] });
    expect(await noticesOf(w.org.id)).toEqual([]);
    expect(await pausesOf(w.org.id)).toEqual([]);
  });

  it('accepts the earliest allowed day (30 days back) and today', async () => {
    const w = await world();
    const early = await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-02-02' },
      { clock: w.clock },
    );
    expect(early.ok).toBe(true);
    const now = await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[1]!.id], transferredOn: '2026-03-04', amountCents: 5_000 },
      { clock: w.clock },
    );
    expect(now.ok).toBe(true);
  });

  it('refuses a second notice for an invoice that is still waiting, showing the first; later it is allowed', async () => {
    const w = await world();
    const first = await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const again = await announceTransfer(
      w.session,
      { invoiceIds: w.invoices.map((i) => i.id), transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    expect(again).toEqual({
      ok: false,
      errors: { invoices: { key: 'pay.transfer.notice.error.already', params: { numbers: w.invoices[0]!.number } } },
      existing: [first.notice],
    });
    expect(await noticesOf(w.org.id)).toHaveLength(1);
    expect(await pausesOf(w.org.id)).toHaveLength(1);
    // The other invoice alone is fine.
    const other = await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[1]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    expect(other.ok).toBe(true);
    // After the first one's pause is over, a new notice for its invoice is taken.
    w.clock.set('2026-03-12T09:00:00Z');
    const later = await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-12' },
      { clock: w.clock },
    );
    expect(later).toMatchObject({ ok: true, notice: { lastDay: '2026-03-19' } });
  });

  it('takes one notice when the same announcement arrives twice at once', async () => {
    const w = await world();
    const input = { invoiceIds: w.invoices.map((i) => i.id), transferredOn: '2026-03-04' };
    const results = await Promise.all([
      announceTransfer(w.session, input, { clock: w.clock }),
      announceTransfer(w.session, input, { clock: w.clock }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({
      errors: { invoices: { key: 'pay.transfer.notice.error.already' } },
    });
    expect(await noticesOf(w.org.id)).toHaveLength(1);
  });
});

describe('money arriving for a waiting notice', () => {
  it('a bank transfer that settles the invoice marks the notice received and lifts its pause', async () => {
    const w = await world(WEDNESDAY, [12_100]);
    const invoice = w.invoices[0]!;
    const announced = await announceTransfer(
      w.session,
      { invoiceIds: [invoice.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    if (!announced.ok) throw new Error('announce failed');
    w.clock.set('2026-03-05T10:00:00Z');
    await book(w, invoice.id, 12_100, w.clock);
    const [notice] = await noticesOf(w.org.id);
    expect(notice).toMatchObject({ status: 'received', resolvedAt: new Date('2026-03-05T10:00:00Z') });
    expect((await pausesOf(w.org.id)).every((p) => p.liftedAt !== null)).toBe(true);
    expect((await invoiceRow(invoice.id)).status).toBe('paid');
    const [received] = await auditOf(w.org.id, 'transfer_notice.received');
    expect(received!.data).toMatchObject({ source: 'bank_transfer', amountCents: 12_100, announcedCents: 12_100 });
    // Nothing left for the lapse job.
    w.clock.set('2026-03-20T09:00:00Z');
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 0, closed: 0 });
  });

  it('a part payment lifts the pause too, and dunning goes on for the rest', async () => {
    const w = await world(WEDNESDAY, [12_100, 5_000]);
    const [big, small] = w.invoices as [(typeof w.invoices)[0], (typeof w.invoices)[0]];
    await announceTransfer(
      w.session,
      { invoiceIds: [big.id, small.id], transferredOn: '2026-03-04', amountCents: 17_100 },
      { clock: w.clock },
    );
    // While the notice waits, the dunning pass leaves both invoices alone.
    w.clock.set('2026-03-06T09:30:00Z');
    await runDunningPass({ clock: w.clock, organizationId: w.org.id });
    expect((await invoiceRow(big.id)).dunningStage).toBe(1);
    expect((await invoiceRow(small.id)).dunningStage).toBe(1);

    await book(w, big.id, 2_100, w.clock);
    const [notice] = await noticesOf(w.org.id);
    expect(notice!.status).toBe('received');
    const after = await invoiceRow(big.id);
    expect(after).toMatchObject({ status: 'open', openCents: 10_000 });
    expect(await activePauses(getDb(), [big.id, small.id], { clock: w.clock })).toEqual(new Map());
    const [resumed] = (await auditOf(w.org.id, 'dunning.resumed')).filter((e) => e.invoiceId === big.id);
    expect(resumed!.data).toMatchObject({ liftedReason: 'transfer_received', reasons: ['transfer_announced'] });

    w.clock.set('2026-03-06T10:00:00Z');
    await runDunningPass({ clock: w.clock, organizationId: w.org.id });
    expect((await invoiceRow(big.id)).dunningStage).toBe(2);
    expect((await invoiceRow(small.id)).dunningStage).toBe(2);
  });

  it('a credit note is not the announced transfer: the notice keeps waiting', async () => {
    const w = await world(WEDNESDAY, [12_100]);
    const invoice = w.invoices[0]!;
    await announceTransfer(w.session, { invoiceIds: [invoice.id], transferredOn: '2026-03-04' }, { clock: w.clock });
    await book(w, invoice.id, 1_000, w.clock, 'credit_note');
    const [notice] = await noticesOf(w.org.id);
    expect(notice!.status).toBe('waiting');
    expect((await activePauses(getDb(), [invoice.id], { clock: w.clock })).get(invoice.id)).toEqual([
      'transfer_announced',
    ]);
  });

  it("money for another debtor's invoice leaves the notice alone", async () => {
    const w = await world(WEDNESDAY, [12_100]);
    const other = await debtorWithOverdue([4_000], { org: w.org, today: '2026-03-04' });
    await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    await book(other, other.invoices[0]!.id, 4_000, w.clock);
    const [notice] = await noticesOf(w.org.id);
    expect(notice!.status).toBe('waiting');
  });
});

describe('lapseTransferNotices', () => {
  it('after the pause: lapsed, pause lifted, dunning due again, audit, finance told; a second run does nothing', async () => {
    const w = await world();
    const ids = w.invoices.map((i) => i.id);
    const announced = await announceTransfer(
      w.session,
      { invoiceIds: ids, transferredOn: '2026-03-03', amountCents: 17_100 },
      { clock: w.clock },
    );
    if (!announced.ok) throw new Error('announce failed');

    // Late on the fifth business day: still waiting.
    w.clock.set('2026-03-11T22:59:59.998Z');
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 0, closed: 0 });
    expect((await noticesOf(w.org.id))[0]!.status).toBe('waiting');

    w.clock.set('2026-03-12T07:15:00Z');
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 1, closed: 0 });
    const [notice] = await noticesOf(w.org.id);
    expect(notice).toMatchObject({ status: 'lapsed', resolvedAt: new Date('2026-03-12T07:15:00Z') });
    const pauses = await pausesOf(w.org.id);
    expect(pauses.map((p) => p.liftedReason)).toEqual(['transfer_not_received', 'transfer_not_received']);
    // Dunning resumes at the next sending hour (09:00 in Amsterdam), one step, not a burst.
    for (const id of ids) {
      expect((await invoiceRow(id)).nextActionAt?.toISOString()).toBe('2026-03-12T08:00:00.000Z');
    }
    const [lapsed] = await auditOf(w.org.id, 'transfer_notice.lapsed');
    expect(lapsed).toMatchObject({ actorType: 'system', entityId: announced.notice.id, debtorId: w.debtor.id });
    expect(lapsed!.data).toMatchObject({ openInvoiceIds: ids, transferredOn: '2026-03-03', amountCents: 17_100 });
    expect(await auditOf(w.org.id, 'dunning.resumed')).toHaveLength(2);

    const mail = await getDb()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, w.org.id), eq(communications.template, 'staff_notification')));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.toAddress).toMatch(/^finance-/);
    const props = mail[0]!.props as { title: string; lines: string[]; backOfficeUrl: string };
    expect(props.title).toBe('Aangekondigde overschrijving niet ontvangen');
    expect(props.lines[0]).toContain(w.debtor.name);
    expect(props.lines[0]).toContain('€\u00a0171,00');
    expect(props.lines[0]).toContain('3 maart 2026');
    expect(props.lines[0]).toContain(w.invoices[0]!.number);
    expect(props.backOfficeUrl).toContain(`/app/debtors/${w.debtor.id}`);

    // Idempotent: nothing more, however often it runs.
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 0, closed: 0 });
    expect(await auditOf(w.org.id, 'transfer_notice.lapsed')).toHaveLength(1);

    // And the dunning pass takes the next step at the sending hour.
    w.clock.set('2026-03-12T08:30:00Z');
    await runDunningPass({ clock: w.clock, organizationId: w.org.id });
    for (const id of ids) expect((await invoiceRow(id)).dunningStage).toBe(2);
  });

  it('two workers at once lapse a notice once', async () => {
    const w = await world();
    await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    w.clock.set('2026-03-12T09:00:00Z');
    const [a, b] = await Promise.all([
      lapseTransferNotices({ clock: w.clock, organizationId: w.org.id }),
      lapseTransferNotices({ clock: w.clock, organizationId: w.org.id }),
    ]);
    expect(a.lapsed + b.lapsed).toBe(1);
    expect(await auditOf(w.org.id, 'transfer_notice.lapsed')).toHaveLength(1);
  });

  it('leaves a notice whose invoice a booking holds right now for the next run, never waiting on it', async () => {
    const w = await world(WEDNESDAY, [12_100]);
    const invoice = w.invoices[0]!;
    await announceTransfer(w.session, { invoiceIds: [invoice.id], transferredOn: '2026-03-04' }, { clock: w.clock });
    w.clock.set('2026-03-12T09:00:00Z');
    await getDb().transaction(async (tx) => {
      await tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.id, invoice.id)).for('update');
      expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({
        lapsed: 0,
        closed: 0,
      });
    });
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 1, closed: 0 });
  });

  it('closes quietly when every invoice was settled otherwise (a credit note)', async () => {
    const w = await world(WEDNESDAY, [12_100]);
    const invoice = w.invoices[0]!;
    await announceTransfer(w.session, { invoiceIds: [invoice.id], transferredOn: '2026-03-04' }, { clock: w.clock });
    await book(w, invoice.id, 12_100, w.clock, 'credit_note');
    expect((await invoiceRow(invoice.id)).status).toBe('credited');
    w.clock.set('2026-03-12T09:00:00Z');
    expect(await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id })).toEqual({ lapsed: 0, closed: 1 });
    const staffMail = await getDb()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, w.org.id), eq(communications.template, 'staff_notification')));
    expect(staffMail).toEqual([]);
  });

  it('is registered as a cron task every 15 minutes', () => {
    expect(Object.keys(registeredTaskList())).toContain(TRANSFER_NOTICES_LAPSE_TASK);
    expect(registeredCrontab()).toContain(`*/15 * * * * ${TRANSFER_NOTICES_LAPSE_TASK} ?`);
  });
});

describe('what staff see', () => {
  it('lists the notices of one creditor only, with debtor and invoice numbers', async () => {
    const w = await world();
    const elsewhere = await world();
    await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: w.clock },
    );
    await announceTransfer(
      elsewhere.session,
      { invoiceIds: [elsewhere.invoices[0]!.id], transferredOn: '2026-03-04' },
      { clock: elsewhere.clock },
    );
    const waiting = await listTransferNotices(w.org.id, { status: 'waiting' });
    expect(waiting).toEqual([
      expect.objectContaining({
        debtorId: w.debtor.id,
        debtorName: w.debtor.name,
        invoiceIds: [w.invoices[0]!.id],
        invoiceNumbers: [w.invoices[0]!.number],
        amountCents: 12_100,
        transferredOn: '2026-03-04',
        status: 'waiting',
        lastDay: '2026-03-11',
      }),
    ]);
    expect(await listTransferNotices(w.org.id, { status: 'lapsed' })).toEqual([]);
    w.clock.set('2026-03-12T09:00:00Z');
    await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id });
    expect(await listTransferNotices(w.org.id, { status: 'lapsed' })).toHaveLength(1);
    expect(await listTransferNotices(w.org.id)).toHaveLength(1);
  });

  it('the timeline says each step in words, in both languages', async () => {
    const w = await world(WEDNESDAY, [12_100]);
    await announceTransfer(
      w.session,
      { invoiceIds: [w.invoices[0]!.id], transferredOn: '2026-03-03' },
      { clock: w.clock },
    );
    w.clock.set('2026-03-12T09:00:00Z');
    await lapseTransferNotices({ clock: w.clock, organizationId: w.org.id });
    const rows = [
      ...(await auditOf(w.org.id, 'transfer_notice.announced')),
      ...(await auditOf(w.org.id, 'transfer_notice.lapsed')),
    ];
    const events: TimelineEvent[] = rows.map((r) => ({
      id: Number(r.id),
      at: r.createdAt.toISOString(),
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      actorType: r.actorType as TimelineEvent['actorType'],
      actorId: r.actorId,
      actorName: null,
      invoiceId: r.invoiceId,
      invoiceNumber: w.invoices[0]!.number,
      data: r.data as Record<string, unknown>,
    }));
    expect(events.map((e) => describeEvent(e, 'nl').text)).toEqual([
      expect.stringMatching(
        /^Debiteur meldt €\u00a0121,00 te hebben overgemaakt op 3 maart 2026; herinneringen gepauzeerd tot /,
      ),
      'Aangekondigde overschrijving (€\u00a0121,00, op 3 maart 2026) niet ontvangen; herinneringen lopen weer',
    ]);
    expect(describeEvent(events[1]!, 'en')).toMatchObject({
      text: 'Announced transfer (€121.00, on 3 March 2026) not received; reminders resumed',
      tone: 'warn',
    });
  });
});
