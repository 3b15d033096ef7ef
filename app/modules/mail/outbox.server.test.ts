import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, invoices, organizations } from '~db/schema';
import { communication, queuedReminder, sendJobsFor } from '~test/factories-mail';
import { createDebtor, createOrganization } from '~test/factories';
import { mockResend, resendReplies } from '~test/msw/resend';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { debtorEmailProps } from './context.server';
import {
  MAX_SEND_ATTEMPTS,
  queueCommunication,
  queueCommunications,
  registerSendCheck,
  RetryableSendError,
  sendCommunication,
} from './outbox.server';

const resend = mockResend();
beforeAll(() => resend.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  resend.reset();
  delete process.env.RESEND_API_KEY;
  delete process.env.EMAIL_FROM;
  resetEnv();
});
afterAll(() => resend.server.close());

function useResend() {
  process.env.RESEND_API_KEY = 're_test_0123456789';
  resetEnv();
}

async function auditActions(entityId: string) {
  const rows = await getDb()
    .select({ action: auditEvents.action, data: auditEvents.data })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, entityId));
  return rows;
}

const noWait = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe('queueCommunication', () => {
  it('writes a queued communication and its send job in the same transaction', async () => {
    const { comm, invoices: invs, portalUrl } = await queuedReminder();
    expect(comm).not.toBeNull();
    const row = await communication(comm!.id);
    expect(row.status).toBe('queued');
    expect(row.invoiceIds.sort()).toEqual(invs.map((i) => i.id).sort());
    expect((row.props as { portalUrl: string }).portalUrl).toBe(portalUrl);
    expect(row.subject).toBeNull();

    const jobs = await sendJobsFor(comm!.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      task_identifier: 'send_communication',
      key: `comm:${comm!.id}`,
      payload: { id: comm!.id },
    });
    expect(jobs[0].max_attempts).toBe(MAX_SEND_ATTEMPTS);
  });

  it('leaves neither row nor job behind when the surrounding transaction rolls back', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    let id: string | undefined;
    await expect(
      getDb().transaction(async (tx) => {
        const { props } = await debtorEmailProps(tx, {
          organizationId: org.id,
          debtorId: debtor.id,
          invoiceIds: [],
          portalUrl: 'http://voldaan.test/l/x',
        });
        const comm = await queueCommunication(tx, {
          organizationId: org.id,
          debtorId: debtor.id,
          template: 'fresh_link',
          props,
          toAddress: debtor.email,
          locale: 'nl',
        });
        id = comm!.id;
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(id).toBeDefined();
    expect(await communication(id!)).toBeUndefined();
    expect(await sendJobsFor(id!)).toHaveLength(0);
  });

  it('queues nothing for a dedupe key used before', async () => {
    const first = await queuedReminder({ dedupeKey: 'dunning:stage-1' });
    const second = await queuedReminder({ org: first.org, debtor: first.debtor, dedupeKey: 'dunning:stage-1' });
    expect(first.comm).not.toBeNull();
    expect(second.comm).toBeNull();
    const rows = await getDb().select().from(communications).where(eq(communications.debtorId, first.debtor.id));
    expect(rows).toHaveLength(1);
    // The same key in another organisation is another message.
    const other = await queuedReminder({ dedupeKey: 'dunning:stage-1' });
    expect(other.comm).not.toBeNull();
  });

  it('queues nothing for a debtor whose address is blocked', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { emailBlockedAt: new Date('2026-11-01T10:00:00Z') });
    const { comm } = await queuedReminder({ org, debtor });
    expect(comm).toBeNull();
    const rows = await getDb().select().from(communications).where(eq(communications.debtorId, debtor.id));
    expect(rows).toHaveLength(0);
  });

  it('queues a batch in a few statements and lines the results up with the inputs', async () => {
    const org = await createOrganization();
    const open = await createDebtor(org);
    const blocked = await createDebtor(org, { emailBlockedAt: new Date('2026-11-01T10:00:00Z') });
    const base = { organizationId: org.id, template: 'fresh_link' as const, locale: 'nl' as const };
    const props = (
      await getDb().transaction((tx) =>
        debtorEmailProps(tx, {
          organizationId: org.id,
          debtorId: open.id,
          invoiceIds: [],
          portalUrl: 'http://voldaan.test/l/b',
        }),
      )
    ).props;
    const results = await getDb().transaction((tx) =>
      queueCommunications(tx, [
        { ...base, debtorId: open.id, toAddress: open.email, props, dedupeKey: 'batch:1' },
        { ...base, debtorId: blocked.id, toAddress: blocked.email, props, dedupeKey: 'batch:2' },
        { ...base, debtorId: open.id, toAddress: open.email, props, dedupeKey: 'batch:1' },
        { ...base, debtorId: open.id, toAddress: open.email, props },
      ]),
    );
    expect(results.map((r) => r !== null)).toEqual([true, false, false, true]);
    const jobs = await getDb().execute(
      sql`select count(*)::int as n from graphile_worker.jobs where key in (${`comm:${results[0]!.id}`}, ${`comm:${results[3]!.id}`})`,
    );
    expect(jobs[0].n).toBe(2);
  });

  it("writes debtor mail in the debtor's language as it stands when queued, staff notices in the caller's", async () => {
    const org = await createOrganization({ defaultLocale: 'nl' });
    const debtor = await createDebtor(org, { locale: 'nl' });
    const props = (
      await getDb().transaction((tx) =>
        debtorEmailProps(tx, {
          organizationId: org.id,
          debtorId: debtor.id,
          invoiceIds: [],
          portalUrl: 'http://voldaan.test/l/c',
        }),
      )
    ).props;
    // The debtor switched to English after the caller read the row.
    await getDb().update(debtors).set({ locale: 'en' }).where(eq(debtors.id, debtor.id));
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const [toDebtor, toStaff] = await getDb().transaction((tx) =>
      queueCommunications(
        tx,
        [
          {
            organizationId: org.id,
            debtorId: debtor.id,
            template: 'fresh_link',
            props,
            toAddress: debtor.email,
            locale: 'nl',
          },
          {
            organizationId: org.id,
            debtorId: debtor.id,
            template: 'staff_notification',
            toAddress: 'finance@example.nl',
            locale: 'nl',
            props: {
              locale: 'nl',
              organization: props.organization,
              title: 'Nieuw voorstel',
              lines: [],
              backOfficeUrl: 'http://voldaan.test/app/plans',
            },
          },
        ],
        { clock },
      ),
    );
    expect(toDebtor).toMatchObject({ locale: 'en', props: { locale: 'en' } });
    expect(toStaff).toMatchObject({ locale: 'nl', props: { locale: 'nl' } });
    await sendCommunication(toDebtor!.id, { clock });
    expect((await communication(toDebtor!.id)).subject).toBe(`Your new link to the payment portal of ${org.name}`);
  });

  it('refuses a debtor of another organisation', async () => {
    const org = await createOrganization();
    const stranger = await createDebtor(await createOrganization());
    await expect(
      getDb().transaction((tx) =>
        queueCommunication(tx, {
          organizationId: org.id,
          debtorId: stranger.id,
          template: 'fresh_link',
          props: {} as never,
          toAddress: stranger.email,
          locale: 'nl',
        }),
      ),
    ).rejects.toThrow(/does not belong/);
  });
});

