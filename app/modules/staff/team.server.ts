/**
 * The team: staff of one organisation, invitations, roles and deactivation. Invitations are a
 * random token in a link, emailed to the invitee through the outbox (and shown once to the
 * admin as a fallback); only its sha256 is stored, it works once and for 7 days. No change
 * may leave the organisation without an active admin.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { organizations, staffInvitations, staffSessions, staffUsers } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { randomToken, sha256 } from '~/utils/token.server';
import { audit } from '~/modules/audit/index.server';
import { invitationMailStatus, queueStaffInvitation } from '~/modules/mail/index.server';
import { INVITATION_TTL_DAYS, PASSWORD_MIN_LENGTH, STAFF_ROLES } from './team';
import type { StaffRole } from './auth.server';
import { hashPassword } from './password.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';

export { INVITATION_TTL_DAYS, PASSWORD_MIN_LENGTH, STAFF_ROLES };

type Admin = { id: string; organizationId: string };
const actorOf = (admin: Admin) => ({ type: 'staff' as const, id: admin.id });

export async function listTeam(organizationId: string, { clock = systemClock }: { clock?: Clock } = {}) {
  const db = getDb();
  const now = clock.now();
  const [members, invitations] = await Promise.all([
    db
      .select({
        id: staffUsers.id,
        name: staffUsers.name,
        email: staffUsers.email,
        role: staffUsers.role,
        active: staffUsers.active,
        lastLoginAt: staffUsers.lastLoginAt,
        createdAt: staffUsers.createdAt,
      })
      .from(staffUsers)
      .where(orgScope(staffUsers, organizationId))
      .orderBy(desc(staffUsers.active), asc(staffUsers.name)),
    db
      .select({
        id: staffInvitations.id,
        email: staffInvitations.email,
        role: staffInvitations.role,
        expiresAt: staffInvitations.expiresAt,
        createdAt: staffInvitations.createdAt,
        invitedBy: staffUsers.name,
      })
      .from(staffInvitations)
      .leftJoin(staffUsers, eq(staffUsers.id, staffInvitations.invitedBy))
      .where(and(orgScope(staffInvitations, organizationId), isNull(staffInvitations.acceptedAt)))
      .orderBy(desc(staffInvitations.createdAt)),
  ]);
  const mail = await invitationMailStatus(
    organizationId,
    invitations.map((i) => i.id),
  );
  return {
    members: members.map((m) => ({
      ...m,
      lastLoginAt: m.lastLoginAt?.toISOString() ?? null,
      createdAt: m.createdAt.toISOString(),
    })),
    invitations: invitations.map((i) => ({
      ...i,
      /** The invitation email's delivery: null when none was queued (an older invitation). */
      mail: mail[i.id] ?? null,
      expired: i.expiresAt <= now,
      expiresAt: i.expiresAt.toISOString(),
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

export type InviteResult =
  { ok: true; url: string; expiresAt: string; invitationId: string; emailed: boolean } | { ok: false; error: 'exists' };

/**
 * Invites someone by email for a role: the invitation and its email (through the outbox) in
 * one transaction. Returns the link too, shown once to the admin as a fallback. Inviting the
 * same address again replaces the earlier, unused invitation and sends a new email (the old
 * link stops working). `locale` is the inviting admin's language (else the organisation's).
 */
