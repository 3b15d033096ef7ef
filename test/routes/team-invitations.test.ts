/**
 * Staff invitations by email: the team page's invite (and "send again") queues the invitation
 * email through the outbox, to an invitee who is no debtor; the page shows how the delivery
 * went (a bounce as "could not be delivered") and still shows the link once as a fallback.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, staffInvitations } from '~db/schema';
import { createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { communication, sendJobsFor } from '~test/factories-mail';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { mockResend, resendEvent, resendReplies, signWebhook, TEST_WEBHOOK_SECRET } from '~test/msw/resend';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { localeCookie } from '~/utils/i18n/locale.server';
import { TEAM_INTENT } from '~/modules/backoffice/intents';
import { invitationMailStatus } from '~/modules/mail/invitation.server';
import { queueCommunication, sendCommunication } from '~/modules/mail/outbox.server';
import { acceptInvitation, findInvitation } from '~/modules/staff/team.server';
import * as team from '~/routes/app.settings.team';
import { action as resendWebhook } from '~/routes/webhooks.resend';

const resend = mockResend();
beforeAll(() => resend.server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  process.env.RESEND_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  resetEnv();
});
afterEach(() => {
  resend.reset();
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_WEBHOOK_SECRET;
  resetEnv();
});
afterAll(() => resend.server.close());

type Invited = { done: 'invited'; email: string; url: string; expiresAt: string; emailed: boolean };
type TeamPage = Awaited<ReturnType<typeof team.loader>>;

async function adminOf(orgOverrides: Parameters<typeof createOrganization>[0] = {}) {
  const org = await createOrganization(orgOverrides);
  const admin = await createStaff(org, 'admin');
  return { org, admin, cookie: await staffCookie(admin) };
}

async function invite(cookie: string, email: string, role = 'support') {
  const result = await settle(() =>
    team.action(
      routeArgs(formRequest('/app/settings/team', { intent: TEAM_INTENT.invite, email, role }, { cookie })) as never,
    ),
  );
  return result as Invited;
}

const teamPage = async (cookie: string) =>
  (await team.loader(routeArgs(getRequest('/app/settings/team', { cookie })) as never)) as TeamPage;

async function mailOf(invitationId: string) {
  return getDb().select().from(communications).where(eq(communications.staffInvitationId, invitationId));
}

async function pendingInvitation(orgId: string) {
  const rows = await getDb()
    .select()
    .from(staffInvitations)
    .where(and(eq(staffInvitations.organizationId, orgId), isNull(staffInvitations.acceptedAt)));
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** A moment inside the invitation's week, taken from the invitation itself. */
const duringInvitation = (expiresAt: string) => fixedClock(new Date(Date.parse(expiresAt) - 86_400_000));
const tokenOf = (url: string) => url.split('/invite/')[1];

