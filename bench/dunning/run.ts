/**
 * bench/dunning: seeds open invoices with bulk SQL (generate_series) and times one dunning pass,
 * excluding delivery (the pass only queues; sending is the worker's job). Two sizes show how
 * the cost grows: 100,000 open invoices over 20,000 debtors with 10,000 due today, and 10,000
 * over 2,000 with 1,000 due. Each pass runs in a fresh child process for a clean peak memory,
 * with a postgres.js client that counts the statements (round trips) it sends.
 * Run: npm run bench:dunning   (BENCH_BATCH=<debtors per batch> to try other batch sizes)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import postgres from 'postgres';
import { DEFAULT_DUNNING_POLICY, DEFAULT_PLAN_POLICY, DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { startEmbeddedPostgres } from '~/server/embedded-db';
import { amsterdamInstant } from '~/utils/clock';
import { runMigrations } from '~db/migrate';
import { machine } from '../lib/app';

const TODAY = '2026-12-15';
const NOW = amsterdamInstant(TODAY, 9).toISOString();
const SIZES = [
  { invoices: 10_000, debtors: 2_000, due: 1_000 },
  { invoices: 100_000, debtors: 20_000, due: 10_000 },
];

type ChildResult = {
  ms: number;
  statements: number;
  batches: number;
  debtors: number;
  steps: number;
  messages: number;
  byTemplate: Record<string, number>;
  baselineRss: number;
  peakRss: number;
  peakHeap: number;
  maxRssKb: number;
  timingsMs: Record<string, number>;
  cpuMs: Record<string, number>;
  nodeCpuS: number;
  pgCpuS: number;
};

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One creditor; debtors 80% consumers, 20% businesses; invoice n belongs to debtor n mod D.
 * The first `due` invoices are due now, spread over the stages (friendly, second, final notice,
 * hand-over) so every kind of step is measured; the rest fall due later.
 */
async function seed(sql: postgres.Sql, size: (typeof SIZES)[number]) {
  const [org] = await sql`
    insert into organizations (slug, name, legal_name, iban, dunning_policy, plan_policy, portal_settings)
    values ('bench', 'Bench B.V.', 'Bench B.V.', 'NL91ABNA0417164300', ${sql.json(DEFAULT_DUNNING_POLICY)},
            ${sql.json(DEFAULT_PLAN_POLICY)}, ${sql.json(DEFAULT_PORTAL_SETTINGS)})
    returning id`;
  await sql`
    insert into debtors (organization_id, kind, name, email, external_ref)
    select ${org.id}, case when g % 5 = 0 then 'business'::debtor_kind else 'consumer'::debtor_kind end,
           'Debiteur ' || g, 'debiteur' || g || '@bench.example', 'D-' || g
    from generate_series(1, ${size.debtors}) g`;
  await sql`
    with d as (select id, kind, substr(external_ref, 3)::int as n from debtors where organization_id = ${org.id}),
    inv as (
      select g as n, d.id as debtor_id, d.kind,
             case when g <= ${size.due} then (g % case when d.kind = 'business' then 3 else 4 end) else 0 end as stage
      from generate_series(1, ${size.invoices}) g
      join d on d.n = ((g - 1) % ${size.debtors}) + 1
    ),
    offs as (select * from (values ('consumer'::debtor_kind, 0, 7), ('consumer', 1, 21), ('consumer', 2, 35), ('consumer', 3, 56),
                                    ('business', 0, 7), ('business', 1, 21), ('business', 2, 35)) v(kind, stage, days))
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at)
    select ${org.id}, inv.debtor_id, 'B-' || inv.n,
           (${TODAY}::date - case when inv.n <= ${size.due} then offs.days else -10 end - 30),
           (${TODAY}::date - case when inv.n <= ${size.due} then offs.days else -10 end),
           5000 + (inv.n * 7919) % 500000, 5000 + (inv.n * 7919) % 500000, inv.stage,
           case when inv.n <= ${size.due} then ${NOW}::timestamptz
                else (${TODAY}::date + 17 + (inv.n % 20))::timestamp at time zone 'Europe/Amsterdam' + interval '9 hours' end
    from inv join offs on offs.kind = inv.kind and offs.stage = inv.stage`;
  await sql`analyze`;
}

