import { Logger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import { registeredCrontab, registeredTaskList } from './tasks.server';

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
  const connectionString = options.connectionString ?? process.env.DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL is not set: the worker needs the database');
  const crontab = [registeredCrontab(), options.crontab ?? ''].filter((s) => s.trim() !== '').join('\n');
  const logger = workerLogger(options.logLevel);
  const concurrency = options.concurrency ?? 5;
  // Our own pool, so its error listeners outlive the runner: at shutdown the database may go
  // away first (the embedded one stops on the same signal), and an unhandled pool error would
  // crash the process mid-shutdown.
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  let warned = false;
  const onError = (error: Error) => {
    if (!warned) logger.warn(`database connection lost: ${error.message}`);
    warned = true;
  };
  pgPool.on('error', onError);
  pgPool.on('connect', (client) => client.on('error', onError));
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
    });
  } catch (error) {
    await pgPool.end().catch(() => {});
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    runner,
    stop: () => {
      stopped ??= (async () => {
        try {
          await runner.stop();
        } finally {
          await pgPool.end().catch(() => {});
        }
      })();
      return stopped;
    },
  };
}
