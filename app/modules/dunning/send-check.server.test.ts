import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, communications, invoices } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { communicationsOf, invoiceById } from '~test/factories-dunning';
import { mockResend } from '~test/msw/resend';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { sendCommunication } from '~/modules/mail/outbox.server';
import { runDunningPass } from './pass.server';
import { liftPauses, pauseInvoices } from './pauses.server';

const resend = mockResend();
beforeAll(() => resend.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  resend.reset();
  delete process.env.RESEND_API_KEY;
  resetEnv();
});
afterAll(() => resend.server.close());

const markPaid = (id: string) =>
  getDb().update(invoices).set({ status: 'paid', openCents: 0, nextActionAt: null }).where(eq(invoices.id, id));

describe('the send-time re-check of dunning messages', () => {
  it('sends nothing when the invoice is paid between enqueue and send', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const clock = fixedClock('2026-11-08T08:00:00Z');
    await runDunningPass({ clock, organizationId: org.id });
    const [queued] = await communicationsOf(debtor.id);
    expect(queued.status).toBe('queued');

    await markPaid(invoice.id);
    const outcome = await sendCommunication(queued.id, { clock });
    expect(outcome).toEqual({ status: 'cancelled', reason: 'dunning: every invoice paid' });
    const [after] = await communicationsOf(debtor.id);
    expect([after.status, after.html, after.sentAt]).toEqual(['cancelled', null, null]);
    // The job runs again (a retry, a second worker): still nothing.
    expect(await sendCommunication(queued.id, { clock })).toEqual({ status: 'skipped', reason: 'not_queued' });
  });

  it('re-renders without the paid invoice when others are still open, restating the amounts', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const paid = await createInvoice(org, debtor, { number: 'PAID-1', dueDate: '2026-11-01', totalCents: 20_000 });
    await createInvoice(org, debtor, { number: 'OPEN-1', dueDate: '2026-11-01', totalCents: 30_000, dunningStage: 2 });
    await createInvoice(org, debtor, { number: 'OPEN-2', dueDate: '2026-11-01', totalCents: 10_000, dunningStage: 2 });
    await getDb().update(invoices).set({ dunningStage: 2 }).where(eq(invoices.id, paid.id));
    const clock = fixedClock('2026-12-06T08:00:00Z'); // final notice for all three: costs on 600.00 announced
    await runDunningPass({ clock, organizationId: org.id });
    const [queued] = await communicationsOf(debtor.id);
    expect(queued.props).toMatchObject({ totals: { openCents: 60_000, costsCents: 9_000 } });

    await markPaid(paid.id);
    expect(await sendCommunication(queued.id, { clock })).toMatchObject({ status: 'sent' });
    const [sent] = await communicationsOf(debtor.id);
    expect(sent.invoiceIds).toHaveLength(2);
    expect(sent.html).not.toContain('PAID-1');
    expect(sent.html).toContain('OPEN-1');
    // 400.00 left: the staffel gives 60.00, split 45/15 over the two invoices
    expect(sent.props).toMatchObject({
      totals: { openCents: 40_000, costsCents: 6_000 },
      dunning: { items: [{ announcedCostsCents: 4_500 }, { announcedCostsCents: 1_500 }] },
    });
    expect(sent.textBody).toContain('60,00');
  });

  it('withdraws the step for an invoice paused before sending, so it gets this reminder after the pause', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const clock = fixedClock('2026-11-08T08:00:00Z');
    await runDunningPass({ clock, organizationId: org.id });
    const [queued] = await communicationsOf(debtor.id);
    expect((await invoiceById(invoice.id)).dunningStage).toBe(1);

    // The debtor opens a dispute a minute later, before the worker sends.
    clock.set('2026-11-08T08:01:00Z');
    const dispute = crypto.randomUUID();
    await pauseInvoices(
      getDb(),
      {
        organizationId: org.id,
        invoiceIds: [invoice.id],
        reason: 'dispute',
        sourceId: dispute,
        actor: { type: 'debtor', id: debtor.id },
      },
      { clock },
    );
    expect(await sendCommunication(queued.id, { clock })).toEqual({
      status: 'cancelled',
      reason: 'dunning: every invoice paused',
    });
    const withdrawn = await invoiceById(invoice.id);
    expect([withdrawn.dunningStage, withdrawn.nextActionAt?.toISOString()]).toEqual([0, '2026-11-08T08:00:00.000Z']);
    const events = await getDb()
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.invoiceId, invoice.id));
    expect(events.map((e) => e.action)).toContain('dunning.step_withdrawn');

    // The dispute is rejected ten days later: the friendly reminder goes out then (once), the second 14 days after.
    clock.set('2026-11-18T10:00:00Z');
    await liftPauses(
      getDb(),
      { organizationId: org.id, sourceId: dispute, liftedReason: 'dispute_rejected', actor: { type: 'system' } },
      { clock },
    );
    clock.set('2026-11-18T11:00:00Z');
    const again = await runDunningPass({ clock, organizationId: org.id });
    expect(again.messagesByTemplate).toEqual({ friendly_reminder: 1 });
    const all = await communicationsOf(debtor.id);
    expect(all.map((c) => [c.template, c.status])).toEqual([
      ['friendly_reminder', 'cancelled'],
      ['friendly_reminder', 'queued'],
    ]);
    expect((await invoiceById(invoice.id)).nextActionAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
  });

  it('through Resend: one request with the communication id as idempotency key, listing only what is still open', async () => {
    process.env.RESEND_API_KEY = 're_test_0123456789';
    resetEnv();
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const paid = await createInvoice(org, debtor, { number: 'R-PAID', dueDate: '2026-11-01' });
    await createInvoice(org, debtor, { number: 'R-OPEN', dueDate: '2026-11-01', totalCents: 48_400 });
    const clock = fixedClock('2026-11-08T08:00:00Z');
    await runDunningPass({ clock, organizationId: org.id });
    const [queued] = await communicationsOf(debtor.id);
    await markPaid(paid.id);

    expect(await sendCommunication(queued.id, { clock })).toMatchObject({ status: 'sent', transport: 'resend' });
    expect(await sendCommunication(queued.id, { clock })).toEqual({ status: 'skipped', reason: 'not_queued' });
    expect(resend.requests).toHaveLength(1);
    const [request] = resend.requests;
    expect(request.headers.get('idempotency-key')).toBe(queued.id);
    expect(request.body.to).toBe(debtor.email);
    expect(request.body.subject).toContain('R-OPEN');
    expect(String(request.body.html)).not.toContain('R-PAID');
    expect(String(request.body.text)).toContain('484,00');
  });

  it('leaves messages the engine did not write alone', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const [row] = await getDb()
      .insert(communications)
      .values({
        organizationId: org.id,
        debtorId: debtor.id,
        template: 'friendly_reminder',
        toAddress: debtor.email,
        props: { note: 'hand-written' },
      })
      .returning();
    const outcome = await sendCommunication(row.id, { clock: fixedClock('2026-11-08T08:00:00Z') });
    // Not cancelled by the dunning check; it fails to render for lack of props, which is the mail module's business.
    expect(outcome.status).not.toBe('cancelled');
  });
});