describe('sendCommunication without a Resend key (local outbox)', () => {
  it('renders, stores and marks the message sent, once', async () => {
    const clock = fixedClock('2026-11-08T08:00:00Z');
    const { comm, invoices: invs, portalUrl } = await queuedReminder({ clock });
    const outcome = await sendCommunication(comm!.id, { clock });
    expect(outcome).toEqual({ status: 'sent', transport: 'outbox', providerMessageId: null });

    const row = await communication(comm!.id);
    expect(row.status).toBe('sent');
    expect(row.sentAt).toEqual(clock.now());
    expect(row.subject).toMatch(/^Vriendelijke herinnering: 2 openstaande facturen van Testbedrijf/);
    expect(row.html).toContain(`href="${portalUrl}"`);
    expect(row.html).toContain(invs[0].number);
    expect(row.textBody).toContain(portalUrl);
    expect(row.attempts).toBe(1);
    expect((await auditActions(comm!.id)).map((a) => a.action)).toEqual(['communication.sent']);

    expect(await sendCommunication(comm!.id, { clock })).toEqual({ status: 'skipped', reason: 'not_queued' });
    expect(resend.requests).toHaveLength(0);
  });

  it('skips an unknown id', async () => {
    expect(await sendCommunication('00000000-0000-4000-8000-000000000000')).toEqual({
      status: 'skipped',
      reason: 'not_found',
    });
  });

  it('cancels a message whose debtor was blocked after it was queued', async () => {
    const { comm, debtor } = await queuedReminder();
    await getDb()
      .update(debtors)
      .set({ emailBlockedAt: new Date('2026-11-01T10:00:00Z') })
      .where(eq(debtors.id, debtor.id));
    expect(await sendCommunication(comm!.id)).toEqual({ status: 'cancelled', reason: 'email_blocked' });
    expect((await communication(comm!.id)).status).toBe('cancelled');
    expect((await auditActions(comm!.id)).map((a) => a.action)).toEqual(['communication.cancelled']);
  });
});

