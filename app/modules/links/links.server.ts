import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { debtorSessions, debtors, organizations, portalLinks, type PortalLink } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import type { Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { signLinkToken, verifyLinkToken, type VerifyFailure } from './tokens.server';
import { orgScope } from '~/utils/org-scope.server';

export type IssueLinkInput = {
  organizationId: string;
  debtorId: string;
  purpose: PortalLink['purpose'];
  /** A portal path to land on after sign-in, e.g. /portal/disputes/<id>. */
  target?: string;
  communicationId?: string;
  ttlDays?: number;
};

/** Issues and records a signed portal link (a new jti every time). */
export async function issuePortalLink(tx: Tx, input: IssueLinkInput, { clock = systemClock }: { clock?: Clock } = {}) {
  let ttlDays = input.ttlDays;
  if (ttlDays === undefined) {
    const [org] = await tx
      .select({ settings: organizations.portalSettings })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId));
    ttlDays = org?.settings.linkTtlDays ?? 30;
  }
  const jti = randomUUID();
  const issuedAt = clock.now();
  const expiresAt = new Date(issuedAt.getTime() + ttlDays * 86_400_000);
  if (input.target !== undefined && !input.target.startsWith('/portal'))
    throw new Error('link target must be a portal path');
  await tx.insert(portalLinks).values({
    jti,
    organizationId: input.organizationId,
    debtorId: input.debtorId,
    purpose: input.purpose,
    target: input.target ?? null,
    communicationId: input.communicationId ?? null,
    issuedAt,
    expiresAt,
  });
  const token = await signLinkToken({ ...input, jti }, issuedAt, expiresAt);
  return { url: `${getEnv().APP_URL}/l/${token}`, token, jti, expiresAt };
}

export async function revokeLink(
  tx: Tx,
  organizationId: string,
  jti: string,
  actor: Actor,
  { clock = systemClock } = {},
) {
  const rows = await tx
    .update(portalLinks)
    .set({ revokedAt: clock.now() })
    .where(and(orgScope(portalLinks, organizationId), eq(portalLinks.jti, jti), isNull(portalLinks.revokedAt)))
    .returning({ debtorId: portalLinks.debtorId });
  if (rows[0]) {
    await tx
      .update(debtorSessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(debtorSessions.linkJti, jti), isNull(debtorSessions.revokedAt)));
    await audit(tx, {
      organizationId,
      actor,
      action: 'link.revoked',
      entityType: 'portal_link',
      entityId: jti,
      debtorId: rows[0].debtorId,
    });
  }
  return rows.length > 0;
}

/** Revokes every link of a debtor and ends their portal sessions. */
export async function revokeAllLinks(
  tx: Tx,
  organizationId: string,
  debtorId: string,
  actor: Actor,
  { clock = systemClock } = {},
) {
  const now = clock.now();
  const rows = await tx
    .update(portalLinks)
    .set({ revokedAt: now })
    .where(
      and(orgScope(portalLinks, organizationId), eq(portalLinks.debtorId, debtorId), isNull(portalLinks.revokedAt)),
    )
    .returning({ jti: portalLinks.jti });
  await tx
    .update(debtorSessions)
    .set({ revokedAt: now })
    .where(
      and(
        orgScope(debtorSessions, organizationId),
        eq(debtorSessions.debtorId, debtorId),
        isNull(debtorSessions.revokedAt),
      ),
    );
  await audit(tx, {
    organizationId,
    actor,
    action: 'link.revoked_all',
    entityType: 'debtor',
    entityId: debtorId,
    debtorId,
    data: { count: rows.length },
  });
  return rows.length;
}

export type RedeemResult =
  | { ok: true; organizationId: string; debtorId: string; jti: string; target: string }
  | { ok: false; reason: VerifyFailure | 'unknown' | 'revoked' | 'inactive'; organizationId?: string };

/**
 * Checks a token against its record: genuine, not expired, not revoked, debtor and creditor
 * still active. Counts the use. Changes nothing when any check fails.
 */
export async function redeemLinkToken(
  tx: Tx,
  token: string,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<RedeemResult> {
  const now = clock.now();
  const verified = await verifyLinkToken(token, now);
  if (!verified.ok) return verified;
  const { claims } = verified;
  const [row] = await tx
    .select({
      link: portalLinks,
      debtorActive: debtors.active,
      debtorDeleted: debtors.deletedAt,
      orgActive: organizations.active,
    })
    .from(portalLinks)
    .innerJoin(debtors, eq(debtors.id, portalLinks.debtorId))
    .innerJoin(organizations, eq(organizations.id, portalLinks.organizationId))
    .where(
      and(eq(portalLinks.jti, claims.jti), eq(portalLinks.debtorId, claims.sub), orgScope(portalLinks, claims.org)),
    );
  if (!row) return { ok: false, reason: 'unknown', organizationId: claims.org };
  if (row.link.revokedAt) return { ok: false, reason: 'revoked', organizationId: claims.org };
  if (row.link.expiresAt <= now) return { ok: false, reason: 'expired', organizationId: claims.org };
  if (!row.debtorActive || row.debtorDeleted || !row.orgActive) return { ok: false, reason: 'inactive' };
  await tx
    .update(portalLinks)
    .set({
      firstUsedAt: sql`coalesce(${portalLinks.firstUsedAt}, ${now.toISOString()}::timestamptz)`,
      lastUsedAt: now,
      useCount: sql`${portalLinks.useCount} + 1`,
    })
    .where(eq(portalLinks.jti, claims.jti));
  return {
    ok: true,
    organizationId: claims.org,
    debtorId: claims.sub,
    jti: claims.jti,
    target: row.link.target ?? '/portal',
  };
}
