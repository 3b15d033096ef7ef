/**
 * bench/bank: a camt.053.001.02 statement of 10,000 entries imported and matched against a fresh
 * database, then imported again. The creditor has 12,000 open invoices of 5,000 debtors; of the
 * entries about 90 % carry the structured reference of a seeded invoice (some part payments),
 * about 5 % name an invoice number in the text in various spellings, and about 5 % match nothing
 * (they wait in the queue). Every step runs in a fresh child process (cold code, a clean peak
 * memory); wall time, CPU (Node, and the PostgreSQL cluster from /proc) and memory are printed.
 *
 * Floors measured in the same run, on the same file and database:
 *   - XMLValidator alone over the file (the least any safe reading of the XML costs);
 *   - parseStatementFile alone (our parser, no database);
 *   - inserting 10,000 rows shaped like bank_entries in batches of 500 (the least the writes cost).
 *
 * Targets (issue 13): import + match under 10 s, re-import under 3 s (and it books nothing).
 * Run: npm run bench:bank   (BENCH_ENTRIES=<n> for another size, BENCH_CPU_PROFILE=<dir> for V8 profiles,
 * BENCH_NODE_FLAGS="--trace-gc" for the child's Node flags, BENCH_PG_LOG=<file> for every statement
 * of the import step with its duration, copied from PostgreSQL's log)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import postgres from 'postgres';
import { DEFAULT_DUNNING_POLICY, DEFAULT_PLAN_POLICY, DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { makeBetalingskenmerk } from '~/modules/payments/payment-reference';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { mod97 } from '~/modules/payments/iban';
import { startEmbeddedPostgres } from '~/server/embedded-db';
import { runMigrations } from '~db/migrate';
import { camt053, type CamtEntry } from '~test/fixtures/bank/build-camt';
import { machine } from '../lib/app';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 10_000);
const DEBTORS = Math.max(1, Math.round(ENTRIES / 2));
const INVOICES = Math.round(ENTRIES * 1.2);
const ACCOUNT = 'NL91ABNA0417164300';
const BOOKING_DATE = '2026-03-02';
const NOW = '2026-03-02T18:00:00+01:00';
const TARGET_IMPORT_S = 10;
const TARGET_REIMPORT_S = 3;

type StepResult = {
  step: string;
  ms: number;
  cpuS: number;
  baselineRss: number;
  endRss: number;
  peakRss: number;
  peakHeap: number;
  maxRssKb: number;
  outcome: Record<string, number | string> | null;
};

/** A valid Dutch IBAN for debtor n (bank code RABO, account number n). */
function debtorIban(n: number): string {
  const bban = `RABO${String(n).padStart(10, '0')}`;
  return `NL${String(98 - mod97(`${bban}NL00`)).padStart(2, '0')}${bban}`;
}

const invoiceNumber = (n: number) => `BK-2026-${String(n).padStart(6, '0')}`;
const owedOf = (n: number) => 5_000 + ((n * 7_919) % 250_000);

/** Ways people write an invoice number in a transfer's description. */
function numberInText(n: number, k: number): string {
  const digits = String(n).padStart(6, '0');
  switch (k % 5) {
    case 0:
      return `Factuur ${invoiceNumber(n)}`;
    case 1:
      return `fact.nr. BK 2026 ${digits} dank u`;
    case 2:
      return `betaling bk-2026-${digits}`;
    case 3:
      return `BK/2026/${digits} d.d. 01-03-2026 EUR ${(owedOf(n) / 100).toFixed(2).replace('.', ',')}`;
    default:
      return `inv BK2026${digits}`;
  }
}

