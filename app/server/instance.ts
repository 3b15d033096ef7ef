/**
 * One Voldaan per data directory, and a way for the CLIs to find it. A running app (or a CLI
 * that started the embedded database itself) keeps `DATA_DIR/voldaan.json`: its pid, its URL
 * and the embedded database's port, written atomically, mode 600, removed on a clean stop.
 * One whose pid is dead (a killed run) is ignored and replaced.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { EnvError, getEnv, resetEnv } from '~/utils/env.server';
import {
  embeddedUrl,
  isAlive,
  processStartTicks,
  startEmbeddedPostgres,
  StartError,
  type EmbeddedDb,
} from './embedded-db';

export { StartError };

export const RUNTIME_FILE = 'voldaan.json';
export const EMBEDDED_DATABASE = 'voldaan';

export type RuntimeInfo = {
  pid: number;
  /** The process's start time (Linux), so a reused pid is not taken for ours. */
  processStart?: string;
  /** 'app' for `npm start`; a CLI's name when it started the embedded database itself. */
  role: string;
  appUrl?: string;
  port?: number;
  databasePort?: number;
  startedAt: string;
};

export function runtimeFile(dataDir: string) {
  return path.resolve(dataDir, RUNTIME_FILE);
}

async function readRuntime(dataDir: string): Promise<RuntimeInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(runtimeFile(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
}

function isLive(info: RuntimeInfo) {
  if (info.pid === process.pid || !isAlive(info.pid)) return false;
  const start = processStartTicks(info.pid);
  return !(info.processStart && start && start !== info.processStart);
}

/** The Voldaan process that owns this data directory, if one is running. */
export async function liveInstance(dataDir: string): Promise<RuntimeInfo | undefined> {
  const info = await readRuntime(dataDir);
  return info && isLive(info) ? info : undefined;
}

export function describe(info: RuntimeInfo) {
  const what = info.role === 'app' ? 'Voldaan' : `Voldaan's \`npm run ${info.role}\``;
  const where = [
    info.appUrl ? `${info.appUrl}` : undefined,
    info.port ? `port ${info.port}` : undefined,
    info.databasePort ? `database port ${info.databasePort}` : undefined,
  ].filter(Boolean);
  return `${what} (pid ${info.pid}${where.length ? `, ${where.join(', ')}` : ''})`;
}

export type Claim = {
  update: (changes: Partial<RuntimeInfo>) => Promise<void>;
  release: () => Promise<void>;
};

async function writeAtomically(file: string, info: RuntimeInfo) {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/**
 * Takes the data directory for this process, or fails naming the one that has it. The file is
 * created with link(2), which fails when it exists, so two starts at the same instant cannot
 * both win.
 */
export async function claimDataDir(dataDir: string, info: Omit<RuntimeInfo, 'pid' | 'startedAt'>): Promise<Claim> {
  const createdDir = await fs.mkdir(dataDir, { recursive: true });
  const file = runtimeFile(dataDir);
  let current: RuntimeInfo = {
    pid: process.pid,
    processStart: processStartTicks(process.pid),
    startedAt: new Date().toISOString(),
    ...info,
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.link(tmp, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
        const other = await readRuntime(dataDir);
        if (other && isLive(other)) {
          throw new StartError(
            `${describe(other)} is already running on the data directory ${path.resolve(dataDir)}.\n` +
              'Stop it first, or set DATA_DIR to another directory (and PORT to another port).',
          );
        }
        // Left by a run that was killed: it no longer counts.
        await fs.rm(file, { force: true });
      }
    }
  } catch (error) {
    if (createdDir) await fs.rm(createdDir, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  let released = false;
  return {
    update: async (changes) => {
      if (released) return;
      current = { ...current, ...changes };
      await writeAtomically(file, current);
    },
    release: async () => {
      if (released) return;
      released = true;
      const onDisk = await readRuntime(dataDir);
      if (onDisk?.pid === process.pid) await fs.rm(file, { force: true });
      // A data directory this start created and that stayed empty (a failed start) goes again.
      if (createdDir) await fs.rmdir(createdDir).catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** Fails with one line when HOST:PORT cannot be listened on (checked before anything starts). */
export async function checkPortFree(host: string, port: number) {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new StartError(`Port ${port} is in use by another program: set PORT to a free port, or stop that program.`);
  if (error.code === 'EACCES')
    return new StartError(`Port ${port} needs privileges this user does not have: set PORT to 1024 or higher.`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new StartError(`HOST ${host} is not an address of this machine: set HOST (e.g. 0.0.0.0 or 127.0.0.1).`);
  return error;
}

function describeUrl(url: string) {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Connects once with a short timeout, so an unreachable database is one clear line, not a hang. */
export async function probeDatabase(url: string, source: string, timeoutSeconds = 5) {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {}, idle_timeout: 1 });
  try {
    await sql`select 1`;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'CONNECT_TIMEOUT'
        ? `no answer within ${timeoutSeconds} s`
        : e.code === 'ECONNREFUSED'
          ? 'connection refused'
          : e.code === 'ENOTFOUND'
            ? 'unknown host'
            : e.message;
    throw new StartError(`Cannot reach the database ${describeUrl(url)} (${source}): ${reason}.`);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export type OpenedDatabase = {
  url: string;
  /** The running app's APP_URL when one runs on this data directory (for links a CLI prints). */
  appUrl?: string;
  /** The embedded server this process started, if it did. */
  embedded?: EmbeddedDb;
  claim?: Claim;
  /** Stops what this process started (the embedded server) and releases the data directory. */
  close: () => Promise<void>;
};

/**
 * The database for a CLI: DATABASE_URL; else the embedded server of the Voldaan running on
 * DATA_DIR; else, with `startEmbedded`, the embedded server started here (and stopped by
 * close()). Also adopts the running app's APP_URL unless APP_URL is set, so printed links
 * point at the app that serves them.
 */
export async function openDatabase(
  role: string,
  { startEmbedded }: { startEmbedded: boolean },
): Promise<OpenedDatabase> {
  const env = getEnv();
  const running = await liveInstance(env.DATA_DIR);
  const appUrl = running?.role === 'app' ? running.appUrl : undefined;
  const adopt = (url: string) => {
    process.env.DATABASE_URL = url;
    if (!process.env.APP_URL && appUrl) process.env.APP_URL = appUrl;
    resetEnv();
  };
  if (env.DATABASE_URL) {
    await probeDatabase(env.DATABASE_URL, 'DATABASE_URL');
    adopt(env.DATABASE_URL);
    return { url: env.DATABASE_URL, appUrl, close: async () => {} };
  }
  if (running) {
    if (!running.databasePort) {
      throw new StartError(`${describe(running)} is still starting: try again in a few seconds.`);
    }
    const url = embeddedUrl(running.databasePort, EMBEDDED_DATABASE);
    await probeDatabase(url, `the embedded database of ${describe(running)}`);
    adopt(url);
    return { url, appUrl, close: async () => {} };
  }
  if (!startEmbedded) {
    throw new StartError(
      `No Voldaan is running on the data directory ${path.resolve(env.DATA_DIR)}, and DATABASE_URL is not set.\n` +
        'Start the app first (npm start), or set DATABASE_URL to the database the app uses.',
    );
  }
  const claim = await claimDataDir(env.DATA_DIR, { role });
  let embedded: EmbeddedDb | undefined;
  const close = async () => {
    await embedded?.stop();
    await claim.release();
  };
  // A Ctrl-C must not leave the server we started behind (it is in its own process group).
  const onSignal = () => void close().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(env.DATA_DIR, 'postgres'),
      database: EMBEDDED_DATABASE,
      log: (line) => console.error(line),
    });
    await claim.update({ databasePort: embedded.port });
  } catch (error) {
    await close();
    throw error;
  }
  adopt(embedded.url);
  return {
    url: embedded.url,
    embedded,
    claim,
    close: async () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await close();
    },
  };
}

/**
 * Runs a command's main: a StartError or a bad environment prints its message alone and exits
 * 1; anything else prints one line (the stack only with LOG_LEVEL=debug).
 */
export function runCommand(prefix: string, main: () => Promise<void>) {
  main().catch((error: unknown) => {
    console.error(failureMessage(prefix, error));
    process.exit(1);
  });
}

/** "<prefix>: <message>", or a StartError's own message; the stack only with LOG_LEVEL=debug. */
export function failureMessage(prefix: string, error: unknown): string {
  if (error instanceof StartError) return error.message;
  if (error instanceof EnvError) return `${prefix}:\n${error.message}`;
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) return error.stack;
  return `${prefix}: ${error instanceof Error ? error.message : String(error)}`;
}
