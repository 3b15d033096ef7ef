import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { HttpResponse } from 'msw';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '~db/schema';
import { communication, queuedReminder, sendJobsFor } from '~test/factories-mail';
import { mockResend } from '~test/msw/resend';
import { getDb, getSql } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { releaseLease, renewLease, sweepDeadWorkers } from './worker-leases.server';
import { startWorker } from './worker.server';
// Every module's tasks (send_communication among them), as the web process and npm run worker load them.
import '~/server/tasks.server';
import { waitFor } from '~test/wait';

const resend = mockResend();
let pool: pg.Pool;
beforeAll(() => {
  resend.server.listen({ onUnhandledRequest: 'error' });
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
});
afterEach(async () => {
  resend.reset();
  delete process.env.RESEND_API_KEY;
  resetEnv();
  await getSql()`delete from worker_leases`;
  await getSql()`delete from graphile_worker._private_jobs`;
});
afterAll(async () => {
  resend.server.close();
  await pool.end();
});

/** A job of some task, locked by `lockedBy` `lockedSecondsAgo` seconds ago (by the database's clock). */
async function lockedJob(lockedBy: string, lockedSecondsAgo: number, task = 'test_noop'): Promise<string> {
  const [job] = await getSql()<{ id: string }[]>`select id from graphile_worker.add_job(${task}, '{}'::json)`;
  await getSql()`update graphile_worker._private_jobs
    set locked_by = ${lockedBy}, locked_at = now() - ${lockedSecondsAgo} * interval '1 second'
    where id = ${job.id}`;
  return job.id;
}

async function lockOf(jobId: string) {
  const [row] = await getSql()<{ locked_by: string | null }[]>`
    select locked_by from graphile_worker._private_jobs where id = ${jobId}`;
  return row?.locked_by;
}

/** A lease as a pool that died would have left it: expired `agoSeconds` ago. */
async function staleLease(id: string, agoSeconds: number) {
  await getSql()`insert into worker_leases (id, worker_ids, host, pid, expires_at)
    values (${id}, ${[id]}, 'gone-host', 4242, now() - ${agoSeconds} * interval '1 second')`;
}

async function sentAudits(commId: string) {
  return getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, commId), eq(auditEvents.action, 'communication.sent')));
}