describe('inviting by email', () => {
  it("queues the invitation email to the invitee (no debtor), in the admin's language; the token is in no audit event or job", async () => {
    const { org, admin } = await adminOf({ defaultLocale: 'nl', name: 'Veldkamp Installatietechniek' });
    const cookie = `${await staffCookie(admin)}; ${(await localeCookie.serialize('en')).split(';')[0]}`;
    const result = await invite(cookie, 'Nieuwe.Collega@Example.nl');
    expect(result).toMatchObject({ done: 'invited', email: 'nieuwe.collega@example.nl', emailed: true });
    const token = tokenOf(result.url);
    expect(token).toMatch(/^[\w-]{43}$/);

    const invitation = await pendingInvitation(org.id);
    const [mail] = await mailOf(invitation.id);
    expect(mail).toMatchObject({
      organizationId: org.id,
      debtorId: null,
      staffInvitationId: invitation.id,
      template: 'staff_invitation',
      toAddress: 'nieuwe.collega@example.nl',
      locale: 'en',
      status: 'queued',
    });
    const jobs = await sendJobsFor(mail.id);
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs)).not.toContain(token);
    const events = await getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id));
    expect(events.map((e) => e.action)).toContain('staff.invited');
    expect(JSON.stringify(events)).not.toContain(token);

    // Sent through the local outbox: English, the organisation, the role, the expiry, the link.
    const clock = duringInvitation(result.expiresAt);
    expect(await sendCommunication(mail.id, { clock })).toMatchObject({ status: 'sent', transport: 'outbox' });
    const sent = await communication(mail.id);
    expect(sent.subject).toBe('Invitation to work in Voldaan for Veldkamp Installatietechniek');
    expect(sent.html).toContain(`href="${result.url}"`);
    expect(sent.textBody).toContain('with the role Support');
    expect(sent.textBody).toContain('valid until');
    expect(sent.html).toContain('lang="en"');
    expect(
      JSON.stringify(await getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))),
    ).not.toContain(token);

    const page = await teamPage(cookie);
    expect(page.invitations).toHaveLength(1);
    expect(page.invitations[0].mail).toMatchObject({ status: 'sent', undeliverable: false });
  });

  it("writes in the organisation's language when the admin chose none", async () => {
    const { org, cookie } = await adminOf({ defaultLocale: 'nl' });
    await invite(cookie, 'collega@example.nl', 'finance');
    const [mail] = await mailOf((await pendingInvitation(org.id)).id);
    expect(mail.locale).toBe('nl');
    expect(mail.props).toMatchObject({ role: 'finance', organization: { name: org.name } });
  });

  it('sends again on request: a new link and a new email replace the old ones', async () => {
    const { org, cookie } = await adminOf();
    const first = await invite(cookie, 'a@example.nl');
    const firstInvitation = await pendingInvitation(org.id);
    const [firstMail] = await mailOf(firstInvitation.id);

    // The "send again" button posts the pending invitation's address and role.
    const again = await invite(cookie, 'a@example.nl', 'support');
    expect(again).toMatchObject({ done: 'invited', emailed: true });
    expect(again.url).not.toBe(first.url);
    const clock = duringInvitation(again.expiresAt);
    expect(await findInvitation(tokenOf(first.url), { clock })).toEqual({ ok: false, reason: 'invalid' });
    expect(await findInvitation(tokenOf(again.url), { clock })).toMatchObject({ ok: true, role: 'support' });

    const invitation = await pendingInvitation(org.id);
    expect(invitation.id).not.toBe(firstInvitation.id);
    expect(await mailOf(invitation.id)).toHaveLength(1);
    expect(await communication(firstMail.id)).toBeUndefined();
    const page = await teamPage(cookie);
    expect(page.invitations.map((i) => [i.email, i.mail?.status])).toEqual([['a@example.nl', 'queued']]);
  });
});

