/**
 * Resend delivery events (svix-signed webhooks): verified on the raw body, recorded once per
 * event id, applied to the communication they concern. A bounce or complaint stops email to
 * the debtor's address and flags the debtor for staff.
 */
import { eq, sql } from 'drizzle-orm';
import { Resend } from 'resend';
import { z } from 'zod';
import { communications, debtors, webhookEvents, type Communication } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { isUuid } from '~/utils/ids';
import { STAFF_TEMPLATES } from './outbox.server';

const PROVIDER = 'resend';
const RESEND: Actor = { type: 'provider', id: PROVIDER };

export type SvixHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export type WebhookOutcome =
  | { status: 200; body: { received: true; duplicate?: true; matched: boolean } }
  | { status: 400 | 404; body: { error: string } };

const Tags = z
  .union([
    z.record(z.string(), z.string()),
    z
      .array(z.object({ name: z.string(), value: z.string() }))
      .transform((a) => Object.fromEntries(a.map((t) => [t.name, t.value]))),
  ])
  .optional();

const Event = z.object({
  type: z.string(),
  created_at: z.string().optional(),
  data: z
    .object({
      email_id: z.string().optional(),
      to: z.array(z.string()).optional(),
      tags: Tags,
      bounce: z.object({ message: z.string().optional(), type: z.string().optional() }).partial().optional(),
      failed: z.object({ reason: z.string().optional() }).partial().optional(),
    })
    .loose(),
});
type ResendEvent = z.infer<typeof Event>;

/**
 * Verifies and applies one webhook delivery. `payload` must be the raw request body, read
 * before anything else touched it. A bad signature changes nothing.
 */
