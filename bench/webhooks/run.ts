/**
 * bench/webhooks: replays signed Stripe `checkout.session.completed` webhooks against the built
 * app in production mode (its own embedded PostgreSQL): every payment's event once, plus
 * duplicates (some sent again later, some several times at the same moment, as Stripe's
 * at-least-once delivery does). Prints throughput and p50/p99 latency, then checks the ledger:
 * every payment paid with exactly one allocation set, one recorded event per distinct event.
 * Settling trusts the verified event: no call to Stripe's API in the hot path (none is reachable here).
 *
 * Run: npm run bench:webhooks   (BENCH_PAYMENTS per level, BENCH_DUPLICATES share, BENCH_CONCURRENCY=4,16 to vary)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { debtors, dunningPauses, invoices, organizations, payments } from '~db/schema';
import { DEFAULT_DUNNING_POLICY, DEFAULT_PLAN_POLICY, DEFAULT_PORTAL_SETTINGS } from '~/modules/dunning/default-policy';
import { closeDb, getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { machine, startBenchApp } from '../lib/app';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 2000);
const DUPLICATE_SHARE = Number(process.env.BENCH_DUPLICATES ?? 0.5);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '4,16').split(',').map(Number);
const WARMUP = 300;
const SECRET_KEY = 'sk_test_bench0000000000000000';
const WEBHOOK_SECRET = 'whsec_benchsecret00000000000000';

type Seeded = { paymentId: string; sessionId: string; amount: number; invoiceCount: number };

async function seed(count: number, offset: number, organizationId: string): Promise<Seeded[]> {
  const db = getDb();
  const rows: Seeded[] = [];
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    await db.transaction(async (tx) => {
      const insertedDebtors = await tx
        .insert(debtors)
        .values(
          Array.from({ length: size }, (_, i) => ({
            organizationId,
            kind: 'consumer' as const,
            name: `Bench ${offset + start + i}`,
            email: `bench-${offset + start + i}@example.nl`,
            externalRef: `BW-${offset + start + i}`,
          })),
        )
        .returning({ id: debtors.id });
      const now = new Date();
      // Two invoices for every other debtor, one for the rest.
      const invoiceValues = insertedDebtors.flatMap((d, i) =>
        Array.from({ length: i % 2 === 0 ? 2 : 1 }, (_, k) => ({
          organizationId,
          debtorId: d.id,
          number: `BW-${offset + start + i}-${k + 1}`,
          issueDate: '2026-09-01',
          dueDate: '2026-10-01',
          totalCents: 5_000 + k * 1_250 + i,
          openCents: 5_000 + k * 1_250 + i,
          dunningStage: 1,
          nextActionAt: new Date(now.getTime() + 86_400_000),
        })),
      );
      const insertedInvoices = await tx
        .insert(invoices)
        .values(invoiceValues)
        .returning({ id: invoices.id, debtorId: invoices.debtorId, openCents: invoices.openCents });
      const byDebtor = new Map<string, { id: string; openCents: number }[]>();
      for (const inv of insertedInvoices) byDebtor.set(inv.debtorId, [...(byDebtor.get(inv.debtorId) ?? []), inv]);
      const paymentValues = insertedDebtors.map((d, i) => {
        const intent = byDebtor.get(d.id)!.map((inv) => ({ invoiceId: inv.id, amountCents: inv.openCents }));
        return {
          organizationId,
          debtorId: d.id,
          provider: 'stripe' as const,
          providerPaymentId: `cs_test_bench_${offset + start + i}`,
          amountCents: intent.reduce((s, x) => s + x.amountCents, 0),
          intent,
          status: 'open' as const,
          expiresAt: new Date(now.getTime() + 30 * 60_000),
        };
      });
      const insertedPayments = await tx.insert(payments).values(paymentValues).returning({
        id: payments.id,
        debtorId: payments.debtorId,
        providerPaymentId: payments.providerPaymentId,
        amountCents: payments.amountCents,
        intent: payments.intent,
      });
      await tx.insert(dunningPauses).values(
        insertedPayments.flatMap((p) =>
          p.intent!.map((x) => ({
            organizationId,
            invoiceId: x.invoiceId,
            reason: 'payment_pending' as const,
            sourceId: p.id,
            until: new Date(now.getTime() + 45 * 60_000),
          })),
        ),
      );
      for (const p of insertedPayments) {
        rows.push({
          paymentId: p.id,
          sessionId: p.providerPaymentId!,
          amount: p.amountCents,
          invoiceCount: p.intent!.length,
        });
      }
    });
  }
  return rows;
}

function completedEvent(p: Seeded, index: number) {
  return JSON.stringify({
    id: `evt_bench_${index}_${p.paymentId.slice(0, 8)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: {
      object: {
        id: p.sessionId,
        object: 'checkout.session',
        amount_total: p.amount,
        client_reference_id: p.paymentId,
        currency: 'eur',
        metadata: { paymentId: p.paymentId },
        mode: 'payment',
        payment_intent: `pi_bench_${p.paymentId.slice(0, 13)}`,
        payment_status: 'paid',
        status: 'complete',
      },
    },
  });
}

type Delivery = { payload: string };

/** Sends every delivery with at most `concurrency` in flight; latency per request. */
async function replay(url: string, deliveries: Delivery[], concurrency: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const bodies = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const { payload } = deliveries[next++];
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
        const t0 = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          body: payload,
          headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
        });
        const body = await response.text();
        latencies.push(performance.now() - t0);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        bodies.set(body, (bodies.get(body) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return {
    seconds,
    rps: deliveries.length / seconds,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1],
    statuses,
    bodies,
  };
}

