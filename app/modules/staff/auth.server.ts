import { redirect } from '@remix-run/node';
import { and, eq, gt, sql } from 'drizzle-orm';
import { organizations, staffSessions, staffUsers, type StaffUser } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { forbidden } from '~/utils/http.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { clearLimit, clientIp, hit } from '~/utils/rate-limit.server';
import { randomToken, sha256 } from '~/utils/token.server';
import { audit } from '~/modules/audit/index.server';
import { burnPasswordCheck, verifyPassword } from './password.server';
import { hasRole } from './roles';
import { sessionCookie } from '~/utils/session-cookie.server';

export type StaffRole = StaffUser['role'];
export type SignedInStaff = Pick<StaffUser, 'id' | 'email' | 'name' | 'role' | 'organizationId'> & {
  organizationName: string;
  sessionId: string;
};

const SESSION_IDLE_MS = 8 * 3_600_000;
const SESSION_ABSOLUTE_MS = 7 * 24 * 3_600_000;
export const LOGIN_LIMIT_PER_EMAIL = 5;
export const LOGIN_LIMIT_PER_IP = 30;
const LOGIN_WINDOW_SECONDS = 15 * 60;

const staffCookie = () => sessionCookie('vd_staff');

export type LoginResult =
  { ok: true; setCookie: string; staff: StaffUser } | { ok: false; reason: 'invalid' | 'throttled' };

/** Unknown email and wrong password answer the same, after the same amount of work. */
export async function login(email: string, password: string, request: Request): Promise<LoginResult> {
  const db = getDb();
  const normalized = email.trim().toLowerCase();
  // No address has control characters (and PostgreSQL cannot even compare a NUL): a wrong login, same work.
  if (hasForbiddenControlChars(normalized)) {
    await burnPasswordCheck(password);
    return { ok: false, reason: 'invalid' };
  }
  const emailKey = `login:email:${normalized}`;
  const ipKey = `login:ip:${clientIp(request)}`;
  const [byEmail, byIp] = await Promise.all([
    hit(db, emailKey, LOGIN_LIMIT_PER_EMAIL, LOGIN_WINDOW_SECONDS),
    hit(db, ipKey, LOGIN_LIMIT_PER_IP, LOGIN_WINDOW_SECONDS),
  ]);
  if (!byEmail.allowed || !byIp.allowed) {
    await burnPasswordCheck(password);
    return { ok: false, reason: 'throttled' };
  }
  const [user] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${normalized}`)
    .limit(1);
  const valid =
    user?.passwordHash && user.active
      ? await verifyPassword(user.passwordHash, password)
      : (await burnPasswordCheck(password), false);
  if (!user || !valid) return { ok: false, reason: 'invalid' };

  await clearLimit(db, emailKey);
  const token = randomToken();
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.insert(staffSessions).values({
      id: sha256(token),
      staffUserId: user.id,
      organizationId: user.organizationId,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      userAgent: request.headers.get('user-agent')?.slice(0, 300) ?? null,
    });
    await tx.update(staffUsers).set({ lastLoginAt: now }).where(eq(staffUsers.id, user.id));
    await audit(tx, {
      organizationId: user.organizationId,
      actor: { type: 'staff', id: user.id },
      action: 'staff.signed_in',
      entityType: 'staff_user',
      entityId: user.id,
    });
  });
  return {
    ok: true,
    setCookie: await staffCookie().serialize(token, { maxAge: SESSION_ABSOLUTE_MS / 1000 }),
    staff: user,
  };
}

export async function getStaff(request: Request): Promise<SignedInStaff | null> {
  const token = await staffCookie().parse(request.headers.get('Cookie'));
  if (typeof token !== 'string' || token.length > 100) return null;
  const db = getDb();
  const now = new Date();
  const id = sha256(token);
  const [row] = await db
    .select({
      sessionId: staffSessions.id,
      lastSeenAt: staffSessions.lastSeenAt,
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      organizationId: staffUsers.organizationId,
      organizationName: organizations.name,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .innerJoin(organizations, eq(organizations.id, staffUsers.organizationId))
    .where(
      and(
        eq(staffSessions.id, id),
        gt(staffSessions.expiresAt, now),
        gt(staffSessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)),
        eq(staffUsers.active, true),
        eq(organizations.active, true),
      ),
    )
    .limit(1);
  if (!row) return null;
  // Touch at most once a minute: keeps the idle window sliding without a write per request.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, id));
  }
  const { lastSeenAt: _lastSeenAt, ...staff } = row;
  return staff;
}

/**
 * Ensures a signed-in staff member (redirect to login otherwise) and, when roles are given,
 * one of those roles (admin always passes): 403 otherwise.
 */
export async function requireStaff(request: Request, ...roles: StaffRole[]): Promise<SignedInStaff> {
  const staff = await getStaff(request);
  if (!staff) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (!hasRole(staff, ...roles)) forbidden();
  return staff;
}

export async function logout(request: Request) {
  const token = await staffCookie().parse(request.headers.get('Cookie'));
  if (typeof token === 'string')
    await getDb()
      .delete(staffSessions)
      .where(eq(staffSessions.id, sha256(token)));
  return staffCookie().serialize('', { maxAge: 0 });
}
