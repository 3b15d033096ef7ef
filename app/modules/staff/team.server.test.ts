import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, staffInvitations, staffSessions, staffUsers } from '~db/schema';
import { createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { sha256 } from '~/utils/token.server';
import { verifyPassword } from './password.server';
import {
  acceptInvitation,
  findInvitation,
  inviteStaff,
  listTeam,
  revokeInvitation,
  setStaffActive,
  setStaffRole,
} from './team.server';

const tokenOf = (url: string) => url.split('/invite/')[1];

describe('invitations', () => {
  it('stores only a hash of the token, works once, and creates the account with the invited role', async () => {
    const db = getDb();
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const invite = await inviteStaff(admin, { email: 'Nieuwe.Collega@Example.nl', role: 'support' }, { clock });
    if (!invite.ok) throw new Error('invitation refused');
    expect(invite.url).toMatch(/^http:\/\/voldaan\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(invite.expiresAt).toBe('2026-11-30T10:00:00.000Z');
    const token = tokenOf(invite.url);
    const [row] = await db.select().from(staffInvitations).where(eq(staffInvitations.id, invite.invitationId));
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.email).toBe('nieuwe.collega@example.nl');

    expect(await findInvitation(token, { clock })).toEqual({
      ok: true,
      email: 'nieuwe.collega@example.nl',
      role: 'support',
      organizationName: org.name,
    });
    expect(
      await acceptInvitation(token, { name: 'Nieuwe Collega', password: 'een lang genoeg wachtwoord' }, { clock }),
    ).toEqual({
      ok: true,
      email: 'nieuwe.collega@example.nl',
    });
    const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, 'nieuwe.collega@example.nl'));
    expect(user).toMatchObject({ organizationId: org.id, role: 'support', name: 'Nieuwe Collega', active: true });
    expect(await verifyPassword(user.passwordHash!, 'een lang genoeg wachtwoord')).toBe(true);

    // Used: the same link no longer works, and the invitation leaves the pending list.
    expect(await findInvitation(token, { clock })).toEqual({ ok: false, reason: 'invalid' });
    expect(await acceptInvitation(token, { name: 'Iemand', password: 'nog een lang wachtwoord' }, { clock })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect((await listTeam(org.id, { clock })).invitations).toEqual([]);
    const actions = (
      await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.organizationId, org.id))
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.invited', 'staff.invitation_accepted']));
  });

  it('expires after 7 days, refuses addresses that already have an account, and replaces an earlier invitation', async () => {
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const org = await createOrganization();
    const other = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const elsewhere = await createStaff(other, 'finance');
    expect(await inviteStaff(admin, { email: elsewhere.email.toUpperCase(), role: 'finance' }, { clock })).toEqual({
      ok: false,
      error: 'exists',
    });

    const first = await inviteStaff(admin, { email: 'a@example.nl', role: 'finance' }, { clock });
    const second = await inviteStaff(admin, { email: 'a@example.nl', role: 'admin' }, { clock });
    if (!first.ok || !second.ok) throw new Error('invitation refused');
    expect(await findInvitation(tokenOf(first.url), { clock })).toEqual({ ok: false, reason: 'invalid' });
    expect(await findInvitation(tokenOf(second.url), { clock })).toMatchObject({ ok: true, role: 'admin' });

    clock.advanceDays(7);
    expect(await findInvitation(tokenOf(second.url), { clock })).toEqual({ ok: false, reason: 'expired' });
    expect(
      await acceptInvitation(
        tokenOf(second.url),
        { name: 'Te Laat', password: 'een lang genoeg wachtwoord' },
        { clock },
      ),
    ).toEqual({
      ok: false,
      reason: 'expired',
    });
    const team = await listTeam(org.id, { clock });
    expect(team.invitations).toEqual([expect.objectContaining({ email: 'a@example.nl', expired: true })]);

    expect(await revokeInvitation(elsewhere, team.invitations[0].id)).toBe(false);
    expect(await revokeInvitation(admin, team.invitations[0].id)).toBe(true);
    expect((await listTeam(org.id)).invitations).toEqual([]);
  });
});

describe('roles and deactivation', () => {
  it('never leaves the organisation without an active admin', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const finance = await createStaff(org, 'finance');

    expect(await setStaffRole(admin, admin.id, 'finance')).toEqual({ ok: false, error: 'last_admin' });
    expect(await setStaffActive(admin, admin.id, false)).toEqual({ ok: false, error: 'last_admin' });

    expect(await setStaffRole(admin, finance.id, 'admin')).toEqual({ ok: true, changed: true });
    expect(await setStaffRole(admin, finance.id, 'admin')).toEqual({ ok: true, changed: false });
    // Two admins now: the first may step down.
    expect(await setStaffRole(admin, admin.id, 'support')).toEqual({ ok: true, changed: true });
    // The remaining admin is now the last one.
    expect(await setStaffActive(finance, finance.id, false)).toEqual({ ok: false, error: 'last_admin' });
    expect(await setStaffRole(finance, finance.id, 'support')).toEqual({ ok: false, error: 'last_admin' });

    const events = await getDb()
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(eq(auditEvents.organizationId, org.id));
    expect(events.filter((e) => e.action === 'staff.role_changed').map((e) => [e.data?.from, e.data?.to])).toEqual([
      ['finance', 'admin'],
      ['admin', 'support'],
    ]);
  });

  it('signs a deactivated member out everywhere, and touches nobody in another organisation', async () => {
    const db = getDb();
    const org = await createOrganization();
    const other = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const support = await createStaff(org, 'support');
    const stranger = await createStaff(other, 'finance');
    await staffCookie(support);
    expect(await db.select().from(staffSessions).where(eq(staffSessions.staffUserId, support.id))).toHaveLength(1);

    expect(await setStaffActive(admin, support.id, false)).toEqual({ ok: true, changed: true });
    expect(await db.select().from(staffSessions).where(eq(staffSessions.staffUserId, support.id))).toEqual([]);
    const [after] = await db.select().from(staffUsers).where(eq(staffUsers.id, support.id));
    expect(after.active).toBe(false);
    expect(await setStaffActive(admin, support.id, true)).toEqual({ ok: true, changed: true });

    expect(await setStaffActive(admin, stranger.id, false)).toEqual({ ok: false, error: 'not_found' });
    expect(await setStaffRole(admin, stranger.id, 'admin')).toEqual({ ok: false, error: 'not_found' });
    const [untouched] = await db.select().from(staffUsers).where(eq(staffUsers.id, stranger.id));
    expect(untouched).toMatchObject({ active: true, role: 'finance' });
  });
});
