import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { communication, queuedReminder, sendJobsFor } from '~test/factories-mail';
import { mockResend, resendReplies } from '~test/msw/resend';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { registerCron, registerTask, registeredCrontab, registeredTaskList } from '~/server/tasks.server';
import { startWorker, type WorkerHandle } from './worker.server';
import { waitFor } from '~test/wait';

const resend = mockResend();
beforeAll(() => resend.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  resend.reset();
  delete process.env.RESEND_API_KEY;
  resetEnv();
});
afterAll(() => resend.server.close());

/** PostgreSQL's clock, which graphile-worker schedules jobs by: run_at is compared with it, not with business time. */
async function databaseNow(): Promise<number> {
  const [row] = await getDb().execute<{ ms: number }>(sql`select (extract(epoch from now()) * 1000)::float8 as ms`);
  return Number(row.ms);
}

async function withWorker(run: (worker: WorkerHandle) => Promise<void>) {
  const worker = await startWorker({ concurrency: 2, pollInterval: 200, logLevel: 'error' });
  try {
    await run(worker);
  } finally {
    await worker.stop();
  }
}

describe('the worker', () => {
  it('knows the send task', () => {
    expect(Object.keys(registeredTaskList())).toContain('send_communication');
  });

  it('sends a queued communication through the local outbox', async () => {
    const { comm } = await queuedReminder();
    await withWorker(async () => {
      const sent = await waitFor('condition', async () => {
        const row = await communication(comm!.id);
        return row.status === 'sent' ? row : undefined;
      });
      expect(sent.html).toContain('Vriendelijke herinnering');
    });
    expect(await sendJobsFor(comm!.id)).toHaveLength(0);
  });

  it('runs tasks and cron lines other modules register', async () => {
    const seen: unknown[] = [];
    registerTask('test_echo', async (payload) => {
      seen.push(payload);
    });
    registerCron('0 4 * * * test_echo ?jobKey=test_echo_nightly');
    expect(registeredCrontab()).toContain('test_echo');
    expect(() => registerTask('Bad-Name', async () => {})).toThrow(/snake_case/);

    await withWorker(async (worker) => {
      await worker.runner.addJob('test_echo', { hello: 'world' });
      await waitFor('condition', async () => seen.length > 0);
    });
    expect(seen).toEqual([{ hello: 'world' }]);
  });

  it('lets graphile-worker retry a 500 with its backoff', async () => {
    process.env.RESEND_API_KEY = 're_test_worker';
    resetEnv();
    resend.reply(resendReplies.serverError());
    const { comm } = await queuedReminder();
    await withWorker(async () => {
      const [job] = await waitFor('condition', async () => {
        const jobs = await sendJobsFor(comm!.id);
        return jobs[0]?.attempts === 1 && jobs[0].last_error ? jobs : undefined;
      });
      expect(job.last_error).toContain('500 internal_server_error');
      expect(job.run_at.getTime()).toBeGreaterThan(await databaseNow());
    });
    expect(await communication(comm!.id)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('puts the job back at the Retry-After instant when that is later than the backoff', async () => {
    process.env.RESEND_API_KEY = 're_test_worker';
    resetEnv();
    resend.reply(resendReplies.rateLimited(60));
    const { comm } = await queuedReminder();
    const started = await databaseNow();
    await withWorker(async () => {
      const [job] = await waitFor('condition', async () => {
        const jobs = await sendJobsFor(comm!.id);
        return jobs.length === 1 && jobs[0].run_at.getTime() > started + 30_000 ? jobs : undefined;
      });
      // One job, still under the communication's key, not counted as a failure.
      expect(job.key).toBe(`comm:${comm!.id}`);
      expect(job.attempts).toBe(0);
      expect(job.run_at.getTime()).toBeGreaterThanOrEqual(started + 60_000);
      expect(job.run_at.getTime()).toBeLessThan((await databaseNow()) + 61_000);
    });
    expect(await communication(comm!.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(resend.requests).toHaveLength(1);
  });
});
