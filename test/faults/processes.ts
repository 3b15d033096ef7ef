/**
 * Real processes for the fault drills: the app as `npm start` runs it (node + tsx on
 * app/server/main.ts, embedded PostgreSQL under DATA_DIR) and the CLIs, with their output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { waitFor } from '~test/wait';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type Proc = {
  child: ChildProcess;
  pid: number;
  output: () => string;
  stdout: () => string;
  exited: Promise<Exit>;
  /** Resolves once the output contains `text`; rejects when the process exits first or after `ms`. */
  waitFor: (text: string, ms?: number) => Promise<void>;
};

/** The environment of a fresh shell: no DATABASE_URL, APP_URL or PORT of ours leak in. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'APP_URL', 'PORT', 'HOST', 'DATA_DIR', 'RUN_WORKER']) delete env[name];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnProc(script: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  const listeners = new Set<() => void>();
  const onData = (isStdout: boolean) => (chunk: Buffer) => {
    out += chunk.toString();
    if (isStdout) stdout += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData(true));
  child.stderr!.on('data', onData(false));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const l of listeners) l();
  });
  return {
    child,
    pid: child.pid!,
    output: () => out,
    stdout: () => stdout,
    exited,
    waitFor: (text, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) finish(() => resolve());
          else if (done) finish(() => reject(new Error(`exited before "${text}":\n${out}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no "${text}" after ${ms} ms:\n${out}`))), ms);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      }),
  };
}

export type App = Proc & { port: number; baseUrl: string; dataDir: string };

export function spawnApp(dataDir: string, port: number, extra: Record<string, string | undefined> = {}): App {
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = baseEnv({ PORT: String(port), HOST: '127.0.0.1', APP_URL: baseUrl, DATA_DIR: dataDir, ...extra });
  return { ...spawnProc('app/server/main.ts', [], env), port, baseUrl, dataDir };
}

/** Starts the app and waits for its welcome block. */
export async function startApp(dataDir: string, port: number, extra: Record<string, string | undefined> = {}) {
  const app = spawnApp(dataDir, port, extra);
  await app.waitFor('Another debtor:', 90_000);
  return app;
}

/** Runs a CLI to its end. */
export async function runCli(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawnProc(script, args, env);
  const exit = await Promise.race([
    proc.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${script} did not finish:\n${proc.output()}`)), 60_000).unref(),
    ),
  ]);
  return { ...exit, output: proc.output(), stdout: proc.stdout() };
}

export async function stopWith(proc: Proc, signal: NodeJS.Signals, ms = 60_000): Promise<Exit> {
  proc.child.kill(signal);
  return Promise.race([
    proc.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no exit ${ms} ms after ${signal}:\n${proc.output()}`)), ms).unref(),
    ),
  ]);
}

/** A stack trace in output: lines like "    at foo (file:1:2)". */
export function hasStackTrace(text: string) {
  return /^\s+at .+[:(]/m.test(text);
}

/** Pids of PostgreSQL processes whose command line names this cluster directory (Linux: /proc). */
export function postgresOn(clusterDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(cmd[0]) === 'postgres' && cmd.includes(clusterDir)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A throwaway directory; the embedded PostgreSQL (run as `postgres` under root) must reach it. */
export async function scratchDir(prefix: string, mode = 0o755) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `voldaan-fault-${prefix}-`));
  await fs.chmod(dir, mode);
  return dir;
}

/** The database of the Voldaan running on a data directory, found through its runtime file. */
export function runningDb(dataDir: string) {
  const info = JSON.parse(readFileSync(path.join(dataDir, 'voldaan.json'), 'utf8')) as { databasePort: number };
  return postgres(`postgres://postgres:voldaan@127.0.0.1:${info.databasePort}/voldaan`, {
    max: 2,
    onnotice: () => {},
  });
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, ms = 30_000) {
  await waitFor(what, check, { timeoutMs: ms });
}
