/**
 * The mail outbox: a communication row is written in the caller's transaction together with
 * the graphile-worker job that sends it (transactional outbox), so a message exists exactly
 * when the state change that caused it commits. The send job re-checks, renders and delivers
 * through Resend, or into the local outbox when no Resend key is set.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  communications,
  debtors,
  organizations,
  staffInvitations,
  type Communication,
  type Debtor,
  type Organization,
} from '~db/schema';
import {
  isTemplateName,
  renderEmail,
  type EmailLocale,
  type RenderedEmail,
  type TemplateName,
  type TemplateProps,
} from '~emails/render';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { audit, type Actor, type AuditAction } from '~/modules/audit/index.server';
import { addressOf, formatFrom } from './address';
import { emailLocale } from './context.server';
import { deliverViaResend, type DeliveryResult } from './resend.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

export const SEND_TASK = 'send_communication';
/** Delivery attempts before a communication is given up as failed (also the job's max_attempts). */
export const MAX_SEND_ATTEMPTS = 10;
/** A Retry-After this short is waited out inside the job instead of rescheduling it. */
export const IN_JOB_WAIT_MAX_MS = 5_000;
const IN_JOB_TRIES = 3;

/**
 * Templates addressed to staff (or to someone invited to join them) rather than to the debtor:
 * a debtor's email block, flags and language do not apply.
 */
export const STAFF_TEMPLATES: ReadonlySet<string> = new Set<TemplateName>(['staff_notification', 'staff_invitation']);

const MAILER: Actor = { type: 'system', id: 'mailer' };

type QueueBase<T extends TemplateName> = {
  /** Pre-chosen id, e.g. to issue a portal link that names this communication before queueing it. */
  id?: string;
  organizationId: string;
  template: T;
  props: TemplateProps[T];
  toAddress: string;
  locale: EmailLocale;
  invoiceIds?: string[];
  linkJti?: string | null;
  /** Unique per organisation: queueing the same key twice writes nothing the second time. */
  dedupeKey?: string | null;
  stage?: number | null;
};

/**
 * One message: to (or, for staff notices, about) a debtor of the organisation, or to someone
 * invited to its staff (no debtor involved).
 */
export type QueueCommunicationInput<T extends TemplateName = TemplateName> = QueueBase<T> &
  ({ debtorId: string; staffInvitationId?: undefined } | { debtorId?: undefined; staffInvitationId: string });

type QueueOptions = { clock?: Clock };

/**
 * Writes a queued communication and its send job in the caller's transaction. Returns null
 * (and queues nothing) when the dedupe key was used before or the debtor's address is blocked.
 */
export async function queueCommunication<T extends TemplateName>(
  tx: Tx,
  input: QueueCommunicationInput<T>,
  options: QueueOptions = {},
): Promise<Communication | null> {
  const [row] = await queueCommunications(tx, [input as QueueCommunicationInput], options);
  return row;
}

/**
 * The batch form for set-based callers (the dunning pass): three statements for any number
 * of messages. Results line up with the inputs; null where nothing was queued.
 */
