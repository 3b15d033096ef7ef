import { eq, sql } from 'drizzle-orm';
import type { JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, portalLinks } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { formRequest, routeArgs } from '~test/http';
import { action } from '~/routes/link-help';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { registeredTaskList } from '~/modules/jobs/registry.server';
import '~/server/tasks.server';
import {
  FRESH_LINK_LIMIT_PER_ADDRESS,
  FRESH_LINK_LIMIT_PER_IP,
  FRESH_LINK_TASK,
  requestFreshLink,
} from './fresh-link.server';
import { makeFreshLinkTask } from './fresh-link.task.server';

const clock = fixedClock('2026-11-10T10:00:00Z');

/** Rows per table of the public schema, plus graphile-worker's jobs: what a request wrote, table by table. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await getDb().execute<{ name: string }>(
    sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await getDb().execute<{ n: number }>(sql.raw(`select count(*)::int as n from public.${name}`));
    counts[name] = row.n;
  }
  const [jobs] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from graphile_worker._private_jobs`,
  );
  counts['graphile_worker.jobs'] = jobs.n;
  return counts;
}

function changed(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(
    Object.keys(after)
      .filter((t) => after[t] !== before[t])
      .map((t) => [t, after[t] - (before[t] ?? 0)]),
  );
}

type QueuedJob = { id: string; payload: Record<string, unknown> };

/** The fresh-link jobs waiting in graphile-worker (its public view leaves out the payload). */
async function freshLinkJobs(): Promise<QueuedJob[]> {
  return getDb().execute<QueuedJob>(sql`
    select j.id::text as id, j.payload from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = ${FRESH_LINK_TASK} order by j.id`);
}

function helpersFor(job: QueuedJob) {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return {
    lines,
    helpers: { logger: { debug: log, info: log, warn: log, error: log }, job: { id: job.id } } as unknown as JobHelpers,
  };
}

/** Runs every waiting fresh-link job the way the worker would, then removes it; its log and what it wrote. */
async function runFreshLinkJobs() {
  const runs: { lines: string[]; wrote: Record<string, number> }[] = [];
  for (const job of await freshLinkJobs()) {
    const run = helpersFor(job);
    const before = await rowCounts();
    await makeFreshLinkTask(clock)(job.payload, run.helpers);
    runs.push({ lines: run.lines, wrote: changed(before, await rowCounts()) });
    await getDb().execute(sql`delete from graphile_worker._private_jobs where id = ${job.id}::bigint`);
  }
  return runs;
}

const post = (fields: Record<string, string>, ip: string) =>
  action(routeArgs(formRequest('/link-help', fields, { ip })));

