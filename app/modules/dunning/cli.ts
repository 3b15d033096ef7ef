/**
 * `npm run dunning -- --now 2026-12-15 [--org <id>] [--batch 500] [--send] [--json]`: runs one
 * dunning pass as of a day (09:00 Europe/Amsterdam, when reminders go out) or an exact instant,
 * and prints what it did. Uses DATABASE_URL; otherwise the embedded database under DATA_DIR:
 * the one `npm start` is running (found through DATA_DIR/voldaan.json), or it starts it itself. Messages are only queued; the worker
 * (inside `npm start`, or `npm run worker`) sends them, or `--send` sends them right away with
 * the same clock.
 */
import path from 'node:path';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import { runMigrations } from '~db/migrate';
import { openDatabase, runCommand } from '~/server/instance';
import { amsterdamInstant, fixedClock } from '~/utils/clock';
import { closeDb } from '~/utils/db.server';
import { formatMoney } from '~/utils/money';
import { sendCommunication } from '~/modules/mail/index.server';
import { runDunningPass, type DunningPassResult } from './pass.server';
import { SEND_HOUR } from './schedule';
import './dunning.task.server';

const USAGE =
  'usage: npm run dunning -- --now <YYYY-MM-DD | ISO instant> [--org <organization id>] [--batch <debtors>] [--send] [--json]';

type Args = { now: Date; org?: string; batch?: number; send: boolean; json: boolean };

export function parseArgs(argv: string[]): Args | string {
  const args = argv.filter((a) => a !== '--');
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const known = new Set(['--now', '--org', '--batch', '--send', '--json']);
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && !known.has(args[i - 1] ?? ''));
  if (unknown.length > 0) return `unknown option ${unknown[0]}`;
  const rawNow = value('--now');
  let now: Date;
  if (rawNow === undefined) now = new Date();
  else if (/^\d{4}-\d{2}-\d{2}$/.test(rawNow)) {
    now = amsterdamInstant(rawNow, SEND_HOUR);
    if (Number.isNaN(now.getTime()) || now.toISOString().slice(0, 10) !== rawNow)
      return `--now: ${rawNow} is not a date`;
  } else {
    now = new Date(rawNow);
    if (Number.isNaN(now.getTime())) return `--now: ${rawNow} is neither YYYY-MM-DD nor an ISO instant`;
  }
  const rawBatch = value('--batch');
  const batch = rawBatch === undefined ? undefined : Number(rawBatch);
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1))
    return '--batch expects a whole number of at least 1';
  const org = value('--org');
  if (args.includes('--org') && !org) return '--org expects an organization id';
  return { now, org, batch, send: args.includes('--send'), json: args.includes('--json') };
}

function money(cents: number) {
  return formatMoney(cents, 'EUR', 'nl');
}

export function report(result: DunningPassResult, sent?: Record<string, number>): string {
  const lines = [
    `Dunning pass as of ${result.asOf} (${result.day}, Europe/Amsterdam)`,
    `  debtors looked at: ${result.debtors} in ${result.batches} batch(es); invoices advanced: ${result.steps}`,
    `  messages queued: ${result.messages}` +
      (result.messages > 0
        ? ` (${Object.entries(result.messagesByTemplate)
            .map(([t, n]) => `${t} ${n}`)
            .join(', ')})`
        : ''),
    `  postponed: ${result.postponed.term_running} waiting for the 14-day term, ${result.postponed.final_notice_unsent} final notice not yet sent, ${result.postponed.email_blocked} email blocked, ${result.postponed.not_business_day} hand-overs waiting for a business day`,
    `  sequences ended: ${result.ended}; handed over for collection: ${result.handedOver}; debtors flagged for staff: ${result.flaggedDebtors}`,
    `  costs added: ${money(result.costsAddedCents)}; compensation claimed: ${money(result.compensationClaimedCents)}; interest claimed: ${money(result.interestClaimedCents)}`,
  ];
  for (const m of result.samples) {
    const extra = [
      m.costsCents ? `costs ${money(m.costsCents)}` : '',
      m.interestCents ? `interest ${money(m.interestCents)}` : '',
    ].filter(Boolean);
    lines.push(
      `  - ${m.debtorName}: ${m.template} [${m.stageKey}] ${m.invoiceNumbers.join(', ')}: ${money(m.openCents)}${
        extra.length ? ` + ${extra.join(' + ')}` : ''
      } (communication ${m.communicationId})`,
    );
  }
  if (result.messages > result.samples.length) lines.push(`  … and ${result.messages - result.samples.length} more`);
  for (const w of result.warnings) lines.push(`  warning: ${w}`);
  if (sent) {
    lines.push(
      `  sent now: ${
        Object.entries(sent)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ') || 'nothing'
      }`,
    );
  } else if (result.messages > 0) {
    lines.push('  The worker sends them (inside `npm start`, or `npm run worker`); add --send to send them now.');
  }
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    process.exit(2);
  }
  const database = await openDatabase('dunning', { startEmbedded: true });
  try {
    const url = database.url;
    await runMigrations(url);
    await runWorkerMigrations({ connectionString: url });
    const clock = fixedClock(args.now);
    const result = await runDunningPass({
      clock,
      organizationId: args.org,
      batchSize: args.batch,
      keepMessages: args.send ? Number.MAX_SAFE_INTEGER : 50,
    });
    let sent: Record<string, number> | undefined;
    if (args.send) {
      sent = {};
      for (const m of result.samples) {
        const outcome = await sendCommunication(m.communicationId, { clock });
        sent[outcome.status] = (sent[outcome.status] ?? 0) + 1;
      }
    }
    console.log(args.json ? JSON.stringify({ ...result, sent }, null, 2) : report(result, sent));
  } finally {
    await closeDb();
    await database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('dunning', 'cli.ts'))) {
  runCommand('npm run dunning failed', main);
}
