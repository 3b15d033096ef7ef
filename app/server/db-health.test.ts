import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDbHealth, isConnectionError, isStatementTimeout } from './db-health';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

async function until(probe: () => boolean, timeoutMs = 2_000) {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('isConnectionError', () => {
  it('knows the codes of a database that cannot be reached', () => {
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', '57P01', '57P03']) {
      expect(isConnectionError(coded(code)), code).toBe(true);
    }
    expect(isConnectionError(coded('08006'))).toBe(true);
  });

  it('looks through the errors drizzle and Node wrap them in', () => {
    expect(isConnectionError(new Error('Failed query: select 1', { cause: coded('ECONNREFUSED') }))).toBe(true);
    expect(isConnectionError(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe(true);
  });

  it('leaves errors of the query itself alone', () => {
    expect(isConnectionError(coded('23505', 'duplicate key'))).toBe(false);
    expect(isConnectionError(coded('57014', 'statement timeout'))).toBe(false);
    expect(isConnectionError(new Error('plain'))).toBe(false);
    expect(isConnectionError(new Response('x', { status: 404 }))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it('tells a statement timeout apart', () => {
    expect(isStatementTimeout(new Error('Failed query', { cause: coded('57014') }))).toBe(true);
    expect(isStatementTimeout(coded('ECONNREFUSED'))).toBe(false);
  });
});

describe('the database health tracker', () => {
  function tracker(answers: () => 'ok' | 'fail' | 'hang') {
    const state = { probes: 0, downs: 0, lines: [] as string[] };
    const health = createDbHealth({
      probe: () => {
        state.probes++;
        const answer = answers();
        if (answer === 'ok') return Promise.resolve();
        if (answer === 'fail') return Promise.reject(coded('ECONNREFUSED'));
        return new Promise(() => {});
      },
      probeTimeoutMs: 50,
      downIntervalMs: 10,
      upIntervalMs: 10_000,
      onDown: () => {
        state.downs++;
      },
      log: (line) => state.lines.push(line),
    });
    return { health, state };
  }

  it('goes down on a failed probe, probes every interval while down, and comes back up on the first answer', async () => {
    let answer: 'ok' | 'fail' = 'fail';
    const { health, state } = tracker(() => answer);
    health.start();
    try {
      expect(await health.check()).toBe(false);
      expect(health.isDown()).toBe(true);
      expect(state.downs).toBe(1);
      await until(() => state.probes >= 4);
      expect(state.downs).toBe(1);
      answer = 'ok';
      await until(() => !health.isDown());
      expect(state.lines).toEqual([
        'database unreachable: answering 503 until it is back',
        expect.stringMatching(/^database reachable again after \d+\.\d s$/),
      ]);
    } finally {
      health.stop();
    }
  });

  it('takes a probe without an answer for a failed one', async () => {
    const { health } = tracker(() => 'hang');
    expect(await health.check()).toBe(false);
    expect(health.isDown()).toBe(true);
  });

  it('probes at once when a query reports a lost connection, not for other errors', async () => {
    const { health, state } = tracker(() => 'fail');
    health.report(coded('23505'));
    expect(state.probes).toBe(0);
    health.report(coded('CONNECTION_CLOSED'));
    health.report(coded('CONNECTION_CLOSED'));
    await until(() => health.isDown());
    // Reports that arrive while a probe is under way join it.
    expect(state.probes).toBe(1);
  });

  it('stays up when the probe answers', async () => {
    const { health, state } = tracker(() => 'ok');
    health.report(coded('ECONNRESET'));
    expect(await health.check()).toBe(true);
    expect(health.isDown()).toBe(false);
    expect(state.downs).toBe(0);
  });
});

/**
 * A TCP hop to the test database that can go silent, as a network that drops packets does:
 * connections stay open, nothing gets through, nothing fails.
 */
async function silentableProxy(target: URL) {
  let silent = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!silent) to.write(chunk);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = new URL(target);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    setSilent: (value: boolean) => (silent = value),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('a database that goes silent', () => {
  it('is found down by the periodic probe, its hanging queries fail, and it is found again', async () => {
    const { closeDb, discardPool, getDb, probeDatabase } = await import('~/utils/db.server');
    const { sql } = await import('drizzle-orm');
    const saved = process.env.DATABASE_URL!;
    const proxy = await silentableProxy(new URL(saved));
    await closeDb();
    process.env.DATABASE_URL = proxy.url;
    process.env.DB_CONNECT_TIMEOUT_MS = '500';
    const lines: string[] = [];
    const health = createDbHealth({
      probe: () => probeDatabase(700),
      probeTimeoutMs: 1_000,
      downIntervalMs: 100,
      upIntervalMs: 300,
      onDown: discardPool,
      log: (line) => lines.push(line),
    });
    try {
      health.start();
      await getDb().execute(sql`select 1`);
      proxy.setSilent(true);
      const started = performance.now();
      const hanging = await getDb()
        .execute(sql`select 1`)
        .then(
          () => 'answered',
          (error: unknown) => error,
        );
      // Not the statement timeout (the server never hears of the query): the tracker dropped the pool.
      expect(isConnectionError(hanging)).toBe(true);
      expect(health.isDown()).toBe(true);
      expect(performance.now() - started).toBeLessThan(3_000);

      proxy.setSilent(false);
      await until(() => !health.isDown(), 5_000);
      expect([...(await getDb().execute(sql`select 2 as two`))]).toEqual([{ two: 2 }]);
      expect(lines[0]).toBe('database unreachable: answering 503 until it is back');
    } finally {
      health.stop();
      await closeDb();
      process.env.DATABASE_URL = saved;
      delete process.env.DB_CONNECT_TIMEOUT_MS;
      proxy.close();
    }
  });
});
