/**
 * Knows whether the database answers, so that during an outage the HTTP server answers 503 at
 * once instead of letting every request wait for a connection and then fail with a 500.
 *
 * Down: a query failed with a connection-level error (or a probe did), confirmed by a probe.
 * While down, a cheap `select 1` probes every second; the first answer marks it up again.
 * While up, a probe every few seconds notices a database that went silent (a network that
 * drops packets leaves queries hanging rather than failing).
 */

/** postgres.js's own codes for a connection it could not open or lost. */
const CLIENT_CONNECTION_CODES = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not there yet: 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, recovering),
 * 08xxx connection exceptions, 53300 too_many_connections.
 */
function isConnectionSqlState(code: string): boolean {
  return code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || code.startsWith('08');
}

/** Whether an error (or the error it wraps, as drizzle does) means the database could not be reached. */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CLIENT_CONNECTION_CODES.has(code) || isConnectionSqlState(code))) return true;
    // AggregateError: a host that resolves to several addresses fails once per address.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((e) => isConnectionError(e))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** 57014 query_canceled: the statement timeout ran out. Not an outage, but not the request's fault either. */
export function isStatementTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === '57014') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export type DbHealthOptions = {
  /** Resolves when the database answered; rejects or hangs when it did not. */
  probe: () => Promise<unknown>;
  /** A probe that has not answered within this is a failed probe. */
  probeTimeoutMs?: number;
  /** How often to probe while the database is down. */
  downIntervalMs?: number;
  /** How often to probe while it is up. */
  upIntervalMs?: number;
  /** Called once when the database is found down (e.g. to drop the pool's connections). */
  onDown?: () => Promise<void> | void;
  log?: (line: string) => void;
  /** For the log lines only. */
  now?: () => number;
};

export type DbHealth = {
  isDown: () => boolean;
  /** Tell the tracker about an error a query ran into; a connection error triggers a probe now. */
  report: (error: unknown) => void;
  /** Probe now (or join the probe under way); resolves to whether the database answered. */
  check: () => Promise<boolean>;
  /** Probe periodically until stop(). Timers do not keep the process alive. */
  start: () => void;
  stop: () => void;
};

export function createDbHealth(options: DbHealthOptions): DbHealth {
  const {
    probe,
    probeTimeoutMs = 2_000,
    downIntervalMs = 1_000,
    upIntervalMs = 5_000,
    onDown,
    log = (line) => console.warn(line),
    now = () => performance.now(),
  } = options;
  let down = false;
  let downSince = 0;
  let inFlight: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const probeOnce = async (): Promise<boolean> => {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${probeTimeoutMs} ms`)), probeTimeoutMs);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timeout);
    }
  };

  const check = (): Promise<boolean> => {
    inFlight ??= (async () => {
      try {
        const ok = await probeOnce();
        if (!ok && !down) {
          down = true;
          downSince = now();
          log('database unreachable: answering 503 until it is back');
          await Promise.resolve(onDown?.()).catch(() => {});
        } else if (ok && down) {
          down = false;
          log(`database reachable again after ${((now() - downSince) / 1000).toFixed(1)} s`);
        }
        return ok;
      } finally {
        inFlight = undefined;
        schedule();
      }
    })();
    return inFlight;
  };

  function schedule() {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(() => void check(), down ? downIntervalMs : upIntervalMs);
    timer.unref();
  }

  return {
    isDown: () => down,
    report(error) {
      if (isConnectionError(error)) void check();
    },
    check,
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}
