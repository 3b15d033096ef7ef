import { redirect } from '@remix-run/node';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { debtorSessions, debtors, organizations, type Debtor, type Organization } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { randomToken, sha256 } from '~/utils/token.server';
import { sessionCookie } from '~/utils/session-cookie.server';

export const PORTAL_IDLE_MS = 30 * 60_000;
export const PORTAL_ABSOLUTE_MS = 12 * 3_600_000;

const portalCookie = () => sessionCookie('vd_portal');

export type DebtorSession = {
  sessionId: string;
  organizationId: string;
  debtorId: string;
  debtor: Pick<Debtor, 'id' | 'name' | 'email' | 'kind' | 'locale' | 'creditCents'>;
  organization: Pick<
    Organization,
    | 'id'
    | 'name'
    | 'legalName'
    | 'brandColor'
    | 'logoFileId'
    | 'iban'
    | 'bic'
    | 'kvkNumber'
    | 'email'
    | 'phone'
    | 'website'
  > & {
    portalSettings: Organization['portalSettings'];
    planPolicy: Organization['planPolicy'];
    dunningPolicy: Organization['dunningPolicy'];
  };
};

/** Opens a portal session for a debtor (after a link was redeemed); returns the Set-Cookie value. */
export async function createDebtorSession(
  tx: Tx,
  { organizationId, debtorId, jti }: { organizationId: string; debtorId: string; jti: string },
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const token = randomToken();
  const now = clock.now();
  await tx.insert(debtorSessions).values({
    id: sha256(token),
    organizationId,
    debtorId,
    linkJti: jti,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + PORTAL_ABSOLUTE_MS),
  });
  // A session cookie (no Max-Age): it also ends when the browser closes.
  return portalCookie().serialize(token);
}

/** The debtor session of this request, or null (expired, idle too long, revoked, debtor inactive). */
export async function getDebtorSession(
  request: Request,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<DebtorSession | null> {
  const token = await portalCookie().parse(request.headers.get('Cookie'));
  if (typeof token !== 'string' || token.length > 100) return null;
  const id = sha256(token);
  const now = clock.now();
  const db = getDb();
  const [row] = await db
    .select({
      lastSeenAt: debtorSessions.lastSeenAt,
      debtor: {
        id: debtors.id,
        name: debtors.name,
        email: debtors.email,
        kind: debtors.kind,
        locale: debtors.locale,
        creditCents: debtors.creditCents,
      },
      organization: {
        id: organizations.id,
        name: organizations.name,
        legalName: organizations.legalName,
        brandColor: organizations.brandColor,
        logoFileId: organizations.logoFileId,
        iban: organizations.iban,
        bic: organizations.bic,
        kvkNumber: organizations.kvkNumber,
        email: organizations.email,
        phone: organizations.phone,
        website: organizations.website,
        portalSettings: organizations.portalSettings,
        planPolicy: organizations.planPolicy,
        dunningPolicy: organizations.dunningPolicy,
      },
    })
    .from(debtorSessions)
    .innerJoin(
      debtors,
      and(eq(debtors.id, debtorSessions.debtorId), eq(debtors.organizationId, debtorSessions.organizationId)),
    )
    .innerJoin(organizations, eq(organizations.id, debtorSessions.organizationId))
    .where(
      and(
        eq(debtorSessions.id, id),
        isNull(debtorSessions.revokedAt),
        gt(debtorSessions.expiresAt, now),
        gt(debtorSessions.lastSeenAt, new Date(now.getTime() - PORTAL_IDLE_MS)),
        eq(debtors.active, true),
        isNull(debtors.deletedAt),
        eq(organizations.active, true),
      ),
    );
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(debtorSessions).set({ lastSeenAt: now }).where(eq(debtorSessions.id, id));
  }
  return {
    sessionId: id,
    organizationId: row.organization.id,
    debtorId: row.debtor.id,
    debtor: row.debtor,
    organization: row.organization,
  };
}

const perRequest = new WeakMap<Request, Promise<DebtorSession | null>>();

/** Ensures a debtor session; without one the visitor lands on the page that explains how to get back in. */
export async function requireDebtor(request: Request, options: { clock?: Clock } = {}): Promise<DebtorSession> {
  // The layout and the page loaders of one request share one lookup.
  let pending = perRequest.get(request);
  if (!pending || options.clock) {
    pending = getDebtorSession(request, options);
    if (!options.clock) perRequest.set(request, pending);
  }
  const session = await pending;
  if (!session) throw redirect('/portal/signed-out');
  return session;
}

export async function endDebtorSession(request: Request) {
  const token = await portalCookie().parse(request.headers.get('Cookie'));
  if (typeof token === 'string') {
    await getDb()
      .update(debtorSessions)
      .set({ revokedAt: new Date() })
      .where(eq(debtorSessions.id, sha256(token)));
  }
  return portalCookie().serialize('', { maxAge: 0 });
}
