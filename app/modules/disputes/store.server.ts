import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { disputeAttachments, disputeMessages, disputes, files, type Dispute } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import type { CheckedFile } from './forms.server';

/** Writes one thread message and its attachments (files first, then the links to them). */
export async function insertMessage(
  tx: Tx,
  input: {
    dispute: Pick<Dispute, 'id' | 'organizationId'>;
    author: 'debtor' | 'staff' | 'system';
    staffUserId?: string | null;
    body: string;
    internal?: boolean;
    files?: CheckedFile[];
    at: Date;
  },
) {
  const [message] = await tx
    .insert(disputeMessages)
    .values({
      disputeId: input.dispute.id,
      organizationId: input.dispute.organizationId,
      author: input.author,
      staffUserId: input.staffUserId ?? null,
      body: input.body,
      internal: input.internal ?? false,
      createdAt: input.at,
    })
    .returning({ id: disputeMessages.id });
  const attachments = input.files ?? [];
  if (attachments.length === 0) return { messageId: message.id, attachmentIds: [] as string[] };
  const stored = await tx
    .insert(files)
    .values(
      attachments.map((f) => ({
        organizationId: input.dispute.organizationId,
        filename: f.filename,
        contentType: f.contentType,
        sizeBytes: f.sizeBytes,
        sha256: f.sha256,
        data: f.data,
        createdAt: input.at,
      })),
    )
    .returning({ id: files.id });
  const links = await tx
    .insert(disputeAttachments)
    .values(
      stored.map((file, position) => ({
        messageId: message.id,
        organizationId: input.dispute.organizationId,
        fileId: file.id,
        position,
      })),
    )
    .returning({ id: disputeAttachments.id });
  return { messageId: message.id, attachmentIds: links.map((l) => l.id) };
}

/** The dispute row under FOR UPDATE, found only through the caller's scope condition. */
export async function lockDispute(tx: Tx, id: string, scope: SQL | undefined) {
  const [row] = await tx
    .select()
    .from(disputes)
    .where(and(eq(disputes.id, id), scope))
    .for('update');
  return row ?? null;
}

/** Attachments of the given messages, in upload order, without their bytes. */
export async function attachmentsOf(tx: Tx, messageIds: string[]) {
  if (messageIds.length === 0) return new Map<string, AttachmentInfo[]>();
  const rows = await tx
    .select({
      id: disputeAttachments.id,
      messageId: disputeAttachments.messageId,
      position: disputeAttachments.position,
      filename: files.filename,
      contentType: files.contentType,
      sizeBytes: files.sizeBytes,
    })
    .from(disputeAttachments)
    .innerJoin(
      files,
      and(eq(files.id, disputeAttachments.fileId), eq(files.organizationId, disputeAttachments.organizationId)),
    )
    .where(inArray(disputeAttachments.messageId, messageIds))
    .orderBy(disputeAttachments.position);
  const map = new Map<string, AttachmentInfo[]>();
  for (const { messageId, position: _position, ...info } of rows)
    map.set(messageId, [...(map.get(messageId) ?? []), info]);
  return map;
}

export type AttachmentInfo = { id: string; filename: string; contentType: string; sizeBytes: number };

/** True when an insert hit "one open dispute (or question) per invoice" (another request opened one first). */
export function isOpenDisputeConflict(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const pg = e as { code?: string; constraint_name?: string };
    if (pg.code === '23505' && pg.constraint_name === 'disputes_one_open_per_invoice_and_kind') return true;
  }
  return false;
}