async function seed(sql: postgres.Sql) {
  const [org] = await sql<{ id: string }[]>`
    insert into organizations (slug, name, legal_name, iban, dunning_policy, plan_policy, portal_settings)
    values ('bench-bank', 'Bench Bank B.V.', 'Bench Bank B.V.', ${ACCOUNT}, ${sql.json(DEFAULT_DUNNING_POLICY)},
            ${sql.json(DEFAULT_PLAN_POLICY)}, ${sql.json(DEFAULT_PORTAL_SETTINGS)})
    returning id`;
  await sql`
    insert into bank_accounts (organization_id, iban, label) values (${org.id}, ${ACCOUNT}, 'Bench')
    on conflict do nothing`;
  await sql`
    insert into debtors (organization_id, kind, name, email, external_ref)
    select ${org.id}, case when g % 5 = 0 then 'business'::debtor_kind else 'consumer'::debtor_kind end,
           'Debiteur ' || g, 'debiteur' || g || '@bench.example', 'D-' || g
    from generate_series(1, ${DEBTORS}) g`;
  const debtorRows = await sql<{ id: string; n: number }[]>`
    select id, substr(external_ref, 3)::int as n from debtors where organization_id = ${org.id}`;
  const debtorId = new Map(debtorRows.map((d) => [d.n, d.id]));
  const debtorOf = (n: number) => ((n - 1) % DEBTORS) + 1;
  for (let start = 1; start <= INVOICES; start += 1_000) {
    const rows = [];
    for (let n = start; n < Math.min(start + 1_000, INVOICES + 1); n++) {
      rows.push({
        organization_id: org.id,
        debtor_id: debtorId.get(debtorOf(n))!,
        number: invoiceNumber(n),
        issue_date: '2026-01-15',
        // Older invoices first, so the oldest-due rule has an order to follow.
        due_date: `2026-02-${String(1 + (n % 28)).padStart(2, '0')}`,
        total_cents: owedOf(n),
        open_cents: owedOf(n),
        payment_reference: makeBetalingskenmerk(`2026${String(n).padStart(9, '0')}`),
        dunning_stage: 1,
        next_action_at: new Date('2026-03-10T08:00:00Z'),
      });
    }
    await sql`insert into invoices ${sql(rows)}`;
  }
  await sql`analyze`;
  return { organizationId: org.id, debtorOf };
}

function statementEntries(debtorOf: (n: number) => number): { entries: CamtEntry[]; expected: Record<string, number> } {
  const entries: CamtEntry[] = [];
  const referenced = Math.round(ENTRIES * 0.9);
  const byNumber = Math.round(ENTRIES * 0.05);
  let partial = 0;
  for (let i = 0; i < ENTRIES; i++) {
    const n = i + 1; // invoice n
    const d = debtorOf(n);
    const base = {
      entryRef: `BENCH-${String(i).padStart(7, '0')}`,
      endToEndId: `E2E-${i}`,
      debtorName: `Debiteur ${d}`,
      debtorIban: debtorIban(d),
    };
    if (i < referenced) {
      // Every twentieth pays half (a part payment); the rest pay exactly what is owed.
      const half = i % 20 === 7;
      if (half) partial++;
      entries.push({
        ...base,
        amountCents: half ? Math.floor(owedOf(n) / 2) : owedOf(n),
        structuredRef: makeBetalingskenmerk(`2026${String(n).padStart(9, '0')}`),
        remittance: i % 3 === 0 ? `Betaling ${invoiceNumber(n)}` : null,
      });
    } else if (i < referenced + byNumber) {
      entries.push({ ...base, amountCents: owedOf(n), remittance: numberInText(n, i) });
    } else {
      entries.push({
        ...base,
        debtorName: `Onbekende ${i}`,
        debtorIban: debtorIban(DEBTORS + 1 + i),
        amountCents: 1_234 + i,
        remittance: i % 2 === 0 ? 'Donatie jaarfeest' : `Terugbetaling borg ${i}`,
      });
    }
  }
  return {
    entries,
    expected: { referenced, byNumber, unmatched: ENTRIES - referenced - byNumber, partial },
  };
}

/**
 * CPU seconds used so far by the PostgreSQL cluster under `dataDir`, from /proc: the postmaster's
 * own time plus its ended children's (cutime/cstime: backends of connections already closed)
 * plus the children still running. Linux only; 0 elsewhere.
 */
async function clusterCpuSeconds(dataDir: string): Promise<number> {
  let pids: string[];
  try {
    pids = (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  const stats = new Map<string, string[]>();
  let postmaster: string | null = null;
  for (const pid of pids) {
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      stats.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' '));
      const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmdline.includes(dataDir)) postmaster = pid;
    } catch {
      // The process ended while we looked.
    }
  }
  if (postmaster === null) return 0;
  // Fields after the command: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
  const own = stats.get(postmaster)!;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const fields of stats.values()) {
    if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

async function runChild(env: NodeJS.ProcessEnv): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of each step.
    const profile = process.env.BENCH_CPU_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
      : [];
    // BENCH_NODE_FLAGS: more flags for the child (e.g. --trace-gc, --max-semi-space-size=32).
    const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', 'bench/bank/child.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      // Other lines on stdout (--trace-gc through BENCH_NODE_FLAGS) are passed on; the result is the JSON line.
      const lines = out.trim().split('\n');
      for (const line of lines) if (!line.startsWith('{')) process.stderr.write(`[${env.BENCH_STEP}] ${line}\n`);
      if (code !== 0) return reject(new Error(`bench child (${env.BENCH_STEP}) exited ${code}: ${out}`));
      resolve(JSON.parse(lines.filter((l) => l.startsWith('{')).pop()!) as StepResult);
    });
  });
}