export async function receiveResendWebhook(
  payload: string,
  headers: SvixHeaders,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<WebhookOutcome> {
  const env = getEnv();
  const secret = env.RESEND_WEBHOOK_SECRET;
  if (!secret) return { status: 404, body: { error: 'resend webhooks are not configured' } };
  if (!headers.id || !headers.timestamp || !headers.signature) {
    return { status: 400, body: { error: 'missing svix headers' } };
  }
  let verified: unknown;
  try {
    // verify() needs no API access; the key only satisfies the client's constructor.
    verified = new Resend(env.RESEND_API_KEY ?? 're_webhook_verification_only').webhooks.verify({
      payload,
      headers: { id: headers.id, timestamp: headers.timestamp, signature: headers.signature },
      webhookSecret: secret,
    });
  } catch {
    return { status: 400, body: { error: 'invalid signature' } };
  }
  const parsed = Event.safeParse(verified);
  if (!parsed.success) return { status: 400, body: { error: 'unexpected event shape' } };
  const event = parsed.data;
  const eventId = headers.id;

  return getDb().transaction(async (tx): Promise<WebhookOutcome> => {
    const [recorded] = await tx
      .insert(webhookEvents)
      .values({ provider: PROVIDER, eventId, type: event.type, payload: verified })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (!recorded) return { status: 200, body: { received: true, duplicate: true, matched: false } };

    const comm = await findCommunication(tx, event);
    if (comm) await applyEvent(tx, comm, event, clock);
    await tx
      .update(webhookEvents)
      .set({ processedAt: clock.now(), organizationId: comm?.organizationId ?? null })
      .where(eq(webhookEvents.id, recorded.id));
    return { status: 200, body: { received: true, matched: comm !== undefined } };
  });
}

/** By Resend's email id; else by our communication_id tag (an event can beat our own bookkeeping). */
async function findCommunication(tx: Tx, event: ResendEvent): Promise<Communication | undefined> {
  const emailId = event.data.email_id;
  if (emailId) {
    const [byProvider] = await tx
      .select()
      .from(communications)
      .where(eq(communications.providerMessageId, emailId))
      .for('update');
    if (byProvider) return byProvider;
  }
  const tagged = event.data.tags?.communication_id;
  if (tagged && isUuid(tagged)) {
    const [byTag] = await tx.select().from(communications).where(eq(communications.id, tagged)).for('update');
    return byTag;
  }
  return undefined;
}

async function applyEvent(tx: Tx, comm: Communication, event: ResendEvent, clock: Clock) {
  const now = clock.now();
  const happenedAt = event.created_at && !Number.isNaN(Date.parse(event.created_at)) ? new Date(event.created_at) : now;
  const at = happenedAt.toISOString();
  const status = communications.status;
  const providerMessageId = event.data.email_id ?? null;
  const keepProviderId = sql`coalesce(${communications.providerMessageId}, ${providerMessageId})`;

  switch (event.type) {
    case 'email.sent':
      await tx
        .update(communications)
        .set({
          providerMessageId: keepProviderId,
          sentAt: sql`coalesce(${communications.sentAt}, ${at}::timestamptz)`,
          status: sql`case when ${status} = 'queued' then 'sent'::communication_status else ${status} end`,
        })
        .where(eq(communications.id, comm.id));
      return;
    case 'email.delivered':
      await tx
        .update(communications)
        .set({
          providerMessageId: keepProviderId,
          deliveredAt: sql`coalesce(${communications.deliveredAt}, ${at}::timestamptz)`,
          status: sql`case when ${status} in ('queued', 'sent') then 'delivered'::communication_status else ${status} end`,
        })
        .where(eq(communications.id, comm.id));
      return;
    case 'email.opened':
    case 'email.clicked':
      await tx
        .update(communications)
        .set({
          openedAt: sql`coalesce(${communications.openedAt}, ${at}::timestamptz)`,
          status: sql`case when ${status} in ('queued', 'sent', 'delivered') then 'opened'::communication_status else ${status} end`,
        })
        .where(eq(communications.id, comm.id));
      return;
    case 'email.delivery_delayed':
      await tx.update(communications).set({ error: 'delivery_delayed' }).where(eq(communications.id, comm.id));
      return;
    case 'email.bounced':
    case 'email.complained':
    case 'email.suppressed': {
      const outcome = event.type === 'email.complained' ? 'complained' : 'bounced';
      const detail = event.data.bounce?.message ?? event.type;
      await tx
        .update(communications)
        .set({ status: outcome, failedAt: happenedAt, error: detail, providerMessageId: keepProviderId })
        .where(eq(communications.id, comm.id));
      const blocked = await blockAddress(tx, comm, `email_${outcome}`, now);
      await audit(tx, {
        organizationId: comm.organizationId,
        actor: RESEND,
        action: `communication.${outcome}`,
        entityType: 'communication',
        entityId: comm.id,
        debtorId: comm.debtorId,
        data: { template: comm.template, event: event.type, detail, emailBlocked: blocked },
        at: now,
      });
      return;
    }
    case 'email.failed': {
      const reason = event.data.failed?.reason ?? 'failed';
      await tx
        .update(communications)
        .set({ status: 'failed', failedAt: happenedAt, error: reason })
        .where(eq(communications.id, comm.id));
      // Only a message to the debtor flags the debtor: not a staff notice about them, not an invitation.
      if (comm.debtorId && !STAFF_TEMPLATES.has(comm.template)) {
        await tx
          .update(debtors)
          .set({ flaggedAt: now, flaggedReason: 'email_failed' })
          .where(eq(debtors.id, comm.debtorId));
      }
      await audit(tx, {
        organizationId: comm.organizationId,
        actor: RESEND,
        action: 'communication.failed',
        entityType: 'communication',
        entityId: comm.id,
        debtorId: comm.debtorId,
        data: { template: comm.template, event: event.type, error: reason },
        at: now,
      });
      return;
    }
    default:
      return;
  }
}

/**
 * Stops email to the debtor's address and flags the debtor, when the bounced message went to
 * the debtor's current address (a staff notice, an invitation to the staff, or an address
 * changed since, blocks nothing; a bounced invitation shows on the team page by its status).
 */
async function blockAddress(tx: Tx, comm: Communication, reason: string, now: Date): Promise<boolean> {
  const debtorId = comm.debtorId;
  if (!debtorId || STAFF_TEMPLATES.has(comm.template)) return false;
  const blocked = await tx
    .update(debtors)
    .set({
      emailBlockedAt: sql`coalesce(${debtors.emailBlockedAt}, ${now.toISOString()}::timestamptz)`,
      flaggedAt: now,
      flaggedReason: reason,
    })
    .where(sql`${debtors.id} = ${debtorId} and lower(${debtors.email}) = lower(${comm.toAddress})`)
    .returning({ id: debtors.id });
  if (blocked.length === 0) return false;
  await audit(tx, {
    organizationId: comm.organizationId,
    actor: RESEND,
    action: 'debtor.email_blocked',
    entityType: 'debtor',
    entityId: debtorId,
    debtorId,
    data: { reason, address: comm.toAddress, communicationId: comm.id },
    at: now,
  });
  return true;
}
