/**
 * Benchmarks run the real, built app in production mode against its own embedded PostgreSQL
 * in a throwaway directory, in a child process (so the load tool and the server are measured
 * as they would run: separate processes on one machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '~/server/embedded-db';
import { runMigrations } from '~db/migrate';

export type BenchApp = { baseUrl: string; databaseUrl: string; env: NodeJS.ProcessEnv; stop: () => Promise<void> };

export async function startBenchApp(extraEnv: Record<string, string> = {}): Promise<BenchApp> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-bench-'));
  await fs.chmod(dir, 0o755);
  const db: EmbeddedDb = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    database: 'voldaan',
    fast: true,
  });
  await runMigrations(db.url);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: baseUrl,
    DATABASE_URL: db.url,
    DATA_DIR: dir,
    RUN_WORKER: 'false',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('bench')] }),
    ...extraEnv,
  };
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server for the run.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'app/server/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 90_000);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('Voldaan is running')) {
        clearTimeout(timer);
        setTimeout(resolve, 500);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => reject(new Error(`app exited ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    databaseUrl: db.url,
    env,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await db.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
