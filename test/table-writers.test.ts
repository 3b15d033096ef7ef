/**
 * One writer per table family: only the owner's files insert into, update or delete from these
 * tables (money on invoices has its own, finer check in app/modules/ledger/one-writer.test.ts).
 * Reads are free; tests are not scanned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Writer = {
  /** A file, or a folder ending in /. */
  path: string;
  /** When set, this writer only updates these columns (drizzle names) and never inserts or deletes. */
  columns?: string[];
  /** Why a second writer may touch the table (shown when a check fails). */
  why?: string;
};

/**
 * Every table, its drizzle name and its writers: the owner module first, then, for a few tables,
 * other modules that update one family of columns and nothing else. Money columns have a finer
 * check of their own (app/modules/ledger/one-writer.test.ts), so the ledger's writes are listed
 * here without columns.
 */
const OWNERS: Record<string, { drizzle: string; writers: Writer[] }> = {
  api_keys: { drizzle: 'apiKeys', writers: [{ path: 'app/modules/api/keys.server.ts' }] },
  audit_events: { drizzle: 'auditEvents', writers: [{ path: 'app/modules/audit/audit.server.ts' }] },
  bank_accounts: { drizzle: 'bankAccounts', writers: [{ path: 'app/modules/bank/' }] },
  bank_entries: { drizzle: 'bankEntries', writers: [{ path: 'app/modules/bank/' }] },
  bank_statements: { drizzle: 'bankStatements', writers: [{ path: 'app/modules/bank/' }] },
  communications: { drizzle: 'communications', writers: [{ path: 'app/modules/mail/' }] },
  debtor_ibans: { drizzle: 'debtorIbans', writers: [{ path: 'app/modules/bank/' }] },
  debtor_sessions: { drizzle: 'debtorSessions', writers: [{ path: 'app/modules/links/' }] },
  debtors: {
    drizzle: 'debtors',
    writers: [
      { path: 'app/modules/debtors/' },
      { path: 'app/modules/ledger/', columns: ['creditCents', 'updatedAt'], why: "the debtor's credit is money" },
      {
        path: 'app/modules/dunning/',
        columns: ['flaggedAt', 'flaggedReason', 'updatedAt'],
        why: 'dunning raises a flag when the schedule runs out',
      },
      {
        path: 'app/modules/mail/',
        columns: ['flaggedAt', 'flaggedReason', 'emailBlockedAt', 'updatedAt'],
        why: 'mail blocks a bouncing address and raises a flag',
      },
    ],
  },
  demo_checkouts: { drizzle: 'demoCheckouts', writers: [{ path: 'app/modules/payments/' }] },
  dispute_attachments: { drizzle: 'disputeAttachments', writers: [{ path: 'app/modules/disputes/' }] },
  dispute_messages: { drizzle: 'disputeMessages', writers: [{ path: 'app/modules/disputes/' }] },
  disputes: { drizzle: 'disputes', writers: [{ path: 'app/modules/disputes/' }] },
  dunning_pauses: { drizzle: 'dunningPauses', writers: [{ path: 'app/modules/dunning/pauses.server.ts' }] },
  files: {
    drizzle: 'files',
    writers: [
      { path: 'app/modules/invoices/pdf.server.ts', why: "invoices' PDFs" },
      { path: 'app/modules/disputes/store.server.ts', why: "disputes' attachments" },
      { path: 'app/modules/backoffice/settings.server.ts', why: "the organisation's logo" },
    ],
  },
  invoices: {
    drizzle: 'invoices',
    writers: [
      { path: 'app/modules/invoices/' },
      { path: 'app/modules/ledger/', why: 'money on invoices, and the dunning steps booked with it' },
      {
        path: 'app/modules/dunning/',
        columns: ['nextActionAt', 'updatedAt'],
        why: 'dunning schedules its next action (pauses, policy changes, the pass)',
      },
    ],
  },
  organizations: {
    drizzle: 'organizations',
    writers: [
      { path: 'app/modules/backoffice/settings.server.ts', why: 'branding, portal and plan settings, the logo' },
      { path: 'app/modules/dunning/policy.server.ts', columns: ['dunningPolicy', 'updatedAt'] },
      {
        path: 'app/modules/payments/providers.server.ts',
        columns: ['paymentProvider', 'providerCredentials', 'updatedAt'],
      },
      { path: 'app/server/welcome.ts', why: 'the operator command that removes the demo organisation' },
    ],
  },
  payment_allocations: { drizzle: 'paymentAllocations', writers: [{ path: 'app/modules/ledger/' }] },
  payment_plans: { drizzle: 'paymentPlans', writers: [{ path: 'app/modules/plans/' }] },
  payments: {
    drizzle: 'payments',
    writers: [
      { path: 'app/modules/ledger/' },
      { path: 'app/modules/payments/checkout.server.ts', why: 'a checkout opens a payment (no money yet)' },
      { path: 'app/modules/plans/checkout.server.ts', why: "an installment's checkout opens a payment (no money yet)" },
    ],
  },
  plan_installments: { drizzle: 'planInstallments', writers: [{ path: 'app/modules/plans/' }] },
  plan_invoices: { drizzle: 'planInvoices', writers: [{ path: 'app/modules/plans/' }] },
  portal_links: { drizzle: 'portalLinks', writers: [{ path: 'app/modules/links/' }] },
  promise_invoices: { drizzle: 'promiseInvoices', writers: [{ path: 'app/modules/plans/' }] },
  promises_to_pay: { drizzle: 'promisesToPay', writers: [{ path: 'app/modules/plans/' }] },
  rate_limits: { drizzle: 'rateLimits', writers: [{ path: 'app/utils/rate-limit.server.ts' }] },
  staff_invitations: { drizzle: 'staffInvitations', writers: [{ path: 'app/modules/staff/' }] },
  staff_sessions: { drizzle: 'staffSessions', writers: [{ path: 'app/modules/staff/' }] },
  staff_users: { drizzle: 'staffUsers', writers: [{ path: 'app/modules/staff/' }] },
  transfer_notices: { drizzle: 'transferNotices', writers: [{ path: 'app/modules/bank/' }] },
  webhook_events: {
    drizzle: 'webhookEvents',
    writers: [
      { path: 'app/modules/payments/webhooks.server.ts', why: "payment providers' events" },
      { path: 'app/modules/mail/webhook.server.ts', why: "Resend's events" },
    ],
  },
  worker_leases: { drizzle: 'workerLeases', writers: [{ path: 'app/modules/jobs/' }] },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

type Write = { kind: 'insert' | 'update' | 'delete'; columns: string[] | null };

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The text inside the brackets that open at `open` (a `{` or `(`), or null when unbalanced. */
function balanced(source: string, open: number): string | null {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if ('{(['.includes(source[i])) depth++;
    else if ('})]'.includes(source[i]) && --depth === 0) return source.slice(open + 1, i);
  }
  return null;
}

