import { EventEmitter } from 'node:events';
import { Logger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import { getEnv, parseEnv } from '~/utils/env.server';
import { registeredCrontab, registeredTaskList } from './registry.server';
import { keepLease, leaseHolderBase, type LeaseHolder, type LeaseSettings } from './worker-leases.server';

export type StartWorkerOptions = {
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** Extra crontab lines, added to the registered ones. */
  crontab?: string;
  /** Extra or overriding tasks, added to the registered ones. */
  taskList?: TaskList;
  connectionString?: string;
  pollInterval?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Lease timing for crashed-worker recovery; WORKER_HEARTBEAT_MS and WORKER_LEASE_MS by default. */
  lease?: Partial<LeaseSettings>;
};

export type WorkerHandle = { runner: Runner; stop: () => Promise<void> };

const LEVELS = ['debug', 'info', 'warning', 'error'];

function workerLogger(minimum: StartWorkerOptions['logLevel'] = 'info') {
  // graphile-worker logs every job at info; ours shows its warnings and errors unless asked for debug.
  const threshold = LEVELS.indexOf(minimum === 'debug' ? 'debug' : minimum === 'error' ? 'error' : 'warning');
  return new Logger(() => (level, message) => {
    const name = String(level);
    if (LEVELS.indexOf(name) < threshold) return;
    const line = `[worker] ${message}`;
    if (name === 'error') console.error(line);
    else if (name === 'warning') console.warn(line);
    else console.log(line);
  });
}

/**
 * Installs or upgrades graphile-worker's own schema (graphile_worker). Processes that only
 * enqueue (a web process with RUN_WORKER=false) need it as much as the worker does.
 */
export async function migrateJobQueue(connectionString: string, logLevel?: StartWorkerOptions['logLevel']) {
  await runMigrations({ connectionString, logger: workerLogger(logLevel) });
}

/**
 * Runs graphile-worker 0.17 on DATABASE_URL with every registered task and crontab line.
 * graphile-worker installs or upgrades its own schema (graphile_worker) on start.
 * Signals are left to the caller, which stops the worker through the returned handle.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const connectionString = options.connectionString ?? parseEnv(process.env).DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL is not set: the worker needs the database');
  const crontab = [registeredCrontab(), options.crontab ?? ''].filter((s) => s.trim() !== '').join('\n');
  const logger = workerLogger(options.logLevel);
  const concurrency = options.concurrency ?? 5;
  // Our own pool, so its error listeners outlive the runner: at shutdown the database may go
  // away first (the embedded one stops on the same signal), and an unhandled pool error would
  // crash the process mid-shutdown.
  // A connect that hangs (a database gone silent) fails after 10 s and is retried by graphile-worker.
  const pgPool = new pg.Pool({
    connectionString,
    max: concurrency + 3,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  let warned = false;
  const onError = (error: Error) => {
    if (!warned) logger.warn(`database connection lost: ${error.message}`);
    warned = true;
  };
  pgPool.on('error', onError);
  pgPool.on('connect', (client) => client.on('error', onError));
  // The ids this pool locks jobs under, for its lease (worker-leases.server.ts).
  const events: WorkerEvents = new EventEmitter();
  let holder: LeaseHolder | undefined;
  events.on('pool:create', ({ workerPool }) => {
    holder = { id: workerPool.id, workerIds: [], ...leaseHolderBase() };
  });
  events.on('worker:create', ({ worker }) => holder?.workerIds.push(worker.workerId));
  let runner: Runner;
  try {
    runner = await run({
      pgPool,
      concurrency,
      pollInterval: options.pollInterval ?? 2_000,
      noHandleSignals: true,
      taskList: { ...registeredTaskList(), ...options.taskList },
      crontab,
      logger,
      events,
    });
  } catch (error) {
    await pgPool.end().catch(() => {});
    throw error;
  }
  const env = getEnv();
  const lease = keepLease(
    pgPool,
    () => holder,
    {
      heartbeatMs: options.lease?.heartbeatMs ?? env.WORKER_HEARTBEAT_MS,
      leaseMs: options.lease?.leaseMs ?? env.WORKER_LEASE_MS,
    },
    { info: (line) => logger.info(line), warn: (line) => logger.warn(line) },
  );
  await lease.beat();
  let stopped: Promise<void> | undefined;
  return {
    runner,
    stop: () => {
      stopped ??= (async () => {
        try {
          await runner.stop();
        } finally {
          // After the runner: its jobs are finished or released by now. Should it not have got
          // there, the lease goes anyway and another pool unlocks what is left.
          await lease.release();
          await pgPool.end().catch(() => {});
        }
      })();
      return stopped;
    },
  };
}
