import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '~db/schema';
import { parseEnv } from './env.server';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction or the database itself: services accept either so callers can compose them. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

type PoolState = {
  client?: postgres.Sql;
  database?: Database;
  probe?: postgres.Sql;
  onConnectionClosed?: () => void;
  /** closeDb() was called and no query has reopened the pool since: the process is stopping. */
  closed?: boolean;
};

/**
 * One pool per process, kept on globalThis: the Remix server build bundles its own copy of this
 * module beside the one the server and the worker import, and both must share (and close, and
 * discard) the same connections.
 */
const state: PoolState = ((globalThis as { [key: symbol]: PoolState })[Symbol.for('voldaan.db.pool')] ??= {});

/**
 * postgres.js waits `backoff(retries)` seconds before reconnecting after a failed connection,
 * its default growing to 20 s: after an outage the first requests then sat in that wait.
 * Ours stays under half a second; while the database is known to be down, requests do not
 * reach the pool at all (app/server/db-health.ts), so a short wait hammers nothing.
 */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.5);
}

/** The pool's options from the environment (also for tests of the settings). */
export function poolOptions(source: Record<string, string | undefined> = process.env) {
  // Read as the environment is now, not as first cached: tests and CLIs point DATABASE_URL
  // elsewhere and reopen the pool.
  const env = parseEnv(source);
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: start through app/server/main.ts or set it');
  return {
    url: env.DATABASE_URL,
    options: {
      max: env.DB_POOL_MAX,
      onnotice: () => {},
      connect_timeout: env.DB_CONNECT_TIMEOUT_MS / 1000,
      // Idle connections go after a minute, every connection after 10–20 minutes: a connection
      // that outlived a failover or a restart of PostgreSQL does not linger.
      idle_timeout: 60,
      max_lifetime: 60 * (10 + Math.random() * 10),
      keep_alive: 30,
      backoff: reconnectBackoffSeconds,
      connection: {
        application_name: 'voldaan',
        statement_timeout: env.DB_STATEMENT_TIMEOUT_MS,
      },
    } satisfies postgres.Options<Record<string, postgres.PostgresType>>,
  };
}

function connect() {
  const { url, options } = poolOptions();
  const client = postgres(url, {
    ...options,
    // Only for the pool in use: closing or discarding a pool is no news.
    onclose: () => {
      if (state.client === client) state.onConnectionClosed?.();
    },
  });
  state.client = client;
  state.database = drizzle(client, { schema });
  state.closed = false;
}

/** Called whenever a connection of the pool closes: idle ones going, lost ones, refused ones. */
export function onPoolConnectionClosed(listener: (() => void) | undefined) {
  state.onConnectionClosed = listener;
}

/** The shared connection pool, opened on first use from DATABASE_URL. */
export function getDb(): Database {
  if (!state.database) connect();
  return state.database!;
}

export function getSql(): postgres.Sql {
  if (!state.client) connect();
  return state.client!;
}

export async function closeDb() {
  const { client, probe } = state;
  state.client = state.database = state.probe = undefined;
  state.closed = true;
  await Promise.all([client?.end({ timeout: 5 }), probe?.end({ timeout: 0 })]);
}

/**
 * Drops every connection of the pool at once (queries still waiting on one fail with
 * CONNECTION_DESTROYED); the next getDb() opens a fresh pool. Used when the database was
 * found unreachable, so no connection from before the outage, possibly half-open, is reused.
 */
export async function discardPool() {
  const { client, probe } = state;
  state.client = state.database = state.probe = undefined;
  await Promise.all([client?.end({ timeout: 0 }), probe?.end({ timeout: 0 })]);
}

/**
 * `select 1` on a connection of its own, so a pool busy with slow requests never looks like an
 * outage. Rejects when there is no answer within `timeoutMs`, and then drops that connection: one
 * that hangs may be half-open. Does nothing while the pool is closed (after closeDb()).
 */
export async function probeDatabase(timeoutMs: number): Promise<void> {
  // A pool closed on purpose (a stopping process) is no outage, and nothing to open again.
  if (state.closed) return;
  if (!state.probe) {
    const { url, options } = poolOptions();
    state.probe = postgres(url, { ...options, max: 1, idle_timeout: 0 });
  }
  const probe = state.probe;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the database gave no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (state.probe === probe) state.probe = undefined;
    await probe.end({ timeout: 0 }).catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts queries one after the other in the order given, without waiting for their answers: the
 * connection runs what it is sent in turn. Handing a query to the driver takes only microtasks
 * (drizzle's and postgres.js's promise chains); a process.nextTick callback queued from a microtask
 * runs once they are all done and before any I/O or timer, so nothing else gets in between.
 */
export async function sendInOrder<T extends unknown[]>(
  ...starts: { [K in keyof T]: () => PromiseLike<T[K]> }
): Promise<{ [K in keyof T]: Promise<T[K]> }> {
  const started: Promise<unknown>[] = [];
  // From here on we run as a microtask, inside Node's microtask processing, where a nextTick
  // callback waits for the whole microtask queue.
  await undefined;
  for (const start of starts) {
    const promise = new Promise((resolve, reject) => start().then(resolve, reject));
    promise.catch(() => {});
    started.push(promise);
    await new Promise<void>((resolve) => process.nextTick(resolve));
  }
  return started as { [K in keyof T]: Promise<T[K]> };
}

export { schema };