describe('email me a new link', () => {
  it('does the same work for a known and an unknown address: one job and the throttle rows, nothing else yet', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { email: 'Known.Person@Example.nl' });
    await createInvoice(org, debtor);
    await runFreshLinkJobs();

    const beforeKnown = await rowCounts();
    const known = await post({ email: 'known.person@example.nl', o: org.id }, '192.0.2.1');
    const afterKnown = await rowCounts();
    const unknown = await post({ email: 'stranger@example.nl', o: org.id }, '192.0.2.2');
    const afterUnknown = await rowCounts();

    expect(known).toEqual({ status: 'sent' });
    expect(unknown).toEqual(known);
    // Two new throttle keys (address, IP) and one job, for either address; no link, email or audit.
    expect(changed(beforeKnown, afterKnown)).toEqual({ rate_limits: 2, 'graphile_worker.jobs': 1 });
    expect(changed(afterKnown, afterUnknown)).toEqual(changed(beforeKnown, afterKnown));

    const jobs = await freshLinkJobs();
    expect(jobs.map((j) => j.payload)).toEqual([
      { email: 'known.person@example.nl', organizationId: org.id, ip: '192.0.2.1', requestedAt: expect.any(String) },
      { email: 'stranger@example.nl', organizationId: org.id, ip: '192.0.2.2', requestedAt: expect.any(String) },
    ]);

    // The job does the work: for the known address only, and its log names no address.
    const [forKnown, forUnknown] = await runFreshLinkJobs();
    expect(forKnown.lines).toEqual([expect.stringMatching(/: 1 link\(s\) issued and queued$/)]);
    expect(forKnown.wrote).toMatchObject({ portal_links: 1, communications: 1, audit_events: 1 });
    expect(forUnknown.lines).toEqual([expect.stringMatching(/: no active debtor with that address; nothing sent$/)]);
    expect(forUnknown.wrote).toEqual({});
    expect([...forKnown.lines, ...forUnknown.lines].join('\n')).not.toMatch(/@|known|stranger/);
    const sent = await getDb().select().from(communications).where(eq(communications.debtorId, debtor.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ template: 'fresh_link', toAddress: debtor.email, status: 'queued' });
    const [link] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, sent[0].linkJti!));
    expect(link).toMatchObject({ purpose: 'fresh_link', debtorId: debtor.id });
    expect(JSON.stringify(sent[0].props)).toContain('/l/');
    const audited = await getDb().select().from(auditEvents).where(eq(auditEvents.entityId, link.jti));
    expect(audited).toEqual([
      expect.objectContaining({ action: 'link.requested', actorType: 'debtor', debtorId: debtor.id }),
    ]);
  });

  it('only looks within the creditor of the expired link when it is known', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const theirs = await createDebtor(other, { email: 'shared@example.nl' });
    await requestFreshLink({ email: 'shared@example.nl', organizationId: org.id, ip: '192.0.2.3' }, { clock });
    await runFreshLinkJobs();
    expect(await getDb().select().from(communications).where(eq(communications.debtorId, theirs.id))).toHaveLength(0);
    await requestFreshLink({ email: 'Shared@Example.nl', ip: '192.0.2.3' }, { clock });
    await runFreshLinkJobs();
    expect(await getDb().select().from(communications).where(eq(communications.debtorId, theirs.id))).toHaveLength(1);
  });

  it('throttles per address and per IP alike for known and unknown addresses', async () => {
    const org = await createOrganization();
    await createDebtor(org, { email: 'somebody@example.nl' });
    for (const address of ['somebody@example.nl', 'nobody@example.nl']) {
      for (let i = 0; i < FRESH_LINK_LIMIT_PER_ADDRESS; i++) {
        expect(await requestFreshLink({ email: address, ip: `198.51.100.${i}` }, { clock })).toBe('accepted');
      }
      expect(await requestFreshLink({ email: address.toUpperCase(), ip: '198.51.100.99' }, { clock })).toBe(
        'throttled',
      );
    }
    for (let i = 0; i < FRESH_LINK_LIMIT_PER_IP; i++) {
      expect(await requestFreshLink({ email: `person${i}@example.nl`, ip: '203.0.113.7' }, { clock })).toBe('accepted');
    }
    expect(await requestFreshLink({ email: 'somebody@example.nl', ip: '203.0.113.7' }, { clock })).toBe('throttled');
    // The window moves on with the clock.
    const later = fixedClock('2026-11-10T11:00:01Z');
    expect(await requestFreshLink({ email: 'nobody@example.nl', ip: '198.51.100.1' }, { clock: later })).toBe(
      'accepted',
    );
  });

  it('answers a throttled request the same for a known and an unknown address, and enqueues nothing for it', async () => {
    const org = await createOrganization();
    await createDebtor(org, { email: 'caller@example.nl' });
    const answers = [];
    for (const email of ['caller@example.nl', 'no-caller@example.nl']) {
      for (let i = 0; i < FRESH_LINK_LIMIT_PER_ADDRESS; i++) await post({ email }, `192.0.2.${10 + i}`);
      const before = await rowCounts();
      const response = (await post({ email }, email.startsWith('no') ? '192.0.2.51' : '192.0.2.50')) as {
        data: unknown;
        init: ResponseInit;
      };
      answers.push({ data: response.data, status: response.init.status });
      // Only the new IP's throttle row: no job.
      expect(changed(before, await rowCounts())).toEqual({ rate_limits: 1 });
    }
    expect(answers).toEqual([
      { data: { status: 'throttled' }, status: 429 },
      { data: { status: 'throttled' }, status: 429 },
    ]);
  });

  it('refuses a malformed address with a message, storing nothing', async () => {
    const before = await rowCounts();
    const response = (await action(routeArgs(formRequest('/link-help', { email: 'not an email' })))) as {
      data: unknown;
      init: ResponseInit;
    };
    expect(response.init.status).toBe(400);
    expect(response.data).toEqual({ status: 'invalid', email: 'not an email' });
    expect(changed(before, await rowCounts())).toEqual({});
  });

  it('is a registered task, and a job with a bad payload logs without its contents and sends nothing', async () => {
    expect(Object.keys(registeredTaskList())).toContain(FRESH_LINK_TASK);
    const before = await rowCounts();
    const run = helpersFor({ id: '7', payload: {} });
    await makeFreshLinkTask(clock)({ email: 'x@example.nl', organizationId: 'nope' }, run.helpers);
    expect(run.lines).toEqual([`${FRESH_LINK_TASK} job 7: bad payload`]);
    expect(changed(before, await rowCounts())).toEqual({});
  });
});