describe('worker leases', () => {
  it('takes a lease, renews the same one, and gives it up', async () => {
    const holder = { id: `pool-${randomUUID()}`, workerIds: ['worker-a', 'worker-b'], host: 'h', pid: 1 };
    expect(await renewLease(pool, holder, 60_000)).toEqual({ renewed: false });
    expect(await renewLease(pool, holder, 60_000)).toEqual({ renewed: true });
    const [row] = await getSql()<{ worker_ids: string[]; live: boolean }[]>`
      select worker_ids, expires_at > now() + interval '50 seconds' as live from worker_leases where id = ${holder.id}`;
    expect(row.worker_ids.sort()).toEqual([holder.id, 'worker-a', 'worker-b'].sort());
    expect(row.live).toBe(true);
    await releaseLease(pool, holder.id);
    expect(await getSql()`select 1 from worker_leases where id = ${holder.id}`).toHaveLength(0);
  });

  it('unlocks the jobs of a pool whose lease ran out, and deletes that lease', async () => {
    await staleLease('pool-dead', 5);
    const job = await lockedJob('pool-dead', 300);
    const result = await sweepDeadWorkers(pool, 60_000);
    expect(result.expired.map((l) => l.id)).toEqual(['pool-dead']);
    expect(result).toMatchObject({ unlockedWorkers: ['pool-dead'], unlockedJobs: 1 });
    expect(await lockOf(job)).toBeNull();
    expect(await getSql()`select 1 from worker_leases`).toHaveLength(0);
  });

  it('leaves the jobs of a live pool locked, however long they run', async () => {
    await renewLease(pool, { id: 'pool-alive', workerIds: ['worker-alive'], host: 'h', pid: 2 }, 60_000);
    const byPool = await lockedJob('pool-alive', 3_600);
    const byWorker = await lockedJob('worker-alive', 3_600);
    const result = await sweepDeadWorkers(pool, 1_000);
    expect(result).toEqual({ expired: [], unlockedWorkers: [], unlockedJobs: 0 });
    expect(await lockOf(byPool)).toBe('pool-alive');
    expect(await lockOf(byWorker)).toBe('worker-alive');
  });

  it('unlocks jobs of a holder without a lease only once they are locked for longer than a lease', async () => {
    // E.g. a pool killed between locking its first job and taking its lease.
    const job = await lockedJob('pool-never-leased', 30);
    expect((await sweepDeadWorkers(pool, 60_000)).unlockedJobs).toBe(0);
    expect(await lockOf(job)).toBe('pool-never-leased');
    expect((await sweepDeadWorkers(pool, 10_000)).unlockedJobs).toBe(1);
    expect(await lockOf(job)).toBeNull();
  });

  it('a running pool holds a lease under the ids its jobs are locked by, and drops it on stop', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const worker = await startWorker({
      concurrency: 2,
      pollInterval: 200,
      logLevel: 'error',
      taskList: {
        test_block: async () => {
          started = true;
          await blocked;
        },
      },
    });
    try {
      const [lease] = await getSql()<{ id: string; worker_ids: string[]; pid: number }[]>`
        select id, worker_ids, pid from worker_leases`;
      expect(lease.pid).toBe(process.pid);
      expect(lease.worker_ids).toContain(lease.id);
      expect(lease.worker_ids).toHaveLength(3);
      await worker.runner.addJob('test_block', {});
      await waitFor('condition', async () => started);
      const [locked] = await getSql()<{ locked_by: string }[]>`
        select locked_by from graphile_worker._private_jobs where locked_by is not null`;
      expect(lease.worker_ids).toContain(locked.locked_by);
      // A sweep by anyone leaves it alone: the lease is live.
      expect((await sweepDeadWorkers(pool, 1)).unlockedJobs).toBe(0);
    } finally {
      release();
      await worker.stop();
    }
    expect(await getSql()`select 1 from worker_leases`).toHaveLength(0);
  });

  it('runs the send job of a dead pool again at once, and it is sent exactly once', async () => {
    const { comm } = await queuedReminder();
    await staleLease('pool-killed', 1);
    const [job] = await getSql()<{ id: string }[]>`
      select id from graphile_worker._private_jobs where payload->>'id' = ${comm!.id}`;
    await getSql()`update graphile_worker._private_jobs
      set locked_by = 'pool-killed', locked_at = now() - interval '10 minutes' where id = ${job.id}`;

    const worker = await startWorker({
      concurrency: 2,
      pollInterval: 200,
      logLevel: 'error',
      lease: { heartbeatMs: 200, leaseMs: 1_000 },
    });
    try {
      await waitFor('condition', async () => (await sendJobsFor(comm!.id)).length === 0);
    } finally {
      await worker.stop();
    }
    expect(await communication(comm!.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await sentAudits(comm!.id)).toHaveLength(1);
  });

  it('a send the dead pool left unanswered goes out again under the same idempotency key, recorded once', async () => {
    // The dead pool's request reached Resend but no answer came back (it died, or the network
    // did): the communication is still queued. Resend keeps one email per idempotency key.
    process.env.RESEND_API_KEY = 're_test_leases';
    resetEnv();
    const { comm } = await queuedReminder();
    resend.reply(() => HttpResponse.error());
    const { sendCommunication } = await import('~/modules/mail/outbox.server');
    await expect(sendCommunication(comm!.id)).rejects.toThrow();
    expect(await communication(comm!.id)).toMatchObject({ status: 'queued', attempts: 1 });

    await staleLease('pool-killed-mid-send', 1);
    await getSql()`update graphile_worker._private_jobs
      set locked_by = 'pool-killed-mid-send', locked_at = now() - interval '10 minutes'
      where payload->>'id' = ${comm!.id}`;
    const worker = await startWorker({
      concurrency: 1,
      pollInterval: 200,
      logLevel: 'error',
      lease: { heartbeatMs: 200, leaseMs: 1_000 },
    });
    try {
      await waitFor('condition', async () => (await communication(comm!.id)).status === 'sent');
      await waitFor('condition', async () => (await sendJobsFor(comm!.id)).length === 0);
    } finally {
      await worker.stop();
    }
    expect(resend.requests.map((r) => r.headers.get('Idempotency-Key'))).toEqual([comm!.id, comm!.id]);
    expect(await sentAudits(comm!.id)).toHaveLength(1);
  });
});