export async function inviteStaff(
  admin: Admin,
  input: { email: string; role: StaffRole; locale?: 'nl' | 'en' | null },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<InviteResult> {
  const email = input.email.trim().toLowerCase();
  return getDb().transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = ${email}`)
      .limit(1);
    if (existing) return { ok: false, error: 'exists' } as const;
    const now = clock.now();
    await tx
      .delete(staffInvitations)
      .where(
        and(
          orgScope(staffInvitations, admin),
          sql`lower(${staffInvitations.email}) = ${email}`,
          isNull(staffInvitations.acceptedAt),
        ),
      );
    const token = randomToken(32);
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000);
    const [invitation] = await tx
      .insert(staffInvitations)
      .values({
        organizationId: admin.organizationId,
        email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: admin.id,
        expiresAt,
        createdAt: now,
      })
      .returning({ id: staffInvitations.id });
    const url = `${getEnv().APP_URL}/invite/${token}`;
    const [inviter] = await tx
      .select({ name: staffUsers.name })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, admin.id), orgScope(staffUsers, admin)));
    const mail = await queueStaffInvitation(
      tx,
      {
        organizationId: admin.organizationId,
        staffInvitationId: invitation.id,
        toAddress: email,
        role: input.role,
        inviteUrl: url,
        expiresAt,
        inviterName: inviter?.name ?? null,
        locale: input.locale ?? null,
      },
      { clock },
    );
    await audit(tx, {
      organizationId: admin.organizationId,
      actor: actorOf(admin),
      action: 'staff.invited',
      entityType: 'staff_invitation',
      entityId: invitation.id,
      // Never the link: its token is the invitation's only secret.
      data: { email, role: input.role, expiresAt: expiresAt.toISOString(), communicationId: mail?.id ?? null },
      at: now,
    });
    return {
      ok: true,
      url,
      expiresAt: expiresAt.toISOString(),
      invitationId: invitation.id,
      emailed: mail !== null,
    };
  });
}

export async function revokeInvitation(
  admin: Admin,
  invitationId: string,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  if (!isUuid(invitationId)) return false;
  return getDb().transaction(async (tx) => {
    const [gone] = await tx
      .delete(staffInvitations)
      .where(
        and(
          eq(staffInvitations.id, invitationId),
          orgScope(staffInvitations, admin),
          isNull(staffInvitations.acceptedAt),
        ),
      )
      .returning({ email: staffInvitations.email });
    if (!gone) return false;
    await audit(tx, {
      organizationId: admin.organizationId,
      actor: actorOf(admin),
      action: 'staff.invitation_revoked',
      entityType: 'staff_invitation',
      entityId: invitationId,
      data: { email: gone.email },
      at: clock.now(),
    });
    return true;
  });
}

export type InvitationLookup =
  { ok: true; email: string; role: StaffRole; organizationName: string } | { ok: false; reason: 'invalid' | 'expired' };

/** What the invitation page shows; an unknown, used or revoked token all read as invalid. */
export async function findInvitation(
  token: string,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<InvitationLookup> {
  if (!token || token.length > 100) return { ok: false, reason: 'invalid' };
  const [row] = await getDb()
    .select({
      email: staffInvitations.email,
      role: staffInvitations.role,
      expiresAt: staffInvitations.expiresAt,
      acceptedAt: staffInvitations.acceptedAt,
      organizationName: organizations.name,
    })
    .from(staffInvitations)
    .innerJoin(organizations, eq(organizations.id, staffInvitations.organizationId))
    .where(and(eq(staffInvitations.tokenHash, sha256(token)), eq(organizations.active, true)));
  if (!row || row.acceptedAt) return { ok: false, reason: 'invalid' };
  if (row.expiresAt <= clock.now()) return { ok: false, reason: 'expired' };
  return { ok: true, email: row.email, role: row.role, organizationName: row.organizationName };
}

export type AcceptResult = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'expired' | 'exists' };

/** Creates the staff account of an invitation, once. */
export async function acceptInvitation(
  token: string,
  input: { name: string; password: string },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<AcceptResult> {
  if (!token || token.length > 100) return { ok: false, reason: 'invalid' };
  const passwordHash = await hashPassword(input.password);
  return getDb().transaction(async (tx) => {
    const now = clock.now();
    const [invitation] = await tx
      .select()
      .from(staffInvitations)
      .where(eq(staffInvitations.tokenHash, sha256(token)))
      .for('update');
    if (!invitation || invitation.acceptedAt) return { ok: false, reason: 'invalid' } as const;
    if (invitation.expiresAt <= now) return { ok: false, reason: 'expired' } as const;
    const [taken] = await tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = ${invitation.email.toLowerCase()}`);
    if (taken) return { ok: false, reason: 'exists' } as const;
    const [user] = await tx
      .insert(staffUsers)
      .values({
        organizationId: invitation.organizationId,
        email: invitation.email,
        name: input.name.trim(),
        role: invitation.role,
        passwordHash,
        createdAt: now,
      })
      .returning({ id: staffUsers.id });
    await tx.update(staffInvitations).set({ acceptedAt: now }).where(eq(staffInvitations.id, invitation.id));
    await audit(tx, {
      organizationId: invitation.organizationId,
      actor: { type: 'staff', id: user.id },
      action: 'staff.invitation_accepted',
      entityType: 'staff_user',
      entityId: user.id,
      data: { invitationId: invitation.id, role: invitation.role, invitedBy: invitation.invitedBy },
      at: now,
    });
    return { ok: true, email: invitation.email } as const;
  });
}

