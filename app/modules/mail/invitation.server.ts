/**
 * Mail to someone invited to an organisation's staff: no debtor involved. The staff module
 * decides who is invited and hands the one-time link over; the outbox sends it like any other
 * message, and the team page reads back how the delivery went.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { communications, organizations, type Communication } from '~db/schema';
import type { EmailLocale } from '~emails/render';
import type { Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { isUuid } from '~/utils/ids';
import { orgScope } from '~/utils/org-scope.server';
import { emailLocale, emailOrganization } from './context.server';
import { queueCommunication } from './outbox.server';

export type StaffInvitationMail = {
  organizationId: string;
  staffInvitationId: string;
  toAddress: string;
  role: 'admin' | 'finance' | 'support';
  /** The one-time link; it travels only in the message, never in audit data or logs. */
  inviteUrl: string;
  expiresAt: Date;
  inviterName?: string | null;
  /** The inviting admin's language; else the organisation's. */
  locale?: EmailLocale | null;
};

/** Queues the invitation email in the caller's transaction (once per invitation). */
export async function queueStaffInvitation(
  tx: Tx,
  input: StaffInvitationMail,
  options: { clock?: Clock } = {},
): Promise<Communication | null> {
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, input.organizationId));
  if (!org) throw new Error(`organization ${input.organizationId} not found`);
  const locale = input.locale ?? emailLocale({ locale: org.defaultLocale });
  return queueCommunication(
    tx,
    {
      organizationId: org.id,
      staffInvitationId: input.staffInvitationId,
      template: 'staff_invitation',
      toAddress: input.toAddress,
      locale,
      dedupeKey: `staff_invitation:${input.staffInvitationId}`,
      props: {
        locale,
        organization: emailOrganization(org),
        inviteUrl: input.inviteUrl,
        role: input.role,
        expiresAt: input.expiresAt.toISOString(),
        inviterName: input.inviterName ?? null,
      },
    },
    options,
  );
}

export type InvitationMailStatus = Pick<Communication, 'status' | 'error'> & {
  /** Resend (or the mailbox) refused it: bounced, complained, failed. */
  undeliverable: boolean;
  at: string;
};

const UNDELIVERABLE = new Set<Communication['status']>(['bounced', 'complained', 'failed']);

/** How the latest email of each of these invitations fared, for the organisation's team page. */
export async function invitationMailStatus(
  organizationId: string,
  invitationIds: string[],
): Promise<Record<string, InvitationMailStatus>> {
  const ids = invitationIds.filter(isUuid);
  if (ids.length === 0) return {};
  const rows = await getDb()
    .select({
      invitationId: communications.staffInvitationId,
      status: communications.status,
      error: communications.error,
      createdAt: communications.createdAt,
      sentAt: communications.sentAt,
      deliveredAt: communications.deliveredAt,
      failedAt: communications.failedAt,
    })
    .from(communications)
    .where(and(orgScope(communications, organizationId), inArray(communications.staffInvitationId, ids)))
    .orderBy(desc(communications.createdAt), desc(communications.id));
  const result: Record<string, InvitationMailStatus> = {};
  for (const row of rows) {
    if (!row.invitationId || result[row.invitationId]) continue;
    const at = row.failedAt ?? row.deliveredAt ?? row.sentAt ?? row.createdAt;
    result[row.invitationId] = {
      status: row.status,
      error: row.error,
      undeliverable: UNDELIVERABLE.has(row.status),
      at: at.toISOString(),
    };
  }
  return result;
}
