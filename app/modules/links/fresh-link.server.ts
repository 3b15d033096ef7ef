import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { debtors, invoices, organizations } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { hit } from '~/utils/rate-limit.server';
import { audit } from '~/modules/audit/index.server';
import { debtorEmailPropsFrom, queueCommunication } from '~/modules/mail/index.server';
import { issuePortalLink } from './links.server';
import { orgScope } from '~/utils/org-scope.server';

export const FRESH_LINK_LIMIT_PER_ADDRESS = 3;
export const FRESH_LINK_LIMIT_PER_IP = 10;
const WINDOW_SECONDS = 3_600;
export const FRESH_LINK_TASK = 'fresh_link';
const FRESH_LINK_MAX_ATTEMPTS = 5;

export type FreshLinkRequest = { email: string; organizationId?: string; ip: string };

/** What the web request hands to the job: the address as submitted (normalized), never a lookup result. */
export type FreshLinkJob = { email: string; organizationId: string | null; ip: string; requestedAt: string };

export function normalizeAddress(email: string) {
  return email.trim().toLowerCase();
}

/**
 * "Email me a new link", the web request's part: count the request against the throttles (per
 * address string and per client IP, both counted before anything is known about the address)
 * and enqueue one job with what was submitted. Nothing here reads debtors: the work and the
 * answer are the same for a known and an unknown address, so neither content nor timing tells
 * them apart. The job (sendFreshLinks) looks the address up later.
 */
export async function requestFreshLink(
  { email, organizationId, ip }: FreshLinkRequest,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<'accepted' | 'throttled'> {
  const db = getDb();
  const address = normalizeAddress(email);
  const now = clock.now();
  const [byAddress, byIp] = await Promise.all([
    hit(db, `fresh-link:email:${address}`, FRESH_LINK_LIMIT_PER_ADDRESS, WINDOW_SECONDS, now),
    hit(db, `fresh-link:ip:${ip}`, FRESH_LINK_LIMIT_PER_IP, WINDOW_SECONDS, now),
  ]);
  if (!byAddress.allowed || !byIp.allowed) return 'throttled';
  const job: FreshLinkJob = {
    email: address,
    organizationId: organizationId ?? null,
    ip,
    requestedAt: now.toISOString(),
  };
  await db.execute(sql`
    select graphile_worker.add_job(
      ${FRESH_LINK_TASK}::text,
      ${JSON.stringify(job)}::json,
      max_attempts := ${FRESH_LINK_MAX_ATTEMPTS}::int
    )`);
  return 'accepted';
}

/**
 * "Email me a new link", the job's part: sends a fresh link to every active debtor with this
 * address (of the creditor the old link was for, when known), each with its link, its queued
 * email and its audit event in one transaction. Returns how many were sent; 0 for an unknown address.
 */
export async function sendFreshLinks(
  { email, organizationId, ip, requestedAt }: FreshLinkJob,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<number> {
  const db = getDb();
  const address = normalizeAddress(email);
  const matches = await db
    .select({ debtor: debtors, organization: organizations })
    .from(debtors)
    .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
    .where(
      and(
        sql`lower(${debtors.email}) = ${address}`,
        eq(debtors.active, true),
        isNull(debtors.deletedAt),
        isNull(debtors.emailBlockedAt),
        eq(organizations.active, true),
        organizationId ? orgScope(debtors, organizationId) : undefined,
      ),
    )
    .limit(20);

  for (const { debtor, organization } of matches) {
    await db.transaction(async (tx) => {
      const open = await tx
        .select()
        .from(invoices)
        .where(and(orgScope(invoices, organization.id), eq(invoices.debtorId, debtor.id), eq(invoices.status, 'open')))
        .orderBy(asc(invoices.dueDate))
        .limit(50);
      const link = await issuePortalLink(
        tx,
        { organizationId: organization.id, debtorId: debtor.id, purpose: 'fresh_link' },
        { clock },
      );
      const props = debtorEmailPropsFrom({ organization, debtor, invoices: open, portalUrl: link.url });
      await queueCommunication(
        tx,
        {
          organizationId: organization.id,
          debtorId: debtor.id,
          template: 'fresh_link',
          toAddress: debtor.email,
          locale: props.locale,
          invoiceIds: open.map((i) => i.id),
          linkJti: link.jti,
          props: { ...props, expiresAt: link.expiresAt.toISOString() },
        },
        { clock },
      );
      await audit(tx, {
        organizationId: organization.id,
        actor: { type: 'debtor', id: debtor.id },
        action: 'link.requested',
        entityType: 'portal_link',
        entityId: link.jti,
        debtorId: debtor.id,
        data: { requestedAt, ip },
      });
    });
  }
  return matches.length;
}