/** The write floor: 10,000 rows shaped like bank_entries, 500 per statement, one transaction each. */
async function insertFloor(sql: postgres.Sql, organizationId: string): Promise<number> {
  await sql`create temporary table floor_entries (like bank_entries including defaults)`;
  const [statement] = await sql<{ id: string }[]>`select gen_random_uuid() as id`;
  const started = performance.now();
  for (let at = 0; at < ENTRIES; at += 500) {
    const rows = Array.from({ length: Math.min(500, ENTRIES - at) }, (_, k) => ({
      organization_id: organizationId,
      statement_id: statement.id,
      bank_account_id: statement.id,
      dedupe_key: `r:FLOOR-${at + k}|0|${BOOKING_DATE}|${1_000 + k}|C`,
      entry_ref: `FLOOR-${at + k}`,
      booking_date: BOOKING_DATE,
      value_date: BOOKING_DATE,
      amount_cents: 1_000 + k,
      direction: 'credit',
      counterparty_name: `Debiteur ${k}`,
      counterparty_iban: debtorIban(k + 1),
      structured_ref: makeBetalingskenmerk(at + k),
      remittance: 'Betaling factuur',
      end_to_end_id: `E2E-${k}`,
      status: 'queued',
    }));
    await sql.begin((tx) => tx`insert into floor_entries ${tx(rows)}`);
  }
  return performance.now() - started;
}

type TableStats = Map<string, { ins: number; upd: number; del: number; commits: number }>;

/** Rows written per table and transactions committed so far (PostgreSQL's cumulative statistics). */
async function tableWrites(sql: postgres.Sql): Promise<TableStats> {
  // The statistics of backends that just ended are flushed on their exit; read a fresh snapshot.
  await sql`select pg_stat_clear_snapshot()`;
  const rows = await sql<{ relname: string; ins: number; upd: number; del: number }[]>`
    select relname, n_tup_ins::int as ins, n_tup_upd::int as upd, n_tup_del::int as del
    from pg_stat_user_tables where schemaname in ('public', 'graphile_worker')`;
  const [{ commits }] = await sql<{ commits: number }[]>`
    select xact_commit::int as commits from pg_stat_database where datname = current_database()`;
  const stats: TableStats = new Map(rows.map((r) => [r.relname, { ...r, commits: 0 }]));
  stats.set('(transactions)', { ins: 0, upd: 0, del: 0, commits });
  return stats;
}

