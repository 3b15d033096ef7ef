/**
 * One dunning pass in a fresh process (so its peak memory is the pass's, not the seeding's),
 * on BENCH_DATABASE_URL as of BENCH_NOW, through a postgres.js client that counts every
 * statement it sends. Prints one JSON line.
 */
import fs from 'node:fs';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { getKeyRing } from '~/modules/links/keys.server';
import { runDunningPass } from '~/modules/dunning/pass.server';
import { fixedClock } from '~/utils/clock';
import { schema } from '~/utils/db.server';

async function main() {
  const url = process.env.BENCH_DATABASE_URL!;
  let statements = 0;
  const client = postgres(url, {
    max: 1,
    onnotice: () => {},
    debug: () => {
      statements += 1;
    },
  });
  const db = drizzle(client, { schema });
  await getKeyRing();
  const [{ pid }] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
  statements = 0;
  /** CPU seconds the PostgreSQL backend serving this connection has used (same machine: /proc). */
  const backendCpu = () => {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  };
  const pgCpuBefore = backendCpu();
  const cpuBefore = process.cpuUsage();

  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const started = performance.now();
  const result = await runDunningPass({
    clock: fixedClock(process.env.BENCH_NOW!),
    db,
    batchSize: Number(process.env.BENCH_BATCH ?? 500),
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpu = backendCpu() - pgCpuBefore;
  clearInterval(sampler);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  await client.end();
  console.log(
    JSON.stringify({
      ms,
      statements,
      batches: result.batches,
      debtors: result.debtors,
      steps: result.steps,
      messages: result.messages,
      byTemplate: result.messagesByTemplate,
      postponed: result.postponed,
      baselineRss: baseline.rss,
      peakRss,
      peakHeap,
      maxRssKb: process.resourceUsage().maxRSS,
      timingsMs: result.timingsMs,
      cpuMs: result.cpuMs,
      nodeCpuS: (cpu.user + cpu.system) / 1e6,
      pgCpuS: pgCpu,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