async function runChild(url: string): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_DATABASE_URL: url,
    BENCH_NOW: NOW,
    NODE_ENV: 'production',
    DATABASE_URL: url,
    APP_URL: 'https://voldaan.example',
    SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('bench')] }),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/dunning/pass-child.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`pass child exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-bench-dunning-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), database: 'postgres', fast: true });
  const rows: string[] = [];
  const breakdown: string[] = [];
  try {
    for (const size of SIZES) {
      const name = `bench_${size.invoices}`;
      const admin = postgres(db.url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      const url = withDatabase(db.url, name);
      await runMigrations(url);
      await runWorkerMigrations({ connectionString: url });
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      const seedStart = performance.now();
      await seed(sql, size);
      const seedMs = performance.now() - seedStart;

      const r = await runChild(url);
      const [{ comms, jobs, links }] = await sql`
        select (select count(*)::int from communications) as comms,
               (select count(*)::int from graphile_worker.jobs where task_identifier = 'send_communication') as jobs,
               (select count(*)::int from portal_links) as links`;
      const [{ left }] = await sql`
        select count(*)::int as left from invoices where status = 'open' and next_action_at <= ${NOW}::timestamptz`;
      await sql.end();
      if (comms !== r.messages || jobs !== r.messages || links !== r.messages || left !== 0) {
        throw new Error(
          `check failed: ${comms} communications, ${jobs} send jobs, ${links} links, ${left} invoices still due`,
        );
      }
      console.log(
        `${size.invoices} invoices: seeded in ${(seedMs / 1000).toFixed(1)} s; pass ${(r.ms / 1000).toFixed(2)} s, ` +
          `${r.statements} statements, ${r.batches} batches`,
      );
      breakdown.push(
        `${size.invoices.toLocaleString('en')} invoices: ` +
          Object.entries(r.timingsMs)
            .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)} s (CPU ${(r.cpuMs[phase] / 1000).toFixed(2)} s)`)
            .join(', ') +
          `; CPU used: Node ${r.nodeCpuS.toFixed(2)} s, its PostgreSQL backend ${r.pgCpuS.toFixed(2)} s`,
      );
      rows.push(
        `| ${size.invoices.toLocaleString('en')} / ${size.debtors.toLocaleString('en')} | ${size.due.toLocaleString('en')} | ` +
          `${r.steps.toLocaleString('en')} | ${r.messages.toLocaleString('en')} | ${(r.ms / 1000).toFixed(2)} s | ` +
          `${r.batches} | ${r.statements} | ${(r.statements / r.batches).toFixed(1)} | ${mb(r.peakHeap)} | ${mb(r.peakRss)} | ${mb(r.maxRssKb * 1024)} |`,
      );
    }
  } finally {
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
  console.log(
    `\nDunning pass, as of ${TODAY} 09:00 Europe/Amsterdam; ${machine()}; batch ${process.env.BENCH_BATCH ?? 500} debtors`,
  );
  console.log('Sends are only queued (outbox + graphile-worker job); delivery is not measured.\n');
  console.log(
    '| open invoices / debtors | due | invoices advanced | messages | pass time | batches | DB statements | per batch | peak heap | peak RSS | maxRSS (process) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(
    '\nWhere the pass spent its time (select: locking and reading; decide: amounts and props; links: signing;',
  );
  console.log('queue: the outbox (communications + send jobs); write: invoices, flags, audit):');
  for (const line of breakdown) console.log(`  ${line}`);
  console.log(
    `\nLoad average while measuring: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