/** Split at commas outside brackets. */
function topLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if ('{(['.includes(text[i])) depth++;
    else if ('})]'.includes(text[i])) depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The columns of a drizzle `.set({ ... })` object; null when they cannot be read (a spread, a variable). */
function setColumns(source: string, from: number): string[] | null {
  const set = /^\s*\.set\(\s*\{/.exec(source.slice(from));
  if (!set) return null;
  const body = balanced(source, from + set[0].length - 1);
  if (body === null) return null;
  const columns: string[] = [];
  for (const part of topLevel(body)) {
    const key = /^(\w+)\s*(?::|$)/.exec(part);
    if (!key) return null;
    columns.push(key[1]);
  }
  return columns;
}

/** Every write of the table in the source, through drizzle or in raw SQL, with the columns an update sets. */
function writesOf(source: string, table: string, drizzle: string): Write[] {
  const writes: Write[] = [];
  for (const m of source.matchAll(new RegExp(`\\.(insert|update|delete)\\(\\s*${drizzle}\\s*\\)`, 'g'))) {
    const kind = m[1] as Write['kind'];
    writes.push({ kind, columns: kind === 'update' ? setColumns(source, m.index + m[0].length) : null });
  }
  for (const m of source.matchAll(new RegExp(`\\b(insert\\s+into|update|delete\\s+from)\\s+${table}\\b`, 'gi'))) {
    const kind = m[1].toLowerCase().startsWith('insert')
      ? 'insert'
      : m[1].toLowerCase() === 'update'
        ? 'update'
        : 'delete';
    let columns: string[] | null = null;
    if (kind === 'update') {
      const set = /^(?:\s+(?!set\b)\w+)?\s+set\s+([\s\S]*?)\s(?:from|where|returning)\s/i.exec(
        source.slice(m.index + m[0].length),
      );
      const assigned = set ? topLevel(set[1]).map((part) => /^(?:\w+\.)?(\w+)\s*=/.exec(part)?.[1]) : [];
      columns = set && assigned.every(Boolean) ? assigned.map((c) => camel(c!)) : null;
    }
    writes.push({ kind, columns });
  }
  return writes;
}

function writesTable(source: string, table: string, drizzle: string): boolean {
  return writesOf(source, table, drizzle).length > 0;
}

const within = (rel: string, w: Writer) => (w.path.endsWith('/') ? rel.startsWith(w.path) : rel === w.path);

const files = [
  ...sourceFiles(path.join(ROOT, 'app')),
  ...sourceFiles(path.join(ROOT, 'db')).filter((f) => !f.includes('migrations')),
];

const tableNames = fs
  .readdirSync(path.join(ROOT, 'db/schema'))
  .flatMap((f) => [...fs.readFileSync(path.join(ROOT, 'db/schema', f), 'utf8').matchAll(/pgTable\(\s*'(\w+)'/g)])
  .map((m) => m[1])
  .sort();

describe('one writer per table family', () => {
  it('names an owner for every table of the schema', () => {
    expect(Object.keys(OWNERS).sort()).toEqual(tableNames);
  });

  it('reads the columns an update sets, in both forms', () => {
    expect(writesOf('await tx.update(debtors).set({ flaggedAt: now, updatedAt })', 'debtors', 'debtors')).toEqual([
      { kind: 'update', columns: ['flaggedAt', 'updatedAt'] },
    ]);
    expect(writesOf('tx.update(debtors).set({ ...patch, updatedAt: now })', 'debtors', 'debtors')).toEqual([
      { kind: 'update', columns: null },
    ]);
    expect(
      writesOf(
        'sql`update debtors d set credit_cents = d.credit_cents + u.c, updated_at = now() from x`',
        'debtors',
        'debtors',
      ),
    ).toEqual([{ kind: 'update', columns: ['creditCents', 'updatedAt'] }]);
    expect(
      writesOf('sql`update invoices set next_action_at = coalesce(a, b) where id = 1`', 'invoices', 'invoices'),
    ).toEqual([{ kind: 'update', columns: ['nextActionAt'] }]);
  });

  it('recognises writes in both forms, and not reads', () => {
    expect(writesTable('await tx.update(dunningPauses).set({})', 'dunning_pauses', 'dunningPauses')).toBe(true);
    expect(writesTable('await tx\n  .insert(\n    dunningPauses)', 'dunning_pauses', 'dunningPauses')).toBe(true);
    expect(writesTable('sql`insert into audit_events (a) values (1)`', 'audit_events', 'auditEvents')).toBe(true);
    expect(writesTable('sql`delete from portal_links where x`', 'portal_links', 'portalLinks')).toBe(true);
    expect(writesTable('await tx.select().from(dunningPauses)', 'dunning_pauses', 'dunningPauses')).toBe(false);
    expect(writesTable('select 1 from dunning_pauses dp', 'dunning_pauses', 'dunningPauses')).toBe(false);
  });

  for (const [table, { drizzle, writers }] of Object.entries(OWNERS)) {
    it(`${table} is written only by ${writers.map((w) => w.path).join(', ')}`, () => {
      const problems: string[] = [];
      let writes = 0;
      for (const rel of files.map((f) => path.relative(ROOT, f))) {
        if (rel === 'db/seed.ts') continue;
        const found = writesOf(fs.readFileSync(path.join(ROOT, rel), 'utf8'), table, drizzle);
        writes += found.length;
        if (found.length === 0) continue;
        const writer = writers.find((w) => within(rel, w));
        if (!writer) {
          problems.push(`${rel} writes ${table}`);
          continue;
        }
        if (!writer.columns) continue;
        for (const write of found) {
          const outside = write.columns?.filter((c) => !writer.columns!.includes(c));
          if (write.kind !== 'update' || write.columns === null || outside!.length > 0) {
            problems.push(
              `${rel}: ${write.kind} of ${table} (${write.columns?.join(', ') ?? 'columns unknown'}); ` +
                `it may only update ${writer.columns.join(', ')}${writer.why ? ` (${writer.why})` : ''}`,
            );
          }
        }
      }
      expect(writes).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }
});