/** Distinct events in order, with duplicates mixed in: some later, some in bursts at once. */
function schedule(events: string[], duplicateShare: number) {
  const deliveries: Delivery[] = events.map((payload) => ({ payload }));
  const extra = Math.round(events.length * duplicateShare);
  for (let i = 0; i < extra; i++) {
    const source = events[(i * 7919) % events.length];
    // Every fifth duplicate right next to its original (concurrent), the rest anywhere later.
    const index = deliveries.findIndex((d) => d.payload === source);
    const at = i % 5 === 0 ? index + 1 : index + 1 + ((i * 104_729) % (deliveries.length - index));
    deliveries.splice(at, 0, { payload: source });
  }
  return deliveries;
}

/**
 * CPU seconds used so far by the app process (found by its DATA_DIR) and by the PostgreSQL
 * cluster under that directory (postmaster and its backends), from /proc. Linux only; 0 elsewhere.
 */
async function serverCpuSeconds(dataDir: string): Promise<{ app: number; db: number }> {
  const tick = 100; // USER_HZ on Linux
  let pids: string[];
  try {
    pids = (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return { app: 0, db: 0 };
  }
  const stats = new Map<string, { ppid: string; ticks: number }>();
  const app = new Set<string>();
  const db = new Set<string>();
  for (const pid of pids) {
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(pid, { ppid: fields[1], ticks: Number(fields[11]) + Number(fields[12]) });
      const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmdline.includes(path.join(dataDir, 'pg'))) db.add(pid);
      else if (cmdline.includes('app/server/main.ts')) {
        const environ = await fs.readFile(`/proc/${pid}/environ`, 'utf8');
        if (environ.split('\0').includes(`DATA_DIR=${dataDir}`)) app.add(pid);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  let appTicks = 0;
  let dbTicks = 0;
  for (const [pid, stat] of stats) {
    if (app.has(pid)) appTicks += stat.ticks;
    else if (db.has(pid) || db.has(stat.ppid)) dbTicks += stat.ticks;
  }
  return { app: appTicks / tick, db: dbTicks / tick };
}

async function main() {
  const app = await startBenchApp({
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  try {
    process.env.DATABASE_URL = app.databaseUrl;
    process.env.APP_URL = app.baseUrl;
    resetEnv();
    // The app runs without its worker here (RUN_WORKER=false), so the job queue's schema, which the
    // settlement's outbox email writes into, is created the way a worker would on its first start.
    await (await import('graphile-worker')).runMigrations({ connectionString: app.databaseUrl });
    const db = getDb();
    const [org] = await db
      .insert(organizations)
      .values({
        slug: 'bench-webhooks',
        name: 'Bench B.V.',
        legalName: 'Bench B.V.',
        iban: 'NL91ABNA0417164300',
        dunningPolicy: DEFAULT_DUNNING_POLICY,
        planPolicy: DEFAULT_PLAN_POLICY,
        portalSettings: DEFAULT_PORTAL_SETTINGS,
      })
      .returning({ id: organizations.id });
    const url = `${app.baseUrl}/webhooks/stripe`;
    const warm = await seed(WARMUP, 0, org.id);
    await replay(
      url,
      warm.map((p, i) => ({ payload: completedEvent(p, i) })),
      4,
    );

    const rows: string[] = [];
    const cpu: string[] = [];
    const answers: string[] = [];
    let seeded = WARMUP;
    for (const concurrency of CONCURRENCY) {
      const measured = await seed(PAYMENTS, seeded, org.id);
      const events = measured.map((p, i) => completedEvent(p, seeded + i));
      seeded += PAYMENTS;
      const deliveries = schedule(events, DUPLICATE_SHARE);
      const cpuBefore = await serverCpuSeconds(app.env.DATA_DIR!);
      const result = await replay(url, deliveries, concurrency);
      const cpuAfter = await serverCpuSeconds(app.env.DATA_DIR!);
      const appMs = ((cpuAfter.app - cpuBefore.app) * 1000) / deliveries.length;
      const dbMs = ((cpuAfter.db - cpuBefore.db) * 1000) / deliveries.length;
      rows.push(
        `| ${concurrency} | ${deliveries.length} | ${events.length} | ${deliveries.length - events.length} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} ms | ${result.p99.toFixed(1)} ms | ${result.max.toFixed(1)} ms |`,
      );
      cpu.push(`${concurrency} connections: app ${appMs.toFixed(2)} ms, PostgreSQL ${dbMs.toFixed(2)} ms per delivery`);
      answers.push(
        `${concurrency} connections: status ${[...result.statuses].map(([st, n]) => `${st}×${n}`).join(', ')}; ${[...result.bodies].map(([b, n]) => `${b}×${n}`).join(', ')}`,
      );
    }

    const [check] = await db.execute<{
      paid: number;
      allocations: number;
      pairs: number;
      expected: number;
      events: number;
    }>(sql`
      select
        (select count(*)::int from payments where organization_id = ${org.id} and status = 'paid') as paid,
        (select count(*)::int from payment_allocations where organization_id = ${org.id}) as allocations,
        (select count(*)::int from (select distinct payment_id, invoice_id from payment_allocations where organization_id = ${org.id}) x) as pairs,
        (select coalesce(sum(jsonb_array_length(intent)), 0)::int from payments where organization_id = ${org.id}) as expected,
        (select count(*)::int from webhook_events where provider = 'stripe') as events`);
    const total = seeded;
    const ok =
      check.paid === total &&
      check.allocations === check.expected &&
      check.pairs === check.allocations &&
      check.events === total;

    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(`bench/webhooks on ${machine()}; load average at the end ${load}\n`);
    console.log('| connections | deliveries | distinct events | duplicates | webhooks/s | p50 | p99 | max |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    console.log(rows.join('\n'));
    // Wall-clock figures depend on whatever else the machine runs; the CPU the app (one Node
    // process, so one core at most) and PostgreSQL spent per delivery does not.
    console.log(`\nserver CPU: ${cpu.join('; ')}`);
    console.log(answers.join('\n'));
    console.log(
      `ledger: ${check.paid}/${total} payments paid, ${check.allocations} allocations for ${check.expected} intended (${check.pairs} distinct payment-invoice pairs), ${check.events} recorded events: ${ok ? 'exactly one allocation set per payment' : 'MISMATCH'}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await closeDb();
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