function writesBetween(before: TableStats, after: TableStats): string {
  const parts: string[] = [];
  for (const [table, a] of after) {
    const b = before.get(table) ?? { ins: 0, upd: 0, del: 0, commits: 0 };
    if (table === '(transactions)') {
      parts.unshift(`${a.commits - b.commits} transactions committed`);
      continue;
    }
    const counts = [
      a.ins - b.ins ? `+${a.ins - b.ins}` : '',
      a.upd - b.upd ? `~${a.upd - b.upd}` : '',
      a.del - b.del ? `-${a.del - b.del}` : '',
    ].filter(Boolean);
    if (counts.length > 0) parts.push(`${table} ${counts.join(' ')}`);
  }
  return parts.join(', ');
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-bench-bank-'));
  await fs.chmod(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  const db = await startEmbeddedPostgres({ dataDir, database: 'voldaan', fast: true });
  try {
    await runMigrations(db.url);
    await runWorkerMigrations({ connectionString: db.url });
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const seedStart = performance.now();
    const { organizationId, debtorOf } = await seed(sql);
    const seedMs = performance.now() - seedStart;

    const { entries, expected } = statementEntries(debtorOf);
    const xml = camt053({
      statementId: `BENCH-${BOOKING_DATE}`,
      accountIban: ACCOUNT,
      bookingDate: BOOKING_DATE,
      entries,
    });
    const file = path.join(dir, 'bench-camt053.xml');
    await fs.writeFile(file, xml);
    const sizeBytes = Buffer.byteLength(xml);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      APP_URL: 'https://voldaan.example',
      SESSION_SECRET: 'bench-session-secret-0123456789-abcdefghij',
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('bench')] }),
      BENCH_FILE: file,
      BENCH_ORG: organizationId,
      BENCH_NOW: NOW,
    };
    const results: (StepResult & { pgCpuS: number })[] = [];
    const writes: Record<string, string> = {};
    for (const step of ['validator', 'parse', 'import', 'reimport']) {
      const pgBefore = await clusterCpuSeconds(dataDir);
      const statsBefore = await tableWrites(sql);
      const logStatements = step === 'import' && process.env.BENCH_PG_LOG;
      if (logStatements) {
        await sql.unsafe(`alter system set log_min_duration_statement = 0`);
        await sql`select pg_reload_conf()`;
      }
      const result = await runChild({ ...env, BENCH_STEP: step });
      if (logStatements) {
        await sql.unsafe(`alter system reset log_min_duration_statement`);
        await sql`select pg_reload_conf()`;
        await fs.copyFile(`${dataDir}.log`, process.env.BENCH_PG_LOG as string);
      }
      results.push({ ...result, pgCpuS: (await clusterCpuSeconds(dataDir)) - pgBefore });
      if (step === 'import' || step === 'reimport') writes[step] = writesBetween(statsBefore, await tableWrites(sql));
    }
    const floorInsertMs = await insertFloor(sql, organizationId);

    const [check] = await sql<
      {
        entries: number;
        matched: number;
        queued: number;
        payments: number;
        allocations: number;
        paid: number;
        part: number;
      }[]
    >`
      select
        (select count(*)::int from bank_entries where organization_id = ${organizationId}) as entries,
        (select count(*)::int from bank_entries where organization_id = ${organizationId} and status = 'matched') as matched,
        (select count(*)::int from bank_entries where organization_id = ${organizationId} and status = 'queued') as queued,
        (select count(*)::int from payments where organization_id = ${organizationId} and provider = 'bank_transfer') as payments,
        (select count(*)::int from payment_allocations where organization_id = ${organizationId}) as allocations,
        (select count(*)::int from invoices where organization_id = ${organizationId} and status = 'paid') as paid,
        (select count(*)::int from invoices where organization_id = ${organizationId} and status = 'open'
           and open_cents < total_cents) as part`;
    await sql.end();

    const [validator, parse, imported, reimported] = results;
    const first = imported.outcome!;
    const again = reimported.outcome!;
    const okImport = imported.ms / 1000 < TARGET_IMPORT_S;
    const okReimport = reimported.ms / 1000 < TARGET_REIMPORT_S;
    const bookedNothing = again.matched === 0 && again.duplicates === ENTRIES && check.payments === first.matched;

    console.log(
      `bench/bank on ${machine()}; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
    console.log(
      `camt.053.001.02, ${ENTRIES.toLocaleString('en')} entries, ${(sizeBytes / 2 ** 20).toFixed(1)} MB; ` +
        `${INVOICES.toLocaleString('en')} open invoices of ${DEBTORS.toLocaleString('en')} debtors (seeded in ${s(seedMs)}); ` +
        `entries: ${expected.referenced} with a reference (${expected.partial} part payments), ${expected.byNumber} with an invoice number in the text, ${expected.unmatched} matching nothing\n`,
    );
    console.log(
      '| step | wall | entries/s | Node CPU | PostgreSQL CPU | RSS before | RSS after | peak RSS (sampled / maxRSS) | peak heap |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const names: Record<string, string> = {
      validator: 'floor: XMLValidator only',
      parse: 'floor: parse only',
      import: 'import + match + book',
      reimport: 're-import (all duplicates)',
    };
    for (const r of results) {
      console.log(
        `| ${names[r.step]} | ${s(r.ms)} | ${Math.round(ENTRIES / (r.ms / 1000)).toLocaleString('en')} | ${r.cpuS.toFixed(2)} s | ${r.pgCpuS.toFixed(2)} s | ` +
          `${mb(r.baselineRss)} | ${mb(r.endRss)} | ${mb(r.peakRss)} / ${mb(r.maxRssKb * 1024)} | ${mb(r.peakHeap)} |`,
      );
    }
    console.log(
      `| floor: insert ${ENTRIES.toLocaleString('en')} bank_entries-shaped rows (500 per transaction) | ${s(floorInsertMs)} | ${Math.round(ENTRIES / (floorInsertMs / 1000)).toLocaleString('en')} | | | | | | |`,
    );
    console.log(
      `\nfirst import: ${JSON.stringify(first)}\nre-import:    ${JSON.stringify(again)}\n` +
        `database: ${check.entries} bank entries (${check.matched} matched, ${check.queued} queued), ${check.payments} bank-transfer payments, ` +
        `${check.allocations} allocations, ${check.paid} invoices paid, ${check.part} part-paid`,
    );
    console.log(`rows written (+ inserted, ~ updated, - deleted) by the import: ${writes.import}`);
    console.log(`rows written by the re-import: ${writes.reimport || 'none'}`);
    console.log(
      `\ntargets: import + match ${s(imported.ms)} (< ${TARGET_IMPORT_S} s: ${okImport ? 'met' : 'MISSED'}); ` +
        `re-import ${s(reimported.ms)} (< ${TARGET_REIMPORT_S} s: ${okReimport ? 'met' : 'MISSED'}); ` +
        `re-import booked nothing: ${bookedNothing ? 'yes' : 'NO'}; parse-only ${s(parse.ms)} against the XMLValidator floor ${s(validator.ms)}`,
    );
    if (!bookedNothing) process.exitCode = 1;
  } finally {
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
