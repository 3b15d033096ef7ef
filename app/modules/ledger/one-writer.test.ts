/**
 * One writer for money on invoices: only the ledger files may write payments' money and status,
 * payment_allocations, debtors' credit, and invoices' open amount, costs, interest, status and
 * settlement. This test reads every source file under app/ (tests excepted) and fails, naming the
 * file and line, when any other file does, in drizzle (`.insert(payments)`, `.update(invoices).set({
 * openCents ... })`, also through a spread object) or in raw SQL (`update invoices set open_cents`).
 * Checkout may insert a payment that is still `open` (the money has not arrived); its provider facts
 * (provider id, checkout URL, expiry) are not money.
 *
 * A static check, so it has limits (it cannot follow computed keys or SQL built at run time); the
 * cases at the bottom show what it catches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The ledger: the only files that may write money. */
const LEDGER_FILES = new Set(['app/modules/ledger/ledger.server.ts', 'app/modules/ledger/ledger-sql.server.ts']);
/** Files that start a checkout: they may insert a payment with status 'open', nothing more. */
const CHECKOUT_FILES = new Set(['app/modules/payments/checkout.server.ts', 'app/modules/plans/checkout.server.ts']);

/** Guarded fields per table: drizzle property names and SQL column names. */
const GUARDED = {
  payments: {
    keys: ['status', 'amountCents', 'refundedCents', 'chargedBackCents', 'creditedCents', 'paidAt'],
    columns: ['status', 'amount_cents', 'refunded_cents', 'charged_back_cents', 'credited_cents', 'paid_at'],
  },
  invoices: {
    keys: ['openCents', 'costsCents', 'interestCents', 'status', 'settledAt'],
    columns: ['open_cents', 'costs_cents', 'interest_cents', 'status', 'settled_at'],
  },
  debtors: { keys: ['creditCents'], columns: ['credit_cents'] },
} as const;
type Table = keyof typeof GUARDED;
const SQL_TABLES: Record<string, Table> = { payments: 'payments', invoices: 'invoices', debtors: 'debtors' };

export type Violation = { file: string; line: number; what: string };

function lineOf(source: string, index: number) {
  return source.slice(0, index).split('\n').length;
}

/** The text inside the parentheses that open at `open` (which must be a '('), or null. */
function balanced(source: string, open: number): string | null {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return source.slice(open + 1, i);
    }
  }
  return null;
}

/** The argument of the `.method(` call chained right after `from` (comments and whitespace between). */
function chainedArgument(source: string, from: number, method: string): string | null {
  const rest = source.slice(from);
  const match = new RegExp(String.raw`^(?:\s|//[^\n]*\n)*\.${method}\(`).exec(rest);
  if (!match) return null;
  return balanced(source, from + match[0].length - 1);
}

/** Top-level keys an object literal (or identifiers spread into it) may write. */
function keysWritten(argument: string, source: string): Set<string> {
  const keys = new Set<string>();
  const literalKeys = (text: string) => {
    for (const m of text.matchAll(/(?:^|[{,\s])([A-Za-z_$][\w$]*)\s*(?=[:,}]|$)/g)) keys.add(m[1]);
  };
  literalKeys(argument);
  const identifiers = new Set<string>();
  for (const m of argument.matchAll(/\.\.\.\s*([A-Za-z_$][\w$]*)/g)) identifiers.add(m[1]);
  if (/^\s*[A-Za-z_$][\w$]*\s*$/.test(argument)) identifiers.add(argument.trim());
  for (const name of identifiers) {
    // const name = { ... } / let name: T = { ... }
    for (const m of source.matchAll(new RegExp(String.raw`\b${name}\s*(?::[^=;]+)?=\s*\{`, 'g'))) {
      const body = balanced(source, m.index + m[0].length - 1);
      if (body) literalKeys(body);
    }
    // name.key = ...
    for (const m of source.matchAll(new RegExp(String.raw`\b${name}\.([A-Za-z_$][\w$]*)\s*=(?!=)`, 'g')))
      keys.add(m[1]);
    // Object.assign(name, { ... })
    for (const m of source.matchAll(new RegExp(String.raw`Object\.assign\(\s*${name}\s*,\s*\{`, 'g'))) {
      const body = balanced(source, m.index + m[0].length - 1);
      if (body) literalKeys(body);
    }
  }
  return keys;
}

