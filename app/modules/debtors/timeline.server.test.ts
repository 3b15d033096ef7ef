import { describe, expect, it } from 'vitest';
import { communications } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { createPayment } from '~test/factories-backoffice';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { audit } from '~/modules/audit/audit.server';
import { pauseInvoices } from '~/modules/dunning/pauses.server';
import { getDebtorDetail } from './debtors.server';
import { getInvoiceDetail } from '~/modules/backoffice/invoices.server';
import { describeEvent, type TimelineEvent } from './timeline';
import { debtorTimeline, invoiceTimeline } from './timeline.server';

const base: TimelineEvent = {
  id: 1,
  at: '2026-11-23T10:00:00.000Z',
  action: 'invoice.created',
  entityType: 'invoice',
  entityId: 'x',
  actorType: 'system',
  actorId: null,
  actorName: null,
  invoiceId: null,
  invoiceNumber: 'VK-2026-0001',
  data: null,
};

describe('timeline lines', () => {
  it('says each known action in Dutch and English, with amounts, reasons and who', () => {
    const created = {
      ...base,
      actorType: 'api' as const,
      actorId: 'k',
      actorName: 'Exact Online',
      data: { totalCents: 12_100 },
    };
    expect(describeEvent(created, 'nl')).toEqual({
      text: 'Factuur aangemaakt (€\u00a0121,00)',
      actor: 'API-koppeling "Exact Online"',
      tone: 'neutral',
    });
    expect(describeEvent(created, 'en').text).toBe('Invoice created (€121.00)');

    const paused = {
      ...base,
      action: 'dunning.paused',
      actorType: 'debtor' as const,
      data: { reason: 'promise_to_pay', until: '2026-12-01T10:00:00.000Z' },
    };
    expect(describeEvent(paused, 'nl')).toEqual({
      text: 'Herinneringen gepauzeerd: Betaalbelofte tot 1 dec 2026, 11:00',
      actor: 'debiteur',
      tone: 'info',
    });

    const bounced = {
      ...base,
      action: 'communication.bounced',
      actorType: 'provider' as const,
      actorId: 'resend',
      data: { template: 'final_notice' },
    };
    expect(describeEvent(bounced, 'en')).toEqual({
      text: 'Email "Final notice (14-day letter)" bounced',
      actor: 'via Resend',
      tone: 'bad',
    });

    const staff = {
      ...base,
      action: 'debtor.hold_placed',
      actorType: 'staff' as const,
      actorId: 's',
      actorName: 'Bram',
      data: { count: 3 },
    };
    expect(describeEvent(staff, 'nl')).toMatchObject({
      text: 'Herinneringen handmatig stilgezet voor 3 facturen',
      actor: 'Bram',
    });
  });

  it('names dunning steps and why a pause ended, and says one invoice in the singular', () => {
    const step = { ...base, action: 'dunning.step', data: { stage: 3, stageKey: 'final', template: 'final_notice' } };
    expect(describeEvent(step, 'nl').text).toBe('Aanmaanstap 3: e-mail "Laatste aanmaning (14-dagenbrief)"');
    const resumed = {
      ...base,
      action: 'dunning.resumed',
      data: { liftedReason: 'dispute_rejected', reasons: ['dispute'] },
    };
    expect(describeEvent(resumed, 'en').text).toBe('Reminders resumed (dispute rejected)');
    const odd = { ...base, action: 'dunning.resumed', data: { liftedReason: 'something_new' } };
    expect(describeEvent(odd, 'nl').text).toBe('Herinneringen hervat (something new)');
    const one = { ...base, action: 'debtor.hold_lifted', data: { count: 1 } };
    expect(describeEvent(one, 'nl').text).toBe('Handmatige stilzetting opgeheven (1 factuur)');
  });

  it('falls back to a readable line for actions it does not know yet', () => {
    const unknown = { ...base, action: 'plan.something_new' };
    expect(describeEvent(unknown, 'nl').text).toBe('Regeling: something new');
    expect(describeEvent({ ...base, action: 'whatever' }, 'en').text).toBe('whatever: whatever');
  });
});

describe('timeline queries', () => {
  it('gathers a debtor’s events, and for one invoice only its own and the emails that covered it', async () => {
    const db = getDb();
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const org = await createOrganization();
    const other = await createOrganization();
    const staff = await createStaff(org, 'finance', { name: 'Bram de Jong' });
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor);
    const b = await createInvoice(org, debtor);
    await pauseInvoices(
      db,
      { organizationId: org.id, invoiceIds: [a.id], reason: 'manual', actor: { type: 'staff', id: staff.id } },
      { clock },
    );
    await pauseInvoices(
      db,
      { organizationId: org.id, invoiceIds: [b.id], reason: 'dispute', actor: { type: 'debtor', id: debtor.id } },
      { clock },
    );
    const [comm] = await db
      .insert(communications)
      .values({
        organizationId: org.id,
        debtorId: debtor.id,
        template: 'friendly_reminder',
        toAddress: debtor.email,
        invoiceIds: [a.id],
      })
      .returning();
    await audit(db, {
      organizationId: org.id,
      actor: { type: 'provider', id: 'resend' },
      action: 'communication.delivered',
      entityType: 'communication',
      entityId: comm.id,
      debtorId: debtor.id,
      data: { template: 'friendly_reminder' },
      at: new Date('2026-11-23T11:00:00Z'),
    });
    // Another organization's event naming the same debtor id must never appear.
    await audit(db, {
      organizationId: other.id,
      actor: { type: 'system' },
      action: 'debtor.updated',
      entityType: 'debtor',
      entityId: debtor.id,
      debtorId: debtor.id,
    });

    const all = await debtorTimeline(org.id, debtor.id);
    expect(all.map((e) => e.action)).toEqual(['communication.delivered', 'dunning.paused', 'dunning.paused']);
    expect(all.find((e) => e.invoiceId === a.id)).toMatchObject({ actorName: 'Bram de Jong', invoiceNumber: a.number });
    expect(all.find((e) => e.invoiceId === b.id)).toMatchObject({ actorType: 'debtor', actorName: debtor.name });

    const forA = await invoiceTimeline(org.id, a.id);
    expect(forA.map((e) => e.action)).toEqual(['communication.delivered', 'dunning.paused']);
    const forB = await invoiceTimeline(org.id, b.id);
    expect(forB.map((e) => [e.action, e.data?.reason])).toEqual([['dunning.paused', 'dispute']]);
    expect(await debtorTimeline(other.id, debtor.id)).toHaveLength(1);
  });

  it('shows payments with the invoices they paid, on the debtor and on the invoice page', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const a = await createInvoice(org, debtor, { totalCents: 10_000, openCents: 4_000 });
    await createPayment(org, debtor, {
      amountCents: 6_000,
      provider: 'mollie',
      paidAt: new Date('2026-11-20T10:00:00Z'),
      allocations: [{ invoice: a, amountCents: 6_000 }],
    });
    const detail = await getDebtorDetail(org.id, debtor.id);
    expect(detail?.payments).toEqual([
      expect.objectContaining({
        provider: 'mollie',
        amountCents: 6_000,
        status: 'paid',
        invoiceNumbers: [a.number],
        paidAt: '2026-11-20T10:00:00.000Z',
      }),
    ]);
    const invoice = await getInvoiceDetail(org.id, a.id);
    expect(invoice?.allocations).toEqual([
      expect.objectContaining({ provider: 'mollie', amountCents: 6_000, at: '2026-11-20T10:00:00.000Z' }),
    ]);
  });
});