describe('delivery of an invitation email', () => {
  it('a bounce shows on the team page as could not be delivered, and blocks or flags no debtor', async () => {
    const { org, cookie } = await adminOf();
    await invite(cookie, 'typo@example.nl');
    const [mail] = await mailOf((await pendingInvitation(org.id)).id);
    const emailId = '3f1e5a2c-0d7a-4f59-9f0e-6a4b1e1c2d3e';
    await getDb()
      .update(communications)
      .set({ status: 'sent', providerMessageId: emailId })
      .where(eq(communications.id, mail.id));
    const debtorsBefore = await getDb().select().from(debtors).where(eq(debtors.organizationId, org.id));

    const payload = resendEvent('email.bounced', emailId, { bounce: { message: 'No such user', type: 'Permanent' } });
    const response = await resendWebhook(
      routeArgs(
        new Request('http://voldaan.test/webhooks/resend', {
          method: 'POST',
          body: payload,
          headers: { 'Content-Type': 'application/json', ...signWebhook(payload) },
        }),
      ) as never,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, matched: true });

    expect(await communication(mail.id)).toMatchObject({ status: 'bounced', error: 'No such user' });
    const page = await teamPage(cookie);
    expect(page.invitations[0].mail).toMatchObject({ status: 'bounced', undeliverable: true });
    const events = await getDb().select().from(auditEvents).where(eq(auditEvents.entityId, mail.id));
    expect(events.map((e) => [e.action, e.debtorId])).toEqual([['communication.bounced', null]]);
    expect(await getDb().select().from(debtors).where(eq(debtors.organizationId, org.id))).toEqual(debtorsBefore);
  });

  it('through Resend: the message carries the link, the stored copy keeps it no longer', async () => {
    process.env.RESEND_API_KEY = 're_test_0123456789';
    resetEnv();
    const { org, cookie } = await adminOf();
    const result = await invite(cookie, 'nieuw@example.nl');
    const token = tokenOf(result.url);
    const [mail] = await mailOf((await pendingInvitation(org.id)).id);
    resend.reply(resendReplies.ok('0b6c9d62-51f4-4a3b-9a63-2f3f0c1d7e11'));

    const outcome = await sendCommunication(mail.id, { clock: duringInvitation(result.expiresAt) });
    expect(outcome).toMatchObject({ status: 'sent', transport: 'resend' });
    expect(resend.requests).toHaveLength(1);
    expect(resend.requests[0].body).toMatchObject({ to: 'nieuw@example.nl' });
    expect(String(resend.requests[0].body.html)).toContain(result.url);
    expect(String(resend.requests[0].body.text)).toContain(result.url);

    const stored = await communication(mail.id);
    expect(stored.status).toBe('sent');
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.html).toContain('/invite/[redacted]');
  });

  it('is not sent for an invitation accepted or expired before its turn', async () => {
    const { org, cookie } = await adminOf();
    const accepted = await invite(cookie, 'snel@example.nl');
    const clock = duringInvitation(accepted.expiresAt);
    const [acceptedMail] = await mailOf((await pendingInvitation(org.id)).id);
    expect(
      await acceptInvitation(
        tokenOf(accepted.url),
        { name: 'Snel', password: 'een lang genoeg wachtwoord' },
        { clock },
      ),
    ).toMatchObject({ ok: true });
    expect(await sendCommunication(acceptedMail.id, { clock })).toEqual({
      status: 'cancelled',
      reason: 'invitation_accepted',
    });

    const late = await invite(cookie, 'laat@example.nl');
    const [lateMail] = await mailOf((await pendingInvitation(org.id)).id);
    const afterExpiry = fixedClock(new Date(Date.parse(late.expiresAt) + 1_000));
    expect(await sendCommunication(lateMail.id, { clock: afterExpiry })).toEqual({
      status: 'cancelled',
      reason: 'invitation_expired',
    });
  });
});

describe('another organisation', () => {
  it('reads nothing of an invitation email and cannot queue mail for it', async () => {
    const { org, cookie } = await adminOf();
    await invite(cookie, 'geheim@example.nl');
    const invitation = await pendingInvitation(org.id);
    const other = await adminOf();

    expect(await invitationMailStatus(other.org.id, [invitation.id])).toEqual({});
    expect((await teamPage(other.cookie)).invitations).toEqual([]);
    expect(Object.keys(await invitationMailStatus(org.id, [invitation.id]))).toEqual([invitation.id]);

    await expect(
      getDb().transaction((tx) =>
        queueCommunication(tx, {
          organizationId: other.org.id,
          staffInvitationId: invitation.id,
          template: 'staff_invitation',
          toAddress: 'geheim@example.nl',
          locale: 'nl',
          props: {
            locale: 'nl',
            organization: { name: 'X', legalName: 'X B.V.', brandColor: '#000000' },
            inviteUrl: 'http://voldaan.test/invite/x',
            role: 'admin',
            expiresAt: invitation.expiresAt.toISOString(),
          },
        }),
      ),
    ).rejects.toThrow(/does not belong to organization/);
    expect(await mailOf(invitation.id)).toHaveLength(1);
  });
});
