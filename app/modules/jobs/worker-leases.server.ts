/**
 * Crashed workers. graphile-worker locks a job under its pool's id and, should that process die
 * (kill -9, a lost host), leaves it locked until its own 4-hour lock expiry. So each running pool
 * holds a lease in worker_leases (its ids; renewed every WORKER_HEARTBEAT_MS, by the database's
 * clock), and every running pool, on the same beat, sweeps: leases that ran out are deleted, and
 * jobs locked for longer than a lease by ids that no live lease covers are unlocked with
 * graphile-worker's force_unlock_workers, so they run again at once.
 *
 * "Longer than a lease" also covers jobs locked in the moment between a pool's start and its
 * first lease, and pools that never held one. A run twice (a worker that was only stalled past
 * its lease) is harmless for sending: the send task re-checks the communication under a row
 * lock, and Resend gets the communication id as idempotency key.
 */
import os from 'node:os';
import type pg from 'pg';

/** The ids a pool's jobs can be locked under: its own id (jobs are locked_by it) and its workers'. */
export type LeaseHolder = { id: string; workerIds: string[]; host: string; pid: number };

export type LeaseSettings = {
  /** How often a pool renews its lease and sweeps. */
  heartbeatMs: number;
  /** A lease not renewed for this long is taken for a dead pool. */
  leaseMs: number;
};

type Queryable = Pick<pg.Pool, 'query'>;

/** Takes or renews the lease; `renewed` is false when it had to be taken anew (first beat, or it had run out). */
export async function renewLease(db: Queryable, holder: LeaseHolder, leaseMs: number): Promise<{ renewed: boolean }> {
  const { rows } = await db.query<{ renewed: boolean }>(
    `insert into worker_leases (id, worker_ids, host, pid, expires_at)
     values ($1, $2::text[], $3, $4, now() + $5 * interval '1 millisecond')
     on conflict (id) do update
       set worker_ids = excluded.worker_ids, renewed_at = now(), expires_at = excluded.expires_at
     returning (xmax <> 0) as renewed`,
    [holder.id, [...new Set([holder.id, ...holder.workerIds])], holder.host, holder.pid, leaseMs],
  );
  return { renewed: rows[0]?.renewed ?? false };
}

export async function releaseLease(db: Queryable, id: string) {
  await db.query('delete from worker_leases where id = $1', [id]);
}

export type SweepResult = {
  /** Leases that had run out, deleted now. */
  expired: { id: string; host: string; pid: number }[];
  /** The lock holders whose jobs were unlocked, and how many jobs that were. */
  unlockedWorkers: string[];
  unlockedJobs: number;
};

/**
 * One sweep, in one transaction: delete leases that ran out, then unlock every job (and job
 * queue) locked for longer than `leaseMs` by ids no remaining lease covers. Two pools sweeping
 * at once do no harm: unlocking twice is unlocking once.
 */
export async function sweepDeadWorkers(db: Pick<pg.Pool, 'connect'>, leaseMs: number): Promise<SweepResult> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const expired = await client.query<{ id: string; host: string; pid: number }>(
      'delete from worker_leases where expires_at < now() returning id, host, pid',
    );
    const orphans = await client.query<{ locked_by: string; jobs: number }>(
      `select locked_by, sum(jobs)::int as jobs from (
         select locked_by, count(*) as jobs from graphile_worker._private_jobs
          where locked_by is not null and locked_at < now() - $1 * interval '1 millisecond'
          group by locked_by
         union all
         select locked_by, 0 from graphile_worker._private_job_queues
          where locked_by is not null and locked_at < now() - $1 * interval '1 millisecond'
       ) locked
       where not exists (select 1 from worker_leases l where locked.locked_by = any(l.worker_ids))
       group by locked_by`,
      [leaseMs],
    );
    const unlockedWorkers = orphans.rows.map((r) => r.locked_by);
    if (unlockedWorkers.length > 0) {
      await client.query('select graphile_worker.force_unlock_workers($1::text[])', [unlockedWorkers]);
    }
    await client.query('commit');
    return {
      expired: expired.rows,
      unlockedWorkers,
      unlockedJobs: orphans.rows.reduce((sum, r) => sum + r.jobs, 0),
    };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export type LeaseKeeper = {
  /** Renews and sweeps now (also what every beat does). */
  beat: () => Promise<void>;
  /** Stops beating and gives the lease up: call after the runner stopped. */
  release: () => Promise<void>;
};

type Log = { info: (line: string) => void; warn: (line: string) => void };

/**
 * Keeps a pool's lease and sweeps on every beat. Database errors are logged (once per run of
 * failures) and the next beat tries again: an outage must not stop the worker.
 */
export function keepLease(
  db: Pick<pg.Pool, 'query' | 'connect'>,
  holder: () => LeaseHolder | undefined,
  settings: LeaseSettings,
  log: Log,
): LeaseKeeper {
  let failing = false;
  let held = false;
  let stopped = false;
  let running: Promise<void> | undefined;
  let lastId: string | undefined;

  const once = async () => {
    const current = holder();
    try {
      if (current) {
        lastId = current.id;
        const { renewed } = await renewLease(db, current, settings.leaseMs);
        if (!renewed && held) {
          log.warn(`worker lease ${current.id} had run out and was taken anew; its jobs may have run elsewhere too`);
        }
        held = true;
      }
      const swept = await sweepDeadWorkers(db, settings.leaseMs);
      for (const lease of swept.expired) {
        log.warn(`worker ${lease.id} (${lease.host}, pid ${lease.pid}) stopped renewing its lease: taken for dead`);
      }
      if (swept.unlockedJobs > 0) {
        log.warn(`unlocked ${swept.unlockedJobs} job(s) of dead worker(s) ${swept.unlockedWorkers.join(', ')}`);
      }
      if (failing) log.info('worker lease renewed again');
      failing = false;
    } catch (error) {
      if (!failing) log.warn(`worker lease not renewed: ${error instanceof Error ? error.message : String(error)}`);
      failing = true;
    }
  };

  const beat = () => {
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void beat();
  }, settings.heartbeatMs);
  timer.unref();

  return {
    beat,
    release: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      const id = holder()?.id ?? lastId;
      if (id) await releaseLease(db, id).catch(() => {});
    },
  };
}

export function leaseHolderBase() {
  return { host: os.hostname(), pid: process.pid };
}
