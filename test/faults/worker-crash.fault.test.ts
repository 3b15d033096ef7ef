/**
 * A worker killed (kill -9) in the middle of sending: its jobs stay locked under its pool's id,
 * which graphile-worker alone would leave for 4 hours. Here a second worker unlocks them once
 * the dead one's lease has run out, and every email goes out exactly once: Resend (a stand-in
 * HTTP server, as the worker is another process) keeps one email per idempotency key, and each
 * communication is recorded sent once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, communications } from '~db/schema';
import { runMigrations } from '~db/migrate';
import { startEmbeddedPostgres, type EmbeddedDb } from '~/server/embedded-db';
import { closeDb, getDb, getSql } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { waitFor } from '~test/wait';

const HEARTBEAT_MS = 1_000;
const LEASE_MS = 15_000;
const EMAILS = 5;

type ResendCall = { key: string; to: string; answered: boolean };

/** Resend's POST /emails: one email per Idempotency-Key; holds its answers while `holding`. */
function fakeResend() {
  const calls: ResendCall[] = [];
  const ids = new Map<string, string>();
  let holding = true;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const call: ResendCall = { key, to: String((JSON.parse(body) as { to: unknown }).to), answered: false };
      calls.push(call);
      if (!ids.has(key)) ids.set(key, `re_${ids.size + 1}`);
      const answer = () => {
        call.answered = true;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: ids.get(key) }));
      };
      if (!holding) answer();
      // A held request stays unanswered: its worker is killed while it waits.
    });
  });
  return {
    server,
    calls,
    /** Emails Resend would have delivered: one per idempotency key. */
    emails: () => ids.size,
    answerFromNowOn: () => (holding = false),
  };
}

function startWorker(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/worker-cli.ts', '--concurrency', '5'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000) {
  return waitFor(what, probe, { timeoutMs: ms });
}

let tmp: string;
let db: EmbeddedDb;
const resend = fakeResend();
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-fault-worker-'));
  await fs.chmod(tmp, 0o755);
  db = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), database: 'voldaan', fast: true });
  process.env.DATABASE_URL = db.url;
  process.env.APP_URL = 'http://voldaan.test';
  process.env.NODE_ENV = 'test';
  resetEnv();
  await runMigrations(db.url);
  await (await import('graphile-worker')).runMigrations({ connectionString: db.url });
  await new Promise<void>((r) => resend.server.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  resend.server.closeAllConnections();
  resend.server.close();
  await closeDb();
  await db?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('a worker killed in the middle of sending', () => {
  it('has its jobs run again by another worker once its lease ran out, each email exactly once', async () => {
    const { queuedReminder } = await import('~test/factories-mail');
    const queued = [];
    for (let i = 0; i < EMAILS; i++) queued.push((await queuedReminder()).comm!);
    const ids = queued.map((c) => c.id);

    const port = (resend.server.address() as { port: number }).port;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: path.join(tmp, 'data'),
      DATABASE_URL: db.url,
      RESEND_API_KEY: 're_fault_drill',
      RESEND_BASE_URL: `http://127.0.0.1:${port}`,
      WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      WORKER_LEASE_MS: String(LEASE_MS),
      LOG_LEVEL: 'info',
    };

    // Worker A takes all five and is killed while Resend has the requests but has not answered.
    const a = startWorker(env);
    children.push(a.child);
    await until('worker A sends five requests', () => resend.calls.length === EMAILS);
    const [lease] = await getSql()<{ id: string; worker_ids: string[] }[]>`select id, worker_ids from worker_leases`;
    const lockedBy = await getSql()<{ locked_by: string }[]>`
      select distinct locked_by from graphile_worker._private_jobs where payload->>'id' in ${getSql()(ids)}`;
    expect(lockedBy.map((r) => r.locked_by)).toEqual([lease.id]);
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const killedAt = performance.now();
    resend.answerFromNowOn();

    // Worker B starts at once, but leaves the jobs alone while A's lease could still be live.
    const b = startWorker(env);
    children.push(b.child);
    await until('worker B runs', () => b.output().includes('Worker running'));
    // B has swept at least once by now (at start, then every heartbeat).
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS));
    const stillLocked = await getSql()`
      select 1 from graphile_worker._private_jobs where locked_by = ${lease.id}`;
    // A renewed its lease at most a heartbeat before it died, so it is live until at least here.
    expect(performance.now() - killedAt).toBeLessThan(LEASE_MS - HEARTBEAT_MS);
    expect(stillLocked).toHaveLength(EMAILS);
    expect(resend.calls).toHaveLength(EMAILS);

    // Then every job runs again and completes.
    await until('the jobs complete', async () => {
      const left = await getSql()`select 1 from graphile_worker._private_jobs`;
      return left.length === 0;
    });
    const recoveredMs = performance.now() - killedAt;
    console.log(`jobs of the killed worker done ${(recoveredMs / 1000).toFixed(1)} s after the kill`);
    // The lease runs out at most LEASE_MS after the kill; a sweep follows within a heartbeat.
    expect(recoveredMs).toBeLessThan(LEASE_MS + 2 * HEARTBEAT_MS + 5_000);
    expect(b.output()).toMatch(new RegExp(`worker ${lease.id} .* taken for dead`));
    expect(b.output()).toMatch(/unlocked 5 job\(s\) of dead worker\(s\)/);

    // Exactly once: one email per communication at Resend, each sent and recorded once.
    expect(resend.emails()).toBe(EMAILS);
    expect(new Set(resend.calls.map((c) => c.key))).toEqual(new Set(ids));
    for (const id of ids) expect(resend.calls.filter((c) => c.key === id)).toHaveLength(2);
    const rows = await getDb().select().from(communications).where(inArray(communications.id, ids));
    expect(rows.map((r) => r.status)).toEqual(Array(EMAILS).fill('sent'));
    const sent = await getDb()
      .select()
      .from(auditEvents)
      .where(and(inArray(auditEvents.entityId, ids), eq(auditEvents.action, 'communication.sent')));
    expect(sent).toHaveLength(EMAILS);
    expect(await getSql()`select id from worker_leases where id = ${lease.id}`).toHaveLength(0);

    // B stops cleanly and gives its own lease up.
    const exited = new Promise<number | null>((r) => b.child.once('exit', (code) => r(code)));
    b.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await getSql()`select 1 from worker_leases`).toHaveLength(0);
  });
});