export async function queueCommunications(
  tx: Tx,
  inputs: QueueCommunicationInput[],
  { clock = systemClock }: QueueOptions = {},
): Promise<(Communication | null)[]> {
  if (inputs.length === 0) return [];
  const debtorIds = [...new Set(inputs.flatMap((i) => (i.debtorId ? [i.debtorId] : [])))];
  const invitationIds = [...new Set(inputs.flatMap((i) => (i.staffInvitationId ? [i.staffInvitationId] : [])))];
  const [found, invited] = await Promise.all([
    debtorIds.length === 0
      ? []
      : tx
          .select({
            id: debtors.id,
            organizationId: debtors.organizationId,
            emailBlockedAt: debtors.emailBlockedAt,
            locale: debtors.locale,
            defaultLocale: organizations.defaultLocale,
          })
          .from(debtors)
          .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
          .where(inArray(debtors.id, debtorIds)),
    invitationIds.length === 0
      ? []
      : tx
          .select({ id: staffInvitations.id, organizationId: staffInvitations.organizationId })
          .from(staffInvitations)
          .where(inArray(staffInvitations.id, invitationIds)),
  ]);
  const byId = new Map(found.map((d) => [d.id, d]));
  const invitationOrg = new Map(invited.map((i) => [i.id, i.organizationId]));

  const now = clock.now();
  const planned = inputs.map((input) => {
    if (!input.debtorId) {
      const invitation = input.staffInvitationId;
      if (!invitation || invitationOrg.get(invitation) !== input.organizationId) {
        throw new Error(`staff invitation ${invitation} does not belong to organization ${input.organizationId}`);
      }
      return { ...input, debtorId: null, staffInvitationId: invitation, id: input.id ?? randomUUID() };
    }
    const debtor = byId.get(input.debtorId);
    if (!debtor || debtor.organizationId !== input.organizationId) {
      throw new Error(`debtor ${input.debtorId} does not belong to organization ${input.organizationId}`);
    }
    const toStaff = STAFF_TEMPLATES.has(input.template);
    if (debtor.emailBlockedAt && !toStaff) return null;
    // Mail to a debtor is in the debtor's language as it stands now (the portal's language switch changes it).
    const locale = toStaff ? input.locale : emailLocale(debtor, { defaultLocale: debtor.defaultLocale });
    const props = toStaff ? input.props : { ...(input.props as object), locale };
    return {
      ...input,
      locale,
      props: props as TemplateProps[TemplateName],
      debtorId: input.debtorId,
      staffInvitationId: null,
      id: input.id ?? randomUUID(),
    };
  });

  const values = planned.filter((p) => p !== null);
  if (values.length === 0) return planned.map(() => null);
  const inserted = await tx
    .insert(communications)
    .values(
      values.map((p) => ({
        id: p.id,
        organizationId: p.organizationId,
        debtorId: p.debtorId,
        staffInvitationId: p.staffInvitationId,
        template: p.template,
        stage: p.stage ?? null,
        dedupeKey: p.dedupeKey ?? null,
        invoiceIds: p.invoiceIds ?? [],
        toAddress: p.toAddress,
        locale: p.locale,
        props: p.props as Record<string, unknown>,
        linkJti: p.linkJti ?? null,
        status: 'queued' as const,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (inserted.length > 0)
    await enqueueSendJobs(
      tx,
      inserted.map((c) => c.id),
    );
  const byInsertedId = new Map(inserted.map((c) => [c.id, c]));
  return planned.map((p) => (p ? (byInsertedId.get(p.id) ?? null) : null));
}

/**
 * graphile_worker.add_jobs is add_job for many jobs in one call: job key 'comm:<id>' (a
 * second enqueue of the same communication replaces the first) and MAX_SEND_ATTEMPTS tries.
 */
async function enqueueSendJobs(tx: Tx, ids: string[]) {
  if (!ids.every((id) => isUuid(id))) throw new Error('communication ids must be UUIDs');
  const idArray = `{${ids.join(',')}}`;
  await tx.execute(sql`
    select graphile_worker.add_jobs(array(
      select row(
        ${SEND_TASK}::text, json_build_object('id', id), null::text, null::timestamptz,
        ${MAX_SEND_ATTEMPTS}::smallint, 'comm:' || id, null::smallint, null::text[]
      )::graphile_worker.job_spec
      from unnest(${idArray}::uuid[]) as id
    ))`);
}

// ---------------------------------------------------------------------------------------------
// Send-time checks

export type SendCheckResult =
  | { action: 'send' }
  | { action: 'cancel'; reason: string }
  | { action: 'rerender'; props: Record<string, unknown>; invoiceIds: string[] };

/**
 * Runs inside the send transaction, with the communication row locked, right before
 * rendering. Return 'cancel' to drop the message, or 'rerender' with new props (e.g. without
 * the invoices paid since it was queued).
 */
export type SendCheck = (comm: Communication, tx: Tx) => Promise<SendCheckResult>;

const sendChecks = new Map<string, SendCheck[]>();

/** Registers a check for one template or for every template ('*'). Returns an unregister function. */
export function registerSendCheck(template: TemplateName | '*', check: SendCheck): () => void {
  const list = sendChecks.get(template) ?? [];
  list.push(check);
  sendChecks.set(template, list);
  return () => {
    const current = sendChecks.get(template) ?? [];
    sendChecks.set(
      template,
      current.filter((c) => c !== check),
    );
  };
}

function checksFor(template: string): SendCheck[] {
  return [...(sendChecks.get('*') ?? []), ...(sendChecks.get(template) ?? [])];
}

// ---------------------------------------------------------------------------------------------
// Sending

/** A delivery that may succeed later (429, 5xx, network). The job runner retries it. */
export class RetryableSendError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableSendError';
  }
}

export type SendOutcome =
  | { status: 'sent'; transport: 'resend' | 'outbox'; providerMessageId: string | null }
  | { status: 'cancelled'; reason: string }
  | { status: 'failed'; error: string }
  | { status: 'skipped'; reason: 'not_found' | 'not_queued' };

export type SendOptions = {
  clock?: Clock;
  /** One more check after the registered ones (same contract as a SendCheck). */
  beforeSend?: SendCheck;
  /** The job runner's last try: a retryable failure is then recorded as failed. */
  finalAttempt?: boolean;
  sleep?: (ms: number) => Promise<void>;
};

type Prepared = {
  comm: Communication;
  rendered: RenderedEmail;
  organization: Organization;
  attempts: number;
};

/**
 * Sends a queued communication once: re-checks, renders, delivers, records. Calling it again
 * for a communication that is no longer queued does nothing.
 */
export async function sendCommunication(id: string, options: SendOptions = {}): Promise<SendOutcome> {
  const { clock = systemClock, sleep = defaultSleep } = options;
  const env = getEnv();
  const apiKey = env.RESEND_API_KEY;

  const step = await getDb().transaction(async (tx): Promise<SendOutcome | Prepared> => {
    const [comm] = await tx.select().from(communications).where(eq(communications.id, id)).for('update');
    if (!comm) return { status: 'skipped', reason: 'not_found' };
    if (comm.status !== 'queued') return { status: 'skipped', reason: 'not_queued' };
    const owner = await recipientOf(tx, comm, clock.now());
    if ('cancel' in owner) return cancel(tx, comm, owner.cancel, clock);
    if (owner.debtor?.emailBlockedAt && !STAFF_TEMPLATES.has(comm.template)) {
      return cancel(tx, comm, 'email_blocked', clock);
    }

    let current = comm;
    const checks = [...checksFor(comm.template), ...(options.beforeSend ? [options.beforeSend] : [])];
    for (const check of checks) {
      const verdict = await check(current, tx);
      if (verdict.action === 'cancel') return cancel(tx, current, verdict.reason, clock);
      if (verdict.action === 'rerender') current = { ...current, props: verdict.props, invoiceIds: verdict.invoiceIds };
    }

    let rendered: RenderedEmail;
    try {
      if (!isTemplateName(current.template)) throw new Error(`unknown template ${current.template}`);
      rendered = await renderEmail(current.template, { ...current.props, locale: current.locale } as never);
    } catch (error) {
      return fail(tx, current, owner.debtor, `render_failed: ${messageOf(error)}`, clock);
    }

    const attempts = comm.attempts + 1;
    await tx
      .update(communications)
      .set({
        subject: rendered.subject,
        html: rendered.html,
        textBody: rendered.text,
        props: current.props,
        invoiceIds: current.invoiceIds,
        attempts,
      })
      .where(eq(communications.id, id));

    if (!apiKey) {
      // The local outbox: the message is "sent" by being stored, readable at /dev/mail.
      const now = clock.now();
      await tx
        .update(communications)
        .set({ status: 'sent', sentAt: now, error: null })
        .where(eq(communications.id, id));
      await auditComm(tx, current, 'communication.sent', { transport: 'outbox', subject: rendered.subject }, now);
      return { status: 'sent', transport: 'outbox', providerMessageId: null };
    }
    return { comm: { ...current, attempts }, rendered, organization: owner.organization, attempts };
  });
  if ('status' in step) return step;

  const { comm, rendered, organization } = step;
  const email = {
    id: comm.id,
    template: comm.template,
    from: formatFrom(organization.senderName ?? organization.name, addressOf(env.EMAIL_FROM)),
    to: comm.toAddress,
    replyTo: organization.replyTo ?? organization.email ?? undefined,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
  };

  let result: DeliveryResult;
  for (let tries = 1; ; tries++) {
    result = await deliverViaResend(apiKey!, email);
    const wait = !result.ok && result.retryable ? result.retryAfterMs : undefined;
    if (wait === undefined || wait > IN_JOB_WAIT_MAX_MS || tries >= IN_JOB_TRIES) break;
    await sleep(wait);
  }

  if (result.ok) {
    const providerMessageId = result.providerMessageId;
    const secret = oneTimeLinkOf(comm);
    await getDb().transaction(async (tx) => {
      const now = clock.now();
      await tx
        .update(communications)
        .set({
          ...(secret ? withoutLink(comm, secret) : {}),
          providerMessageId,
          sentAt: sql`coalesce(${communications.sentAt}, ${now.toISOString()}::timestamptz)`,
          status: sql`case when ${communications.status} = 'queued' then 'sent'::communication_status else ${communications.status} end`,
          error: null,
        })
        .where(eq(communications.id, comm.id));
      await auditComm(tx, comm, 'communication.sent', { transport: 'resend', providerMessageId }, now);
    });
    return { status: 'sent', transport: 'resend', providerMessageId };
  }

  const description = `${result.statusCode ?? 'network'} ${result.code}: ${result.message}`;
  const giveUp = !result.retryable || options.finalAttempt || step.attempts >= MAX_SEND_ATTEMPTS;
  if (giveUp) {
    const reason = result.retryable ? `gave up after ${step.attempts} attempts: ${description}` : description;
    return getDb().transaction(async (tx) => {
      const [debtor] = comm.debtorId ? await tx.select().from(debtors).where(eq(debtors.id, comm.debtorId)) : [];
      return fail(tx, comm, debtor, reason, clock);
    });
  }
  await getDb().update(communications).set({ error: description }).where(eq(communications.id, comm.id));
  throw new RetryableSendError(description, result.retryAfterMs);
}

type Recipient = { organization: Organization; debtor: Debtor | null } | { cancel: string };

/**
 * Who the message goes to, looked at again when it is sent: the debtor (with the organisation),
 * or an invitation to the staff that is still open (a used or expired one gets no mail).
 */
async function recipientOf(tx: Tx, comm: Communication, now: Date): Promise<Recipient> {
  if (comm.debtorId) {
    const [owner] = await tx
      .select({ debtor: debtors, organization: organizations })
      .from(debtors)
      .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
      .where(and(eq(debtors.id, comm.debtorId), orgScope(debtors, comm)));
    return owner ?? { cancel: 'debtor_missing' };
  }
  if (!comm.staffInvitationId) return { cancel: 'recipient_missing' };
  const [invited] = await tx
    .select({
      organization: organizations,
      acceptedAt: staffInvitations.acceptedAt,
      expiresAt: staffInvitations.expiresAt,
    })
    .from(staffInvitations)
    .innerJoin(organizations, eq(organizations.id, staffInvitations.organizationId))
    .where(and(eq(staffInvitations.id, comm.staffInvitationId), orgScope(staffInvitations, comm)));
  if (!invited) return { cancel: 'invitation_missing' };
  if (invited.acceptedAt) return { cancel: 'invitation_accepted' };
  if (invited.expiresAt <= now) return { cancel: 'invitation_expired' };
  return { organization: invited.organization, debtor: null };
}

async function cancel(tx: Tx, comm: Communication, reason: string, clock: Clock): Promise<SendOutcome> {
  const now = clock.now();
  await tx.update(communications).set({ status: 'cancelled', error: reason }).where(eq(communications.id, comm.id));
  await auditComm(tx, comm, 'communication.cancelled', { reason }, now);
  return { status: 'cancelled', reason };
}

/** A permanent failure: the message is marked failed and the debtor (if it went to one) flagged for staff. */
async function fail(
  tx: Tx,
  comm: Communication,
  debtor: Debtor | null | undefined,
  error: string,
  clock: Clock,
): Promise<SendOutcome> {
  const now = clock.now();
  await tx.update(communications).set({ status: 'failed', failedAt: now, error }).where(eq(communications.id, comm.id));
  const flag = !!debtor && !STAFF_TEMPLATES.has(comm.template);
  if (debtor && flag) {
    await tx.update(debtors).set({ flaggedAt: now, flaggedReason: 'email_failed' }).where(eq(debtors.id, debtor.id));
  }
  await auditComm(tx, comm, 'communication.failed', { error, debtorFlagged: flag }, now);
  return { status: 'failed', error };
}

function auditComm(tx: Tx, comm: Communication, action: AuditAction, data: Record<string, unknown>, at: Date) {
  return audit(tx, {
    organizationId: comm.organizationId,
    actor: MAILER,
    action,
    entityType: 'communication',
    entityId: comm.id,
    debtorId: comm.debtorId,
    data: { template: comm.template, ...data },
    at,
  });
}

/**
 * The one-time link of an invitation to the staff: only its hash is kept with the invitation,
 * so once Resend has the message, the stored copy loses it too.
 */
function oneTimeLinkOf(comm: Communication): string | null {
  if (!comm.staffInvitationId) return null;
  const url = (comm.props as { inviteUrl?: unknown } | null)?.inviteUrl;
  return typeof url === 'string' && url.length > 0 ? url : null;
}

const REDACTED = '[redacted]';

function withoutLink(comm: Communication, secret: string) {
  const shown = secret.replace(/[^/]+$/, REDACTED);
  return {
    html: sql`replace(${communications.html}, ${secret}, ${shown})`,
    textBody: sql`replace(${communications.textBody}, ${secret}, ${shown})`,
    props: { ...comm.props, inviteUrl: shown },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultSleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
