/**
 * Starts Voldaan: the database (embedded when DATABASE_URL is unset), migrations, demo data
 * on first start, the job worker, and the HTTP server. Every start failure an operator can fix
 * is one or two lines and exit code 1. SIGTERM or Ctrl-C stops it in order: no new
 * connections, in-flight requests finished (20 s at most), the worker's jobs finished or
 * released, the pool closed, then the embedded PostgreSQL; exit code 0.
 */
import http from 'node:http';
import path from 'node:path';
import { runMigrations } from '~db/migrate';
import { seedDemo } from '~db/seed';
import { systemClock } from '~/utils/clock';
import { closeDb } from '~/utils/db.server';
import { getEnv, resetEnv, type Env } from '~/utils/env.server';
import { startEmbeddedPostgres, type EmbeddedDb } from './embedded-db';
import type { DbHealth } from './db-health';
import { createApp, loadBuild, startDbHealth } from './http';
import {
  checkPortFree,
  claimDataDir,
  EMBEDDED_DATABASE,
  failureMessage,
  listenError,
  probeDatabase,
  type Claim,
} from './instance';
import { printWelcome, seedsDemoOnStart } from './welcome';

/** How long in-flight requests may take to finish once a stop is asked for. */
const REQUEST_GRACE_MS = 20_000;
/** How long the worker may take to finish its running jobs before we move on. */
const WORKER_GRACE_MS = 25_000;

/** Thrown inside the start sequence when a stop signal came in while starting. */
const STOP_REQUESTED = Symbol('stop requested');

async function main() {
  let claim: Claim | undefined;
  let embedded: EmbeddedDb | undefined;
  let server: http.Server | undefined;
  let worker: { stop: () => Promise<void> } | undefined;
  let health: DbHealth | undefined;
  let running = false;
  let stopRequested = false;
  let stopping: Promise<void> | undefined;

  const closeServer = (s: http.Server) =>
    new Promise<void>((resolve) => {
      if (!s.listening) return resolve();
      // Keep-alive connections go as soon as their current request is answered.
      const idle = setInterval(() => s.closeIdleConnections(), 200);
      const force = setTimeout(() => {
        console.log(`Requests still running after ${REQUEST_GRACE_MS / 1000} s: closing their connections.`);
        s.closeAllConnections();
      }, REQUEST_GRACE_MS);
      s.close(() => {
        clearInterval(idle);
        clearTimeout(force);
        resolve();
      });
      s.closeIdleConnections();
    });

  /** Stops whatever has started, in order, then exits. */
  const teardown = (code: number) => {
    stopping ??= (async () => {
      if (server) await closeServer(server);
      // From here the database goes away on purpose: no outage probes.
      health?.stop();
      if (worker) {
        const finished = await Promise.race([
          worker.stop().then(
            () => true,
            (error: unknown) => {
              console.error(failureMessage('The worker did not stop cleanly', error));
              return true;
            },
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), WORKER_GRACE_MS).unref()),
        ]);
        if (!finished) console.error(`The worker did not stop within ${WORKER_GRACE_MS / 1000} s; going on.`);
      }
      await closeDb().catch(() => {});
      await embedded
        ?.stop()
        .catch((error: unknown) => console.error(failureMessage('Stopping PostgreSQL failed', error)));
      await claim?.release().catch(() => {});
      if (code === 0) console.log('Voldaan stopped.');
      process.exit(code);
    })();
    return stopping;
  };

  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A Ctrl-C can reach us twice within moments (from the terminal and relayed by tsx): one stop.
    const now = performance.now();
    if (firstSignalAt && now - firstSignalAt < 1_000) return;
    firstSignalAt ||= now;
    if (stopping) {
      // A second signal: do not wait for slow requests, but still stop the rest in order.
      if (server) {
        console.log(`${signal} again: closing open connections now.`);
        server.closeAllConnections();
      }
      return;
    }
    if (!running) {
      if (stopRequested) return;
      stopRequested = true;
      console.log(`\n${signal}: stopping once the current start step is done…`);
      return;
    }
    console.log(`\n${signal}: stopping (waiting up to ${REQUEST_GRACE_MS / 1000} s for requests in progress)…`);
    void teardown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal: stop as cleanly as for Ctrl-C rather than leave PostgreSQL running.
  process.on('SIGHUP', onSignal);
  const onCrash = (error: unknown) => {
    console.error(error);
    void teardown(1);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const checkpoint = () => {
    if (stopRequested) throw STOP_REQUESTED;
  };

  try {
    let env: Env = getEnv();
    const embeddedMode = !env.DATABASE_URL;
    const instanceInfo = { role: 'app', appUrl: env.APP_URL, port: env.PORT };
    if (embeddedMode) {
      claim = await claimDataDir(env.DATA_DIR, instanceInfo);
    } else {
      // With an external database, the file only tells the CLIs our URL; a second app may share the directory.
      claim = await claimDataDir(env.DATA_DIR, instanceInfo).catch(() => undefined);
    }
    await checkPortFree(env.HOST, env.PORT);
    checkpoint();

    if (embeddedMode) {
      const clusterDir = path.resolve(env.DATA_DIR, 'postgres');
      console.log(`DATABASE_URL is not set: starting the embedded PostgreSQL under ${clusterDir}`);
      embedded = await startEmbeddedPostgres({
        dataDir: clusterDir,
        database: EMBEDDED_DATABASE,
        log: (line) => console.log(line),
      });
      await claim?.update({ databasePort: embedded.port });
      process.env.DATABASE_URL = embedded.url;
      resetEnv();
      env = getEnv();
    } else {
      await probeDatabase(env.DATABASE_URL!, 'DATABASE_URL');
    }
    checkpoint();

    await runMigrations(env.DATABASE_URL!);
    // The job queue's schema is needed to enqueue (in the web process too, and by the demo data), not only to work.
    const { migrateJobQueue, startWorker } = await import('~/modules/jobs/index.server');
    await migrateJobQueue(env.DATABASE_URL!);
    checkpoint();
    // The demo's year ends at this start: one reading of the clock for all of it. It plays before
    // the send checks below are registered: they judge with the system clock, the demo's emails
    // are sent at the moment the story queued them.
    const demo = seedsDemoOnStart(env) ? await seedDemo({ onlyIfEmpty: true, now: systemClock.now() }) : null;
    const seeded = demo !== null;
    checkpoint();
    // Every module's tasks and crontab lines, registered before the worker starts (composition root).
    await import('./tasks.server');
    if (env.RUN_WORKER) worker = await startWorker({ logLevel: env.LOG_LEVEL });

    health = startDbHealth(env);
    const app = createApp(await loadBuild(), env, undefined, health);
    const s = http.createServer(app);
    // Answers given while stopping close their connection, so clients do not reuse it.
    s.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (stopping) res.setHeader('Connection', 'close');
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', (error) => reject(listenError(error, env.HOST, env.PORT)));
      s.listen(env.PORT, env.HOST, () => resolve());
    });
    server = s;
    checkpoint();
    await printWelcome(env, { seeded });
    running = true;
    checkpoint();
  } catch (error) {
    if (error === STOP_REQUESTED) return void teardown(0);
    console.error(failureMessage('Voldaan cannot start', error));
    return void teardown(1);
  }
}

void main();
