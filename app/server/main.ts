/**
 * Starts Voldaan: the database (embedded when DATABASE_URL is unset), migrations, demo data
 * on first start, the job worker, and the HTTP server. Stopping the process stops them all.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { runMigrations } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { closeDb } from '../utils/db.server';
import { EnvError, getEnv, resetEnv } from '../utils/env.server';
import { startEmbeddedPostgres, type EmbeddedDb } from './embedded-db';
import { createApp, loadBuild } from './http';
import { printWelcome } from './welcome';

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`Voldaan cannot start:\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  let embedded: EmbeddedDb | undefined;
  if (!env.DATABASE_URL) {
    console.log(
      'DATABASE_URL is not set: starting the embedded PostgreSQL under',
      path.resolve(env.DATA_DIR, 'postgres'),
    );
    embedded = await startEmbeddedPostgres({ dataDir: path.join(env.DATA_DIR, 'postgres'), database: 'voldaan' });
    process.env.DATABASE_URL = embedded.url;
    resetEnv();
    env = getEnv();
  }

  let server: Server | undefined;
  let worker: { stop: () => Promise<void> } | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server?.closeAllConnections(), 3_000).unref();
    });
    await worker?.stop().catch((error: unknown) => console.error(error));
    await closeDb().catch(() => {});
    await embedded?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    await runMigrations(env.DATABASE_URL!);
    const seeded = await seedDemo({ onlyIfEmpty: true });
    // The job queue's schema is needed to enqueue (in the web process too), not only to work.
    const { migrateJobQueue, startWorker } = await import('../modules/jobs/worker.server');
    await migrateJobQueue(env.DATABASE_URL!);
    if (env.RUN_WORKER) worker = await startWorker({ logLevel: env.LOG_LEVEL });

    const build = await loadBuild();
    const app = createApp(build, env);
    server = app.listen(env.PORT, env.HOST, () => {
      void printWelcome(env, { seeded });
    });
  } catch (error) {
    console.error(error);
    await closeDb().catch(() => {});
    await embedded?.stop().catch(() => {});
    process.exit(1);
  }
}

void main();
