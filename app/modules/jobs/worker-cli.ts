/**
 * `npm run worker [-- --concurrency N]`: the job worker alone, for deployments that run it apart from the web
 * processes (set RUN_WORKER=false there). Applies migrations first, like the web process.
 */
import { runMigrations } from '../../../db/migrate';
import { closeDb } from '../../utils/db.server';
import { EnvError, getEnv } from '../../utils/env.server';
import { migrateJobQueue, startWorker } from './worker.server';

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`The worker cannot start:\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (!env.DATABASE_URL) {
    console.error(
      'DATABASE_URL is missing: expected the postgres:// URL of the database the web process uses (the embedded database of `npm start` runs its worker in-process)',
    );
    process.exit(1);
  }
  await runMigrations(env.DATABASE_URL);
  await migrateJobQueue(env.DATABASE_URL, env.LOG_LEVEL);
  const flag = process.argv.indexOf('--concurrency');
  const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error('--concurrency expects a whole number of at least 1');
    process.exit(1);
  }
  const worker = await startWorker({ concurrency, logLevel: env.LOG_LEVEL });
  console.log(`Worker running (concurrency ${concurrency}). Ctrl-C stops it.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the worker…`);
    await worker.stop().catch((error: unknown) => console.error(error));
    await closeDb().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await worker.runner.promise;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
