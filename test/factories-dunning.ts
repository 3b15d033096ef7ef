/** Helpers for the dunning engine's tests: read what a pass wrote, and play the worker that sends it. */
import { and, asc, eq, sql } from 'drizzle-orm';
import { communications, invoices, type Communication } from '~db/schema';
import { sendCommunication } from '~/modules/mail/outbox.server';
import type { Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import '~/modules/dunning/dunning.task.server';

export async function communicationsOf(debtorId: string): Promise<Communication[]> {
  return getDb()
    .select()
    .from(communications)
    .where(eq(communications.debtorId, debtorId))
    .orderBy(asc(communications.createdAt), asc(communications.template));
}

/** Sends every queued communication the way the worker would, with the given clock. */
export async function sendQueued(clock: Clock, organizationId?: string) {
  const queued = await getDb()
    .select({ id: communications.id })
    .from(communications)
    .where(
      and(
        eq(communications.status, 'queued'),
        organizationId ? eq(communications.organizationId, organizationId) : undefined,
      ),
    )
    .orderBy(asc(communications.createdAt));
  const outcomes = [];
  for (const { id } of queued) outcomes.push(await sendCommunication(id, { clock }));
  return outcomes;
}

export async function invoiceById(id: string) {
  const [row] = await getDb().select().from(invoices).where(eq(invoices.id, id));
  return row;
}

/** Send jobs waiting in graphile-worker for these communications. */
export async function sendJobsFor(ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await getDb().execute<{ n: number }>(sql`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = 'send_communication' and key = any(${`{${ids.map((id) => `comm:${id}`).join(',')}}`}::text[])`);
  return rows[0].n;
}

/** The portal token inside a rendered email's link. */
export function linkTokenIn(html: string): string {
  const match = /https?:\/\/[^"'\s]+\/l\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(html);
  if (!match) throw new Error('no portal link in the email');
  return match[1];
}
