/**
 * Signed portal links for a whole batch of reminders (the dunning pass): one INSERT for all of
 * them. Same tokens and records as `issuePortalLink`, which costs two statements per link.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { getKeyRing } from './keys.server';
import { signLinkToken } from './tokens.server';

export type ReminderLinkRequest = {
  organizationId: string;
  debtorId: string;
  communicationId: string;
  ttlDays: number;
};

export type IssuedLink = { jti: string; url: string; expiresAt: Date };

/** Issues one fresh link (new jti) per request, purpose 'reminder', landing on /portal. */
export async function issueReminderLinks(
  tx: Tx,
  requests: ReminderLinkRequest[],
  issuedAt: Date,
): Promise<IssuedLink[]> {
  if (requests.length === 0) return [];
  const ring = await getKeyRing();
  const base = getEnv().APP_URL;
  const planned = requests.map((r) => ({
    ...r,
    jti: randomUUID(),
    expiresAt: new Date(issuedAt.getTime() + r.ttlDays * 86_400_000),
  }));
  // One after another: Ed25519 signing is CPU-bound, and thousands of concurrent promises only add overhead.
  const tokens: string[] = [];
  for (const p of planned) {
    tokens.push(
      await signLinkToken(
        { debtorId: p.debtorId, organizationId: p.organizationId, jti: p.jti, purpose: 'reminder' },
        issuedAt,
        p.expiresAt,
        ring,
      ),
    );
  }
  await tx.execute(sql`
    insert into portal_links (jti, organization_id, debtor_id, purpose, target, communication_id, issued_at, expires_at)
    select r.jti, r.organization_id, r.debtor_id, 'reminder', '/portal', r.communication_id, ${issuedAt.toISOString()}::timestamptz, r.expires_at
    from jsonb_to_recordset(${JSON.stringify(
      planned.map((p) => ({
        jti: p.jti,
        organization_id: p.organizationId,
        debtor_id: p.debtorId,
        communication_id: p.communicationId,
        expires_at: p.expiresAt.toISOString(),
      })),
    )}::jsonb) as r(jti text, organization_id uuid, debtor_id uuid, communication_id uuid, expires_at timestamptz)`);
  return planned.map((p, i) => ({ jti: p.jti, url: `${base}/l/${tokens[i]}`, expiresAt: p.expiresAt }));
}
