import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { isConnectionError, isStatementTimeout } from '~/server/db-health';
import {
  closeDb,
  discardPool,
  getDb,
  poolOptions,
  probeDatabase,
  reconnectBackoffSeconds,
  sendInOrder,
} from './db.server';

function clientWith(env: Record<string, string>) {
  const { url, options } = poolOptions({ ...process.env, ...env });
  return postgres(url, { ...options, max: 1 });
}

describe('the database pool', () => {
  it('takes its limits from the settings', () => {
    const { options } = poolOptions({
      DATABASE_URL: 'postgres://db/x',
      DB_POOL_MAX: '4',
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_STATEMENT_TIMEOUT_MS: '9000',
    });
    expect(options).toMatchObject({ max: 4, connect_timeout: 1.5, connection: { statement_timeout: 9000 } });
    expect(() => poolOptions({ DATABASE_URL: 'postgres://db/x', DB_CONNECT_TIMEOUT_MS: 'soon' })).toThrow(
      /DB_CONNECT_TIMEOUT_MS is invalid/,
    );
  });

  it('reconnects after a failure within half a second, however many failed before', () => {
    for (let retries = 0; retries < 30; retries++) expect(reconnectBackoffSeconds(retries)).toBeLessThanOrEqual(0.5);
  });

  it('sets the statement timeout on every connection of the pool', async () => {
    const client = clientWith({ DB_STATEMENT_TIMEOUT_MS: '1500' });
    try {
      const [{ statement_timeout }] = await client<{ statement_timeout: string }[]>`show statement_timeout`;
      expect(statement_timeout).toBe('1500ms');
    } finally {
      await client.end();
    }
  });

  it('tells a cancelled statement apart from a lost connection', async () => {
    // PostgreSQL cancels a statement past statement_timeout with SQLSTATE 57014, as it does one
    // cancelled by pg_cancel_backend. The cancel is used here because PostgreSQL's timeout timer
    // does not fire under libfaketime, which test/at-hours.sh runs the suite with.
    const client = clientWith({});
    const admin = clientWith({});
    try {
      const [{ pid }] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const sleeping = drizzle(client)
        .execute(sql`select pg_sleep(30)`)
        .catch((e: unknown) => e);
      await expect
        .poll(async () => (await admin`select state from pg_stat_activity where pid = ${pid}`)[0]?.state, {
          timeout: 5_000,
        })
        .toBe('active');
      await admin`select pg_cancel_backend(${pid})`;
      const error = await sleeping;
      expect(isStatementTimeout(error)).toBe(true);
      expect(isConnectionError(error)).toBe(false);
    } finally {
      await client.end();
      await admin.end();
    }
  });

  it('gives up on a server that does not answer within the connect timeout', async () => {
    // A listening socket that never speaks: PostgreSQL's startup answer never comes.
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const client = clientWith({
      DATABASE_URL: `postgres://nobody:nothing@127.0.0.1:${port}/none`,
      DB_CONNECT_TIMEOUT_MS: '300',
    });
    const started = performance.now();
    try {
      const error = await client`select 1`.catch((e: unknown) => e);
      expect(isConnectionError(error)).toBe(true);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await client.end({ timeout: 0 });
      silent.close();
    }
  });

  it('classifies a refused connection and a terminated session as connection errors', async () => {
    const refused = clientWith({ DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none' });
    try {
      expect(
        isConnectionError(
          await drizzle(refused)
            .execute(sql`select 1`)
            .catch((e: unknown) => e),
        ),
      ).toBe(true);
    } finally {
      await refused.end({ timeout: 0 });
    }

    const victim = clientWith({});
    try {
      const [{ pid }] = await victim<{ pid: number }[]>`select pg_backend_pid() as pid`;
      let error: unknown;
      const running = (async () => {
        try {
          await victim`select pg_sleep(5)`;
        } catch (e) {
          error = e;
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await getDb().execute(sql`select pg_terminate_backend(${pid})`);
      await running;
      // 57P01 admin_shutdown, or CONNECTION_CLOSED when the socket closes before that message is read.
      expect(['57P01', 'CONNECTION_CLOSED']).toContain((error as { code?: string }).code);
      expect(isConnectionError(error)).toBe(true);
      // Once the dying connection has closed, the pool opens a new one for the next query.
      const deadline = performance.now() + 2_000;
      let answer: unknown;
      while (answer === undefined && performance.now() < deadline) {
        answer = await victim`select 1 as one`.then(
          (rows) => [...rows],
          () => new Promise((r) => setTimeout(() => r(undefined), 20)),
        );
      }
      expect(answer).toEqual([{ one: 1 }]);
    } finally {
      await victim.end({ timeout: 0 });
    }
  });

  it('probes on a connection of its own, and a discarded pool is replaced on next use', async () => {
    await getDb().execute(sql`select 1`);
    await probeDatabase(2_000);
    await discardPool();
    const rows = await getDb().execute(sql`select 2 as two`);
    expect([...rows]).toEqual([{ two: 2 }]);
    await probeDatabase(2_000);
  });

  it('a probe fails on an unreachable server, and is skipped once the pool was closed on purpose', async () => {
    const saved = process.env.DATABASE_URL;
    await closeDb();
    process.env.DATABASE_URL = 'postgres://nobody:nothing@127.0.0.1:1/none';
    try {
      // Closed and not reopened: a stopping process, nothing to probe.
      await probeDatabase(1_000);
      await getDb()
        .execute(sql`select 1`)
        .catch(() => {});
      await expect(probeDatabase(1_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await closeDb();
      process.env.DATABASE_URL = saved;
    }
  });
});

describe('sendInOrder', () => {
  it('hands statements to the connection in the order given, whatever promise chain starts them', async () => {
    const order = await getDb().transaction(async (tx) => {
      await tx.execute(sql`create temporary table sent_order (n serial, label text) on commit drop`);
      const record = (label: string) => tx.execute(sql`insert into sent_order (label) values (${label})`);
      // The first one starts its statement only after a few promise turns; without the wait
      // between starts, the second and third would reach the connection before it.
      const late = async () => {
        for (let i = 0; i < 5; i++) await Promise.resolve();
        return record('first');
      };
      const started = await sendInOrder(
        late,
        () => record('second'),
        () => record('third'),
      );
      await Promise.all(started);
      return tx.execute<{ label: string }>(sql`select label from sent_order order by n`);
    });
    expect(order.map((r) => r.label)).toEqual(['first', 'second', 'third']);
  });
});