/** Every write of money outside the ledger in one file's source. */
export function moneyWrites(file: string, source: string): Violation[] {
  if (LEDGER_FILES.has(file)) return [];
  const found: Violation[] = [];
  const flag = (index: number, what: string) => found.push({ file, line: lineOf(source, index), what });

  // drizzle: insert
  for (const m of source.matchAll(/\.insert\(\s*(?:schema\.)?(payments|paymentAllocations)\s*\)/g)) {
    if (m[1] === 'paymentAllocations') {
      flag(m.index, 'inserts payment_allocations');
      continue;
    }
    const values = chainedArgument(source, m.index + m[0].length, 'values') ?? '';
    const open =
      /\bstatus\s*:\s*'open'/.test(values) && !/\b(paidAt|creditedCents|refundedCents|chargedBackCents)\b/.test(values);
    if (!(CHECKOUT_FILES.has(file) && open))
      flag(m.index, 'inserts payments (only checkout may, and only an open payment)');
  }
  // drizzle: delete
  for (const m of source.matchAll(/\.delete\(\s*(?:schema\.)?(payments|paymentAllocations)\s*\)/g)) {
    flag(m.index, `deletes ${m[1]}`);
  }
  // drizzle: update ... set
  for (const m of source.matchAll(/\.update\(\s*(?:schema\.)?(payments|invoices|debtors)\s*\)/g)) {
    const table = m[1] as Table;
    const argument = chainedArgument(source, m.index + m[0].length, 'set');
    if (argument === null) continue;
    const keys = keysWritten(argument, source);
    const guarded = GUARDED[table].keys.filter((k) => keys.has(k));
    if (guarded.length > 0) flag(m.index, `updates ${table}.${guarded.join(', ')}`);
  }
  // raw SQL
  for (const m of source.matchAll(/\binsert\s+into\s+"?(payments|payment_allocations)"?[\s(]/gi)) {
    flag(m.index, `raw SQL inserts into ${m[1].toLowerCase()}`);
  }
  for (const m of source.matchAll(/\bdelete\s+from\s+"?(payments|payment_allocations)"?\b/gi)) {
    flag(m.index, `raw SQL deletes from ${m[1].toLowerCase()}`);
  }
  for (const m of source.matchAll(
    /\bupdate\s+(?:"?(payments|invoices|debtors)"?|\$\{\s*(payments|invoices|debtors)\s*\})\s/gi,
  )) {
    const table = SQL_TABLES[(m[1] ?? m[2]).toLowerCase()];
    const after = source.slice(m.index + m[0].length, m.index + m[0].length + 2_000);
    const set = /^[\s\w"]*?\bset\b([\s\S]*?)(?:\bfrom\b|\bwhere\b|\breturning\b|`|$)/i.exec(after);
    if (!set) continue;
    const clause = set[1];
    const columns = GUARDED[table].columns.filter((c) =>
      new RegExp(String.raw`(?:^|[\s,."])${c}"?\s*=`, 'i').test(clause),
    );
    const properties = GUARDED[table].keys.filter((k) =>
      new RegExp(String.raw`\$\{\s*${table}\.${k}\s*\}\s*=`).test(clause),
    );
    const guarded = [...new Set([...columns, ...properties])];
    if (guarded.length > 0) flag(m.index, `raw SQL updates ${table}: ${guarded.join(', ')}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('one writer for money on invoices', () => {
  it('no file outside the ledger writes payments, allocations, debtor credit or invoice amounts and settlement', () => {
    const files = sourceFiles(path.join(ROOT, 'app'));
    expect(files.length).toBeGreaterThan(100);
    const violations = files.flatMap((full) => {
      const file = path.relative(ROOT, full).split(path.sep).join('/');
      return moneyWrites(file, readFileSync(full, 'utf8'));
    });
    expect(
      violations.map((v) => `${v.file}:${v.line} ${v.what}`),
      'Money reaches invoices only through app/modules/ledger/ledger.server.ts (recordLedgerEntry, ' +
        'reverseLedgerEntry, applyPaymentStatus, reviseInvoiceAmounts...). Call the ledger instead.',
    ).toEqual([]);
  });

  it('the ledger files it allows exist (a rename must update this test)', () => {
    for (const file of [...LEDGER_FILES, ...CHECKOUT_FILES]) {
      expect(() => readFileSync(path.join(ROOT, file), 'utf8'), file).not.toThrow();
    }
  });

  const caught: [string, string, string][] = [
    [
      'a drizzle allocation insert',
      'app/modules/x/a.server.ts',
      `await tx.insert(paymentAllocations).values({ amountCents: 1 });`,
    ],
    [
      'a paid payment inserted by hand',
      'app/modules/x/a.server.ts',
      `await tx.insert(payments).values({ organizationId, status: 'paid', amountCents: 5 }).returning();`,
    ],
    [
      'checkout inserting a payment that is already paid',
      'app/modules/payments/checkout.server.ts',
      `await tx\n  .insert(payments)\n  .values({ status: 'paid', paidAt: now })`,
    ],
    [
      'a payment status change',
      'app/modules/x/a.server.ts',
      `await tx.update(payments).set({ status: 'failed', updatedAt: now })`,
    ],
    [
      'a payment status change behind a comment',
      'app/modules/x/a.server.ts',
      `await tx\n  .update(payments)\n  // why\n  .set({ refundedCents: 5 })`,
    ],
    [
      'lowering the open amount',
      'app/modules/x/a.server.ts',
      `tx.update(invoices).set({ openCents: sql\`x\`, updatedAt: now })`,
    ],
    ['settling an invoice', 'app/modules/x/a.server.ts', `tx.update(invoices).set({ status: 'paid', settledAt: now })`],
    [
      'an invoice write through a spread object',
      'app/modules/x/a.server.ts',
      `const next: Partial<Invoice> = { dueDate };\nnext.openCents = 0;\nawait tx.update(invoices).set({ ...next, updatedAt: now });`,
    ],
    [
      'an invoice write through a variable',
      'app/modules/x/a.server.ts',
      `const changes = { costsCents: 0 };\nawait tx.update(invoices).set(changes);`,
    ],
    [
      'an invoice write through Object.assign',
      'app/modules/x/a.server.ts',
      `const next = {};\nObject.assign(next, { status: 'paid' });\nawait tx.update(invoices).set(next);`,
    ],
    ['debtor credit', 'app/modules/x/a.server.ts', `tx.update(debtors).set({ creditCents: sql\`credit_cents + 1\` })`],
    ['shorthand keys', 'app/modules/x/a.server.ts', `tx.update(invoices).set({ interestCents, updatedAt })`],
    ['raw SQL costs', 'app/modules/x/a.server.ts', 'sql`update invoices i set costs_cents = u.costs_cents from x`'],
    ['raw SQL status', 'app/modules/x/a.server.ts', 'sql`UPDATE "invoices" SET "status" = \'paid\' WHERE id = 1`'],
    [
      'raw SQL with the table interpolated',
      'app/modules/x/a.server.ts',
      'sql`update ${invoices} set ${invoices.openCents} = 0`',
    ],
    [
      'raw SQL debtor credit',
      'app/modules/x/a.server.ts',
      'sql`update debtors set credit_cents = credit_cents - 5 where id = x`',
    ],
    ['raw SQL allocation insert', 'app/modules/x/a.server.ts', 'sql`insert into payment_allocations (id) values (1)`'],
    [
      'raw SQL payment status',
      'app/modules/x/a.server.ts',
      "sql`update payments set paid_at = now(), status = 'paid'`",
    ],
    ['deleting allocations', 'app/modules/x/a.server.ts', 'await tx.delete(paymentAllocations).where(x)'],
  ];
  it.each(caught)('catches %s', (_name, file, source) => {
    expect(moneyWrites(file, source)).not.toEqual([]);
  });

  const allowed: [string, string, string][] = [
    [
      'the ledger itself',
      'app/modules/ledger/ledger.server.ts',
      `tx.update(invoices).set({ openCents: 0, status: 'paid' })`,
    ],
    [
      'checkout inserting an open payment',
      'app/modules/payments/checkout.server.ts',
      `await tx.insert(payments).values({ status: 'open', amountCents, intent }).onConflictDoNothing()`,
    ],
    [
      'checkout recording the provider facts',
      'app/modules/payments/checkout.server.ts',
      `tx.update(payments).set({ providerPaymentId: id, checkoutUrl: url, expiresAt })`,
    ],
    [
      'dunning moving the next reminder',
      'app/modules/dunning/x.server.ts',
      `tx.update(invoices).set({ nextActionAt: earliest, updatedAt: now })`,
    ],
    [
      'raw SQL next reminder',
      'app/modules/dunning/x.server.ts',
      'sql`update invoices i set next_action_at = u.next_action_at from x`',
    ],
    [
      'a PDF on an invoice',
      'app/modules/invoices/x.server.ts',
      'tx.update(invoices).set({ pdfFileId: file.id, updatedAt: now })',
    ],
    [
      'a debtor flag',
      'app/modules/mail/x.server.ts',
      "tx.update(debtors).set({ flaggedAt: now, flaggedReason: 'email_failed' })",
    ],
    [
      'reading money',
      'app/modules/portal/x.server.ts',
      `const view = { openCents: invoice.openCents, status: invoice.status };`,
    ],
  ];
  it.each(allowed)('allows %s', (_name, file, source) => {
    expect(moneyWrites(file, source)).toEqual([]);
  });
});
