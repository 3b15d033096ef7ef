/**
 * Start, stop and crash drills on the real app (node + tsx on app/server/main.ts, as `npm
 * start` runs it) with its embedded PostgreSQL in throwaway data directories. The drills run
 * in order on one data directory (initialised once), so each start after the first is quick.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '~/server/embedded-db';
import {
  baseEnv,
  hasStackTrace,
  postgresOn,
  runCli,
  runningDb,
  scratchDir,
  spawnApp,
  spawnProc,
  startApp,
  stopWith,
  waitUntil,
  type App,
} from './processes';

let root: string;
let dataDir: string;
let clusterDir: string;
let port: number;
let app: App | undefined;
const started: App[] = [];

async function start(extra: Record<string, string> = {}) {
  const a = await startApp(dataDir, port, extra);
  started.push(a);
  return a;
}

beforeAll(async () => {
  root = await scratchDir('start');
  dataDir = path.join(root, 'data');
  clusterDir = path.join(dataDir, 'postgres');
  port = await freePort();
  app = await start();
});

afterAll(async () => {
  for (const a of started) if (a.child.exitCode === null && a.child.signalCode === null) await stopWith(a, 'SIGTERM');
  for (const pid of postgresOn(clusterDir)) process.kill(pid, 'SIGINT');
  await fs.rm(root, { recursive: true, force: true });
});

describe('a start that explains itself', () => {
  it('refuses a second start on the same data directory, naming the running one, which keeps running', async () => {
    const other = await freePort();
    const second = spawnApp(dataDir, other);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    const out = second.output();
    expect(out).toContain(`is already running on the data directory ${dataDir}`);
    expect(out).toContain(`pid ${app!.pid}`);
    expect(out).toContain(`port ${port}`);
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(hasStackTrace(out)).toBe(false);
    expect((await fetch(`${app!.baseUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a busy port in one line, and leaves no data directory and no PostgreSQL behind', async () => {
    const fresh = path.join(root, 'busy-port');
    const attempt = spawnApp(fresh, port);
    const exit = await attempt.exited;
    expect(exit.code).toBe(1);
    expect(attempt.output().trim()).toBe(
      `Port ${port} is in use by another program: set PORT to a free port, or stop that program.`,
    );
    await expect(fs.access(fresh)).rejects.toThrow();
    expect(postgresOn(path.join(fresh, 'postgres'))).toEqual([]);
  });

  it('starts as root in a mode-700 directory with a clear refusal and nothing left behind (or simply starts otherwise)', async () => {
    const privateRoot = await scratchDir('private', 0o700);
    const privateData = path.join(privateRoot, 'data');
    const tmpBefore = (await fs.readdir(os.tmpdir())).filter((f) => f.startsWith('pg-password-'));
    try {
      const attempt = spawnApp(privateData, await freePort());
      if (process.getuid?.() === 0) {
        const exit = await attempt.exited;
        expect(exit.code).toBe(1);
        const out = attempt.output();
        expect(out).toContain('runs as the user "postgres"');
        expect(out).toContain(`cannot reach the data directory: ${privateRoot} (mode 700)`);
        expect(out).toContain(`chmod o+x ${privateRoot}`);
        expect(hasStackTrace(out)).toBe(false);
        expect(await fs.readdir(privateRoot)).toEqual([]);
      } else {
        await attempt.waitFor('Another debtor:', 90_000);
        expect((await stopWith(attempt, 'SIGTERM')).code).toBe(0);
      }
      const tmpAfter = (await fs.readdir(os.tmpdir())).filter((f) => f.startsWith('pg-password-'));
      expect(tmpAfter).toEqual(tmpBefore);
    } finally {
      await fs.rm(privateRoot, { recursive: true, force: true });
    }
  });
});

describe('CLIs beside a running app', () => {
  it("`npm run link` uses the running app's database and prints a link on the app's address", async () => {
    const result = await runCli('app/server/link-cli.ts', ['sanne.devries@example.nl'], baseEnv({ DATA_DIR: dataDir }));
    expect(result.code, result.output).toBe(0);
    const link = result.stdout.match(/http:\/\/\S+\/l\/\S+/)?.[0];
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/l/`));
    const landing = await fetch(link!, { redirect: 'manual' });
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe('/portal');
  });

  it('`npm run worker` without a running app or DATABASE_URL fails in one clear line', async () => {
    const result = await runCli('app/server/worker-cli.ts', [], baseEnv({ DATA_DIR: path.join(root, 'nothing') }));
    expect(result.code).toBe(1);
    expect(result.output).toContain('No Voldaan is running on the data directory');
    expect(hasStackTrace(result.output)).toBe(false);
  });

  it('`npm run link` with an unreachable DATABASE_URL fails within seconds in one line', async () => {
    const result = await runCli(
      'app/server/link-cli.ts',
      ['someone@example.nl'],
      baseEnv({ DATA_DIR: dataDir, DATABASE_URL: `postgres://postgres:x@127.0.0.1:${await freePort()}/voldaan` }),
    );
    expect(result.code).toBe(1);
    expect(result.output.trim()).toMatch(
      /^Cannot reach the database 127\.0\.0\.1:\d+\/voldaan \(DATABASE_URL\): connection refused\.$/,
    );
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes a request in progress with its normal answer, then stops PostgreSQL and exits 0', async () => {
    const a = app!;
    const body = new URLSearchParams({
      email: 'admin@veldkamp.example',
      password: 'voldaan-demo-2026',
      redirectTo: '/app',
    }).toString();
    const socket = net.connect(a.port, '127.0.0.1');
    let response = '';
    socket.on('data', (c: Buffer) => (response += c.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // The body comes slowly: the request is in progress when the signal arrives.
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${a.port}\r\nOrigin: ${a.baseUrl}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGTERM');
    await a.waitFor('SIGTERM: stopping');
    // No new connections once stopping.
    await expect(fetch(`${a.baseUrl}/healthz`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(a.child.exitCode).toBeNull();
    socket.write(body.slice(10));
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 302 /);
    expect(response).toMatch(/\r\nlocation: \/app\r\n/i);
    expect(response).toMatch(/\r\nset-cookie: /i);
    const exit = await a.exited;
    expect(exit.code).toBe(0);
    expect(a.output()).toContain('Voldaan stopped.');
    expect(hasStackTrace(a.output())).toBe(false);
    expect(postgresOn(clusterDir)).toEqual([]);
    await expect(fs.access(path.join(dataDir, 'voldaan.json'))).rejects.toThrow();
    app = undefined;
  });

  it('on SIGTERM while the worker sends: exit 0, no job left locked, nothing sent twice', async () => {
    const a = await start();
    // Reminders through `npm run dunning` beside the app, for the day after the demo data's today.
    const db = runningDb(dataDir);
    try {
      const [{ day }] = await db<{ day: string }[]>`
        select to_char((now() at time zone 'Europe/Amsterdam')::date + 1, 'YYYY-MM-DD') as day`;
      const pass = await runCli('app/modules/dunning/cli.ts', ['--now', day], baseEnv({ DATA_DIR: dataDir }));
      expect(pass.code, pass.output).toBe(0);
      expect(Number(pass.stdout.match(/messages queued: (\d+)/)?.[1])).toBeGreaterThan(0);
      // Many more of the same messages, so the signal lands while the worker is busy sending (copies of
      // the pass's own, all written at its moment: the demo's year of emails is not copied).
      await db.begin(async (tx) => {
        const copies = await tx<{ id: string }[]>`
          insert into communications (organization_id, debtor_id, template, stage, invoice_ids, to_address, locale, props, status, created_at)
          select organization_id, debtor_id, template, stage, invoice_ids, to_address, locale, props, 'queued', created_at
          from communications, generate_series(1, 60)
          where created_at = (select max(created_at) from communications)
          returning id`;
        await tx`
          select graphile_worker.add_job('send_communication', json_build_object('id', id), job_key => 'comm:' || id, max_attempts => 10)
          from unnest(${copies.map((c) => c.id)}::uuid[]) as id`;
      });
      await waitUntil(
        'the first sends',
        async () => (await db`select count(*)::int as n from communications where status = 'sent'`)[0].n >= 10,
      );
    } finally {
      await db.end();
    }
    const exit = await stopWith(a, 'SIGTERM');
    expect(exit.code, a.output()).toBe(0);
    expect(hasStackTrace(a.output())).toBe(false);
    expect(postgresOn(clusterDir)).toEqual([]);

    // Back up without a worker: nothing locked, each message sent at most once so far.
    const b = await start({ RUN_WORKER: 'false' });
    const check = runningDb(dataDir);
    try {
      const [{ locked }] = await check`
        select count(*)::int as locked from graphile_worker._private_jobs where locked_at is not null`;
      expect(locked).toBe(0);
      const sentTwice = await check`
        select entity_id from audit_events where action = 'communication.sent' group by entity_id having count(*) > 1`;
      expect(sentTwice).toEqual([]);
      const [{ sent, queued }] = await check`
        select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'queued')::int as queued
        from communications`;
      expect(sent).toBeGreaterThan(0);
      expect(queued).toBeGreaterThan(0);

      // `npm run worker` beside the app sends the rest, then stops on SIGTERM with exit 0.
      const worker = spawnProc('app/server/worker-cli.ts', [], baseEnv({ DATA_DIR: dataDir }));
      await worker.waitFor('Worker running');
      await waitUntil(
        'the rest sent',
        async () => (await check`select count(*)::int as n from communications where status = 'queued'`)[0].n === 0,
        60_000,
      );
      expect((await stopWith(worker, 'SIGTERM')).code).toBe(0);
      const [{ n: sends }] =
        await check`select count(*)::int as n from audit_events where action = 'communication.sent'`;
      const [{ n: sentNow }] = await check`select count(*)::int as n from communications where status = 'sent'`;
      expect(sends).toBe(sentNow);
      const [{ n: jobsLeft }] =
        await check`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_communication'`;
      expect(jobsLeft).toBe(0);
    } finally {
      await check.end();
      expect((await stopWith(b, 'SIGTERM')).code).toBe(0);
    }
  });
});

describe('crashes', () => {
  it('starts after a kill -9 of the Node process: the orphaned PostgreSQL is stopped and a fresh one started', async () => {
    const a = await start();
    const [orphan] = postgresOn(clusterDir);
    a.child.kill('SIGKILL');
    await a.exited;
    expect(postgresOn(clusterDir)).toEqual([orphan]);

    const b = await start();
    expect(b.output()).toContain(`A PostgreSQL left over from an earlier run (pid ${orphan}`);
    expect((await fetch(`${b.baseUrl}/healthz`)).status).toBe(200);
    expect(postgresOn(clusterDir)).not.toContain(orphan);
    expect((await stopWith(b, 'SIGTERM')).code).toBe(0);
    expect(postgresOn(clusterDir)).toEqual([]);
  });
});