describe('sendCommunication through Resend', () => {
  it('sends with the communication id as idempotency key and stores the provider id', async () => {
    useResend();
    process.env.EMAIL_FROM = 'Voldaan <noreply@mail.voldaan.example>';
    resetEnv();
    const org = await createOrganization({
      senderName: 'Veldkamp "Debiteuren"',
      replyTo: 'debiteuren@veldkamp.example',
    });
    const { comm, debtor } = await queuedReminder({ org });
    resend.reply(resendReplies.ok('49a3999c-0ce1-4ea6-ab68-afcd6dc2e794'));

    const outcome = await sendCommunication(comm!.id);
    expect(outcome).toEqual({
      status: 'sent',
      transport: 'resend',
      providerMessageId: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794',
    });
    expect(resend.requests).toHaveLength(1);
    const [request] = resend.requests;
    expect(request.headers.get('Idempotency-Key')).toBe(comm!.id);
    expect(request.headers.get('Authorization')).toBe('Bearer re_test_0123456789');
    expect(request.body).toMatchObject({
      from: '"Veldkamp \\"Debiteuren\\"" <noreply@mail.voldaan.example>',
      to: debtor.email,
      reply_to: 'debiteuren@veldkamp.example',
      tags: [
        { name: 'communication_id', value: comm!.id },
        { name: 'template', value: 'friendly_reminder' },
      ],
    });
    expect(String(request.body.subject)).toMatch(/^Vriendelijke herinnering/);
    expect(String(request.body.text)).toContain('http://voldaan.test/l/test-');

    const row = await communication(comm!.id);
    expect(row).toMatchObject({ status: 'sent', providerMessageId: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' });
    expect(row.html).toBe(request.body.html);
  });

  it('waits out a short Retry-After inside the job and sends', async () => {
    useResend();
    const { comm } = await queuedReminder();
    resend.reply(resendReplies.rateLimited(1), resendReplies.ok('re_after_wait'));
    const { waits, sleep } = noWait();
    const outcome = await sendCommunication(comm!.id, { sleep });
    expect(outcome).toMatchObject({ status: 'sent', providerMessageId: 're_after_wait' });
    expect(waits).toEqual([1000]);
    expect(resend.requests.map((r) => r.headers.get('Idempotency-Key'))).toEqual([comm!.id, comm!.id]);
  });

  it('hands a long Retry-After back to the job runner as a retryable error', async () => {
    useResend();
    const { comm } = await queuedReminder();
    resend.reply(resendReplies.rateLimited(30));
    const { waits, sleep } = noWait();
    const error = await sendCommunication(comm!.id, { sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableSendError);
    expect((error as RetryableSendError).retryAfterMs).toBe(30_000);
    expect(waits).toEqual([]);
    const row = await communication(comm!.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.error).toContain('429 rate_limit_exceeded');
  });

  it('retries a 500 and sends on the next attempt', async () => {
    useResend();
    const { comm } = await queuedReminder();
    resend.reply(resendReplies.serverError());
    await expect(sendCommunication(comm!.id)).rejects.toBeInstanceOf(RetryableSendError);
    expect((await communication(comm!.id)).status).toBe('queued');

    resend.reply(resendReplies.ok('re_second_try'));
    expect(await sendCommunication(comm!.id)).toMatchObject({ status: 'sent', providerMessageId: 're_second_try' });
    const row = await communication(comm!.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, error: null });
    expect(resend.requests).toHaveLength(2);
  });

  it('gives up on the last attempt: failed, and the debtor flagged', async () => {
    useResend();
    const { comm, debtor } = await queuedReminder();
    resend.reply(resendReplies.serverError());
    const outcome = await sendCommunication(comm!.id, { finalAttempt: true });
    expect(outcome).toMatchObject({ status: 'failed' });
    expect((await communication(comm!.id)).error).toMatch(/gave up after 1 attempts: 500 internal_server_error/);
    const [flagged] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(flagged.flaggedReason).toBe('email_failed');
  });

  it('gives up after the last of its attempts even when the job runner would try again', async () => {
    useResend();
    const { comm } = await queuedReminder();
    await getDb()
      .update(communications)
      .set({ attempts: MAX_SEND_ATTEMPTS - 1 })
      .where(eq(communications.id, comm!.id));
    resend.reply(resendReplies.rateLimited(30));
    expect(await sendCommunication(comm!.id)).toMatchObject({ status: 'failed' });
    expect((await communication(comm!.id)).error).toMatch(/^gave up after 10 attempts: 429 rate_limit_exceeded/);
  });

  it('marks a validation error failed at once and flags the debtor for staff', async () => {
    useResend();
    const clock = fixedClock('2026-11-08T08:00:00Z');
    const { comm, debtor } = await queuedReminder({ clock });
    resend.reply(resendReplies.validationError());
    const outcome = await sendCommunication(comm!.id, { clock });
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(resend.requests).toHaveLength(1);

    const row = await communication(comm!.id);
    expect(row.status).toBe('failed');
    expect(row.failedAt).toEqual(clock.now());
    expect(row.error).toMatch(/^422 validation_error: Invalid `to` field/);
    const [flagged] = await getDb().select().from(debtors).where(eq(debtors.id, debtor.id));
    expect(flagged.flaggedAt).toEqual(clock.now());
    expect(flagged.flaggedReason).toBe('email_failed');
    const events = await auditActions(comm!.id);
    expect(events.map((e) => e.action)).toEqual(['communication.failed']);
    expect(events[0].data).toMatchObject({ debtorFlagged: true });
  });
});

describe('send checks', () => {
  it('cancels when a check says so, without calling Resend', async () => {
    useResend();
    const { comm } = await queuedReminder();
    const unregister = registerSendCheck('friendly_reminder', async () => ({ action: 'cancel', reason: 'all_paid' }));
    try {
      expect(await sendCommunication(comm!.id)).toEqual({ status: 'cancelled', reason: 'all_paid' });
    } finally {
      unregister();
    }
    expect(resend.requests).toHaveLength(0);
    expect(await communication(comm!.id)).toMatchObject({ status: 'cancelled', error: 'all_paid' });
    const events = await auditActions(comm!.id);
    expect(events).toEqual([
      { action: 'communication.cancelled', data: { template: 'friendly_reminder', reason: 'all_paid' } },
    ]);
  });

  it('re-renders with the props a check returns, inside the send transaction', async () => {
    const { comm, invoices: invs } = await queuedReminder();
    const [paid, open] = invs;
    await getDb().update(invoices).set({ status: 'paid', openCents: 0 }).where(eq(invoices.id, paid.id));
    // What the dunning engine will do: look again, in the send transaction, at what is still open.
    const unregister = registerSendCheck('*', async (c, tx) => {
      if (!c.debtorId) return { action: 'send' };
      const stillOpen = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(and(inArray(invoices.id, c.invoiceIds), eq(invoices.status, 'open')));
      if (stillOpen.length === 0) return { action: 'cancel', reason: 'nothing_open' };
      if (stillOpen.length === c.invoiceIds.length) return { action: 'send' };
      const { props } = await debtorEmailProps(tx, {
        organizationId: c.organizationId,
        debtorId: c.debtorId,
        invoiceIds: stillOpen.map((i) => i.id),
        portalUrl: String((c.props as { portalUrl: string }).portalUrl),
      });
      return { action: 'rerender', props, invoiceIds: stillOpen.map((i) => i.id) };
    });
    try {
      expect(await sendCommunication(comm!.id)).toMatchObject({ status: 'sent' });
    } finally {
      unregister();
    }
    const row = await communication(comm!.id);
    expect(row.invoiceIds).toEqual([open.id]);
    expect(row.html).toContain(open.number);
    expect(row.html).not.toContain(paid.number);
    expect(row.subject).toContain(`factuur ${open.number}`);
  });

  it('runs a one-off beforeSend check after the registered ones', async () => {
    const { comm } = await queuedReminder();
    const seen: string[] = [];
    const unregister = registerSendCheck('*', async (c) => {
      seen.push(`registered:${c.id}`);
      return { action: 'send' };
    });
    try {
      const outcome = await sendCommunication(comm!.id, {
        beforeSend: async (c) => {
          seen.push(`beforeSend:${c.id}`);
          return { action: 'cancel', reason: 'paid_meanwhile' };
        },
      });
      expect(outcome).toEqual({ status: 'cancelled', reason: 'paid_meanwhile' });
    } finally {
      unregister();
    }
    expect(seen).toEqual([`registered:${comm!.id}`, `beforeSend:${comm!.id}`]);
  });

  it('stops running a check once unregistered', async () => {
    const { comm } = await queuedReminder();
    const unregister = registerSendCheck('friendly_reminder', async () => ({ action: 'cancel', reason: 'x' }));
    unregister();
    expect(await sendCommunication(comm!.id)).toMatchObject({ status: 'sent' });
  });
});

describe('organisation branding in the rendered message', () => {
  it('uses the organisation name and brand colour', async () => {
    const org = await createOrganization({ name: 'Bakkerij Zoet', brandColor: '#aa3300' });
    await getDb().update(organizations).set({ kvkNumber: '87654321' }).where(eq(organizations.id, org.id));
    const { comm } = await queuedReminder({ org: { ...org, kvkNumber: '87654321' } });
    await sendCommunication(comm!.id);
    const row = await communication(comm!.id);
    expect(row.html).toContain('#aa3300');
    expect(row.textBody).toContain('KvK 87654321');
    expect(row.subject).toContain('Bakkerij Zoet');
  });
});
