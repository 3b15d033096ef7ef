import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns';

/**
 * One row per running graphile-worker pool (a web process or `npm run worker`): the ids its
 * jobs are locked under, and a lease it renews every WORKER_HEARTBEAT_MS. A pool whose lease
 * ran out is taken for dead, and every running worker unlocks its jobs (see
 * app/modules/jobs/worker-leases.server.ts). Times are the database's, so hosts' clocks do not matter.
 */
export const workerLeases = pgTable('worker_leases', {
  /** graphile-worker's pool id: jobs are locked_by it. */
  id: text('id').primaryKey(),
  /** The pool id and the ids of its workers. */
  workerIds: text('worker_ids').array().notNull(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: tstz('started_at').notNull().defaultNow(),
  renewedAt: tstz('renewed_at').notNull().defaultNow(),
  expiresAt: tstz('expires_at').notNull(),
});
export type WorkerLease = typeof workerLeases.$inferSelect;
