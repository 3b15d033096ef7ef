import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, webhookEvents } from '~db/schema';
import { communication, queuedReminder } from '~test/factories-mail';
import { resendEvent, signWebhook, TEST_WEBHOOK_SECRET } from '~test/msw/resend';
import { systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { action, loader } from '~/routes/webhooks.resend';

beforeEach(() => {
  process.env.RESEND_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  resetEnv();
});
afterEach(() => {
  delete process.env.RESEND_WEBHOOK_SECRET;
  resetEnv();
});

function post(payload: string, headers: Record<string, string>) {
  return action({
    request: new Request('http://voldaan.test/webhooks/resend', {
      method: 'POST',
      body: payload,
      headers: { 'Content-Type': 'application/json', ...headers },
    }),
    params: {},
    context: { nonce: 'test' },
  });
}

/** A reminder that Resend accepted: sent, with Resend's email id stored. */
async function sentReminder() {
  const setup = await queuedReminder();
  const emailId = randomUUID();
  await getDb()
    .update(communications)
    .set({ status: 'sent', providerMessageId: emailId, sentAt: new Date('2026-11-08T09:00:00Z') })
    .where(eq(communications.id, setup.comm!.id));
  return { ...setup, emailId };
}

async function recordedEvents(eventId: string) {
  return getDb().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
}

async function auditCount(debtorId: string) {
  const [row] = await getDb().select({ n: count() }).from(auditEvents).where(eq(auditEvents.debtorId, debtorId));
  return row.n;
}

describe('POST /webhooks/resend', () => {
  it('applies a correctly signed delivery event and records it', async () => {
    const { comm, emailId, org } = await sentReminder();
    const deliveredAt = '2026-11-08T09:01:02.000Z';
    const payload = resendEvent('email.delivered', emailId, {}, deliveredAt);
    const headers = signWebhook(payload);
    const response = await post(payload, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, matched: true });

    const row = await communication(comm!.id);
    expect(row.status).toBe('delivered');
    expect(row.deliveredAt).toEqual(new Date(deliveredAt));
    const [event] = await recordedEvents(headers['svix-id']);
    expect(event).toMatchObject({ provider: 'resend', type: 'email.delivered', organizationId: org.id });
    expect(event.processedAt).not.toBeNull();
  });

  it('answers 400 and changes nothing when the signature is wrong', async () => {
    const { comm, emailId } = await sentReminder();
    const payload = resendEvent('email.bounced', emailId, { bounce: { message: 'No such user', type: 'Permanent' } });
    const forged = signWebhook(payload, {
      secret: `whsec_${Buffer.from('someone-else-entirely-0123456789').toString('base64')}`,
    });
    const tampered = signWebhook(payload.replace('No such user', 'Something else'));
    // An hour old by the clock the route's signature check reads (the system's).
    const stale = signWebhook(payload, { timestamp: Math.floor(systemClock.now().getTime() / 1000) - 3_600 });

    for (const headers of [forged, tampered, stale, { 'svix-id': 'msg_1' }]) {
      const response = await post(payload, headers);
      expect(response.status).toBe(400);
    }
    const row = await communication(comm!.id);
    expect(row.status).toBe('sent');
    const [debtor] = await getDb().select().from(debtors).where(eq(debtors.id, comm!.debtorId!));
    expect(debtor.emailBlockedAt).toBeNull();
    expect(await recordedEvents(forged['svix-id'])).toHaveLength(0);
    expect(await recordedEvents(stale['svix-id'])).toHaveLength(0);
  });

  it('blocks the address and flags the debtor on a bounce, once however often it is delivered', async () => {
    const { comm, emailId, debtor } = await sentReminder();
    const payload = resendEvent('email.bounced', emailId, {
      bounce: { message: 'The recipient address does not exist', subType: 'General', type: 'Permanent' },
    });
    const headers = signWebhook(payload);
    expect((await post(payload, headers)).status).toBe(200);

    const row = await communication(comm!.id);
    expect(row.status).toBe('bounced');
    expect(row.error).toBe('The recipient address does not exist');
    const [blocked] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(blocked.emailBlockedAt).not.toBeNull();
    expect(blocked.flaggedReason).toBe('email_bounced');
    const actions = (await getDb().select().from(auditEvents).where(eq(auditEvents.debtorId, debtor.id))).map(
      (e) => e.action,
    );
    expect(actions.sort()).toEqual(['communication.bounced', 'debtor.email_blocked']);

    // Staff clear the flag; the same delivery arriving again must not raise it again.
    await getDb().update(debtors).set({ flaggedAt: null, flaggedReason: null }).where(eq(debtors.id, debtor.id));
    const before = await auditCount(debtor.id);
    const again = await post(payload, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true, matched: false });
    const [after] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(after.flaggedAt).toBeNull();
    expect(await auditCount(debtor.id)).toBe(before);
    expect(await recordedEvents(headers['svix-id'])).toHaveLength(1);

    // And no more email is queued for that address.
    expect((await queuedReminder({ org: { id: debtor.organizationId } as never, debtor })).comm).toBeNull();
  });

  it('treats a spam complaint like a bounce', async () => {
    const { comm, emailId, debtor } = await sentReminder();
    const payload = resendEvent('email.complained', emailId);
    expect((await post(payload, signWebhook(payload))).status).toBe(200);
    expect((await communication(comm!.id)).status).toBe('complained');
    const [blocked] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(blocked.emailBlockedAt).not.toBeNull();
    expect(blocked.flaggedReason).toBe('email_complained');
  });

  it('does not block an address the debtor has changed since', async () => {
    const { comm, emailId, debtor } = await sentReminder();
    await getDb().update(debtors).set({ email: 'new-address@test.example' }).where(eq(debtors.id, debtor.id));
    const payload = resendEvent('email.bounced', emailId, { bounce: { message: 'gone' } });
    expect((await post(payload, signWebhook(payload))).status).toBe(200);
    expect((await communication(comm!.id)).status).toBe('bounced');
    const [row] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(row.emailBlockedAt).toBeNull();
  });

  it('finds the message by its tag when the event beats our own bookkeeping, and never moves status back', async () => {
    const { comm } = await queuedReminder();
    const emailId = randomUUID();
    const tags = { communication_id: comm!.id, template: 'friendly_reminder' };
    const sent = resendEvent('email.sent', emailId, { tags });
    expect((await post(sent, signWebhook(sent))).status).toBe(200);
    expect(await communication(comm!.id)).toMatchObject({ status: 'sent', providerMessageId: emailId });

    const opened = resendEvent('email.opened', emailId);
    expect((await post(opened, signWebhook(opened))).status).toBe(200);
    const delivered = resendEvent('email.delivered', emailId);
    expect((await post(delivered, signWebhook(delivered))).status).toBe(200);
    const row = await communication(comm!.id);
    expect(row.status).toBe('opened');
    expect(row.openedAt).not.toBeNull();
    expect(row.deliveredAt).not.toBeNull();
  });

  it('marks a provider failure failed and flags the debtor without blocking the address', async () => {
    const { comm, emailId, debtor } = await sentReminder();
    const payload = resendEvent('email.failed', emailId, { failed: { reason: 'reached_daily_quota' } });
    expect((await post(payload, signWebhook(payload))).status).toBe(200);
    expect(await communication(comm!.id)).toMatchObject({ status: 'failed', error: 'reached_daily_quota' });
    const [row] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(row.flaggedReason).toBe('email_failed');
    expect(row.emailBlockedAt).toBeNull();
  });

  it('records an event for an unknown message and answers 200', async () => {
    const payload = resendEvent('email.delivered', randomUUID());
    const headers = signWebhook(payload);
    const response = await post(payload, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, matched: false });
    expect(await recordedEvents(headers['svix-id'])).toHaveLength(1);
  });

  it('answers 404 when no webhook secret is configured, and 405 to GET', async () => {
    delete process.env.RESEND_WEBHOOK_SECRET;
    resetEnv();
    const payload = resendEvent('email.delivered', randomUUID());
    expect((await post(payload, signWebhook(payload))).status).toBe(404);
    expect((await loader()).status).toBe(405);
  });
});
