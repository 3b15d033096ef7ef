/**
 * bench/portal: a debtor with 20 open invoices loads /portal at 10 and 50 concurrent
 * connections; a static page of the same app (rendered by Remix, no data) is loaded the same
 * way. Prints requests/s and p50/p99 for each, the portal/static ratio, and the JavaScript the
 * portal's first load transfers (gzip). Run: npm run bench:portal
 */
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { closeDb, getDb } from '~/utils/db.server';
import { issuePortalLink } from '~/modules/links/links.server';
import { resetEnv } from '~/utils/env.server';
import { seedDemo } from '~db/seed';
import { debtors, invoices, organizations } from '~db/schema';
import { machine, startBenchApp } from '../lib/app';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

async function load(url: string, connections: number, cookie?: string) {
  const result = await autocannon({ url, connections, duration: DURATION, headers: cookie ? { cookie } : {} });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  const app = await startBenchApp();
  try {
    // The bench process talks to the same database to set up its debtor.
    process.env.DATABASE_URL = app.databaseUrl;
    process.env.APP_URL = app.baseUrl;
    process.env.PORTAL_SIGNING_KEYS = app.env.PORTAL_SIGNING_KEYS;
    resetEnv();
    await seedDemo({ onlyIfEmpty: true });
    const db = getDb();
    const [org] = await db.select().from(organizations).limit(1);
    const [debtor] = await db
      .insert(debtors)
      .values({
        organizationId: org.id,
        kind: 'consumer',
        name: 'Bench Debtor',
        email: 'bench@example.nl',
        externalRef: 'BENCH-1',
      })
      .returning();
    await db.insert(invoices).values(
      Array.from({ length: 20 }, (_, i) => ({
        organizationId: org.id,
        debtorId: debtor.id,
        number: `BENCH-${i + 1}`,
        issueDate: '2026-09-01',
        dueDate: `2026-10-${String(i + 1).padStart(2, '0')}`,
        totalCents: 10_000 + i * 123,
        openCents: 10_000 + i * 123,
        dunningStage: 1,
        nextActionAt: new Date(Date.now() + 86_400_000),
        lines: [
          { description: 'Onderhoud', quantity: 1, unitPriceCents: 10_000, vatRatePercent: 21, amountCents: 10_000 },
        ],
      })),
    );
    const link = await db.transaction((tx) =>
      issuePortalLink(tx, { organizationId: org.id, debtorId: debtor.id, purpose: 'staff' }),
    );
    const landing = await fetch(link.url, { redirect: 'manual' });
    const cookie = landing.headers.get('set-cookie')?.split(';')[0];
    if (landing.status !== 303 || !cookie) throw new Error(`landing failed: ${landing.status}`);
    const page = await (await fetch(`${app.baseUrl}/portal`, { headers: { cookie } })).text();
    if (!page.includes('BENCH-20')) throw new Error('the portal did not show the 20 invoices');

    const scripts = [...page.matchAll(/(?:src|href)="(\/build\/[^"]+\.js)"/g)].map((m) => m[1]);
    let jsGzip = 0;
    for (const src of new Set(scripts)) {
      const body = Buffer.from(await (await fetch(`${app.baseUrl}${src}`)).arrayBuffer());
      jsGzip += gzipSync(body, { level: 9 }).length;
    }

    const staticUrl = `${app.baseUrl}/portal/signed-out`;
    const rows: string[] = [];
    const ratios: string[] = [];
    for (const connections of [10, 50]) {
      // Warm up both paths so the first measured second is not the JIT's.
      await autocannon({ url: `${app.baseUrl}/portal`, connections, duration: 2, headers: { cookie } });
      const portal = await load(`${app.baseUrl}/portal`, connections, cookie);
      const stat = await load(staticUrl, connections);
      rows.push(
        `| /portal (20 invoices) | ${connections} | ${portal.rps.toFixed(0)} | ${portal.p50} ms | ${portal.p99} ms |`,
        `| static page | ${connections} | ${stat.rps.toFixed(0)} | ${stat.p50} ms | ${stat.p99} ms |`,
      );
      ratios.push(`${connections} connections: portal/static throughput ${(portal.rps / stat.rps).toFixed(2)}`);
    }
    console.log(`bench/portal on ${machine()}, ${DURATION} s per run\n`);
    console.log('| page | connections | requests/s | p50 | p99 |\n| --- | --- | --- | --- | --- |');
    console.log(rows.join('\n'));
    console.log(`\n${ratios.join('\n')}`);
    console.log(
      `first-load JavaScript of /portal: ${(jsGzip / 1024).toFixed(1)} KB gzip in ${new Set(scripts).size} files`,
    );
  } finally {
    await closeDb();
    await app.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
