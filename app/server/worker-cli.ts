/**
 * `npm run worker [-- --concurrency N]`: the job worker alone, for deployments that run it apart from the web
 * processes (set RUN_WORKER=false there). Uses DATABASE_URL, or the embedded database of the Voldaan running
 * on DATA_DIR (it does not start one itself). Applies migrations first, like the web process. SIGTERM or
 * Ctrl-C lets running jobs finish (their locks are released), then exits 0.
 */
import { runMigrations } from '~db/migrate';
import { openDatabase, runCommand } from './instance';
import { closeDb } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { migrateJobQueue, startWorker } from '~/modules/jobs/index.server';
// Every module's tasks and crontab lines (the composition root), before the worker starts.
import './tasks.server';

async function main() {
  const flag = process.argv.indexOf('--concurrency');
  const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error('--concurrency expects a whole number of at least 1');
    process.exit(2);
  }
  // Signals that come while starting wait for the start to finish, then stop the worker.
  let stopRequested = false;
  const control: { stop?: (signal: string) => Promise<void> } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (control.stop) void control.stop(signal);
    else stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const database = await openDatabase('worker', { startEmbedded: false });
  const env = getEnv();
  await runMigrations(database.url);
  await migrateJobQueue(database.url, env.LOG_LEVEL);
  const worker = await startWorker({ concurrency, logLevel: env.LOG_LEVEL, connectionString: database.url });
  console.log(
    `Worker running (concurrency ${concurrency}) on ${database.url.replace(/\/\/[^@]*@/, '//')}. Ctrl-C stops it.`,
  );

  let stopping: Promise<void> | undefined;
  control.stop = (signal: string) => {
    stopping ??= (async () => {
      console.log(`\n${signal}: stopping the worker (running jobs finish first)…`);
      await worker.stop().catch((error: unknown) => console.error(error));
      await closeDb().catch(() => {});
      await database.close();
      console.log('Worker stopped.');
      process.exit(0);
    })();
    return stopping;
  };
  if (stopRequested) await control.stop('SIGTERM');
  await worker.runner.promise;
}

runCommand('npm run worker failed', main);