export type TeamChangeResult = { ok: true; changed: boolean } | { ok: false; error: 'not_found' | 'last_admin' };

/**
 * Locks the organisation's active admins and the target, and says whether the change would
 * leave no active admin (the target being the only one).
 */
async function lockForChange(tx: Tx, admin: Admin, userId: string) {
  if (!isUuid(userId)) return null;
  const admins = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(orgScope(staffUsers, admin), eq(staffUsers.role, 'admin'), eq(staffUsers.active, true)))
    .orderBy(asc(staffUsers.id))
    .for('update');
  const [target] = await tx
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.id, userId), orgScope(staffUsers, admin)))
    .for('update');
  if (!target) return null;
  const isOnlyAdmin = admins.length === 1 && admins[0].id === target.id;
  return { target, isOnlyAdmin };
}

export async function setStaffRole(
  admin: Admin,
  userId: string,
  role: StaffRole,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<TeamChangeResult> {
  return getDb().transaction(async (tx) => {
    const locked = await lockForChange(tx, admin, userId);
    if (!locked) return { ok: false, error: 'not_found' } as const;
    const { target, isOnlyAdmin } = locked;
    if (target.role === role) return { ok: true, changed: false } as const;
    if (isOnlyAdmin && role !== 'admin') return { ok: false, error: 'last_admin' } as const;
    await tx.update(staffUsers).set({ role }).where(eq(staffUsers.id, target.id));
    await audit(tx, {
      organizationId: admin.organizationId,
      actor: actorOf(admin),
      action: 'staff.role_changed',
      entityType: 'staff_user',
      entityId: target.id,
      data: { from: target.role, to: role, email: target.email },
      at: clock.now(),
    });
    return { ok: true, changed: true } as const;
  });
}

/** Deactivates (and signs out everywhere) or reactivates a staff member. */
export async function setStaffActive(
  admin: Admin,
  userId: string,
  active: boolean,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<TeamChangeResult> {
  return getDb().transaction(async (tx) => {
    const locked = await lockForChange(tx, admin, userId);
    if (!locked) return { ok: false, error: 'not_found' } as const;
    const { target, isOnlyAdmin } = locked;
    if (target.active === active) return { ok: true, changed: false } as const;
    if (!active && isOnlyAdmin) return { ok: false, error: 'last_admin' } as const;
    await tx.update(staffUsers).set({ active }).where(eq(staffUsers.id, target.id));
    if (!active) await tx.delete(staffSessions).where(eq(staffSessions.staffUserId, target.id));
    await audit(tx, {
      organizationId: admin.organizationId,
      actor: actorOf(admin),
      action: active ? 'staff.reactivated' : 'staff.deactivated',
      entityType: 'staff_user',
      entityId: target.id,
      data: { email: target.email, role: target.role },
      at: clock.now(),
    });
    return { ok: true, changed: true } as const;
  });
}

/** Active admins of an organisation (for the team page's "last admin" hint). */
export async function activeAdminCount(organizationId: string) {
  const [row] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(staffUsers)
    .where(and(orgScope(staffUsers, organizationId), eq(staffUsers.role, 'admin'), eq(staffUsers.active, true)));
  return row?.n ?? 0;
}
