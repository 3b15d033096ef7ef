import { redirect } from '@remix-run/node';
import { and, eq, isNull } from 'drizzle-orm';
import { debtorSessions, debtors, organizations, portalLinks, type Debtor, type Organization } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { randomToken, sha256 } from '~/utils/token.server';
import { sessionCookie } from '~/utils/session-cookie.server';
import { sessionEndReason, signedOutPath, type SessionEndReason } from './session-end';

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
    | 'addressLine'
    | 'postalCode'
    | 'city'
    | 'country'
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
  options: { clock?: Clock } = {},
): Promise<DebtorSession | null> {
  const found = await readDebtorSession(request, options);
  return 'session' in found ? found.session : null;
}

/**
 * The debtor session of this request, or why there is none: the reason its session ended when the
 * cookie names one that did (revoked by the creditor, idle, at its maximum age, signed out), null
 * when there is no session to speak of (no or a forged cookie, a debtor or creditor made inactive).
 */
export async function readDebtorSession(
  request: Request,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<{ session: DebtorSession } | { ended: SessionEndReason | null; organizationId?: string }> {
  const token = await portalCookie().parse(request.headers.get('Cookie'));
  if (typeof token !== 'string' || token.length > 100) return { ended: null };
  const id = sha256(token);
  const now = clock.now();
  const db = getDb();
  const [row] = await db
    .select({
      lastSeenAt: debtorSessions.lastSeenAt,
      expiresAt: debtorSessions.expiresAt,
      revokedAt: debtorSessions.revokedAt,
      linkRevokedAt: portalLinks.revokedAt,
      debtorActive: debtors.active,
      debtorDeletedAt: debtors.deletedAt,
      orgActive: organizations.active,
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
        addressLine: organizations.addressLine,
        postalCode: organizations.postalCode,
        city: organizations.city,
        country: organizations.country,
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
    .leftJoin(
      portalLinks,
      and(eq(portalLinks.jti, debtorSessions.linkJti), eq(portalLinks.organizationId, debtorSessions.organizationId)),
    )
    .where(eq(debtorSessions.id, id));
  // A debtor or creditor made inactive: nothing to explain to whoever holds the cookie.
  if (!row || !row.debtorActive || row.debtorDeletedAt || !row.orgActive) return { ended: null };
  const ended = sessionEndReason({
    now,
    revokedAt: row.revokedAt,
    linkRevokedAt: row.linkRevokedAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    idleMs: PORTAL_IDLE_MS,
  });
  if (ended) return { ended, organizationId: row.organization.id };
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(debtorSessions).set({ lastSeenAt: now }).where(eq(debtorSessions.id, id));
  }
  return {
    session: {
      sessionId: id,
      organizationId: row.organization.id,
      debtorId: row.debtor.id,
      debtor: row.debtor,
      organization: row.organization,
    },
  };
}

const perRequest = new WeakMap<Request, ReturnType<typeof readDebtorSession>>();

/** Ensures a debtor session; without one the visitor lands on the page that explains how to get back in. */
export async function requireDebtor(request: Request, options: { clock?: Clock } = {}): Promise<DebtorSession> {
  // The layout and the page loaders of one request share one lookup.
  let pending = perRequest.get(request);
  if (!pending || options.clock) {
    pending = readDebtorSession(request, options);
    if (!options.clock) perRequest.set(request, pending);
  }
  const found = await pending;
  // The page says why the session ended (a revoked link is not an idle timeout).
  if (!('session' in found)) throw redirect(signedOutPath(found.ended, found.organizationId));
  return found.session;
}

/** Signs the debtor out (their choice); returns the Set-Cookie value that clears the cookie. */
export async function endDebtorSession(request: Request, { clock = systemClock }: { clock?: Clock } = {}) {
  const token = await portalCookie().parse(request.headers.get('Cookie'));
  if (typeof token === 'string' && token.length <= 100) {
    await getDb()
      .update(debtorSessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(debtorSessions.id, sha256(token)), isNull(debtorSessions.revokedAt)));
  }
  return portalCookie().serialize('', { maxAge: 0 });
}
