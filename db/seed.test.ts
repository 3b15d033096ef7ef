/**
 * The demo data tells the truth: seeded with a fixed clock (half a year before the machine's own
 * clock, so anything stamped with the wall clock instead of the story's shows up as "after now"),
 * nothing in it happens after that moment, every reminder stage has its emails on record, money
 * came in by portal and by bank transfer through the ledger, there is a plan, a promise and a
 * dispute, the creditor has a logo, and a second start seeds nothing.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLogo } from '~/modules/backoffice/index.server';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { addDays, amsterdamDate, daysBetween } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { DEMO_DEBTOR_EMAIL, DEMO_ORG_SLUG, seedDemo, type DemoSeeded } from './seed';
import { demoStory } from './seed/story';

const NOW = new Date('2026-06-17T10:30:00Z');
const TODAY = amsterdamDate(NOW);

/**
 * Columns that name a moment still to come by their nature: when something falls due, runs
 * out or is planned. Every other date and time in the demo must lie at or before NOW.
 */
const FUTURE_BY_NATURE = new Set([
  'invoices.due_date',
  'invoices.next_action_at',
  'portal_links.expires_at',
  'debtor_sessions.expires_at',
  'dunning_pauses.until',
  'promises_to_pay.promised_date',
  'plan_installments.due_date',
  'payment_plans.first_due_date',
  'payments.expires_at',
  'demo_checkouts.expires_at',
]);

const db = () => getDb();
const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => db().execute<T>(query);

let seeded: DemoSeeded | null;
let orgId: string;

beforeAll(async () => {
  seeded = await seedDemo({ onlyIfEmpty: true, now: NOW });
  orgId = seeded!.organizationId;
}, 300_000);

describe('the demo year', () => {
  it('ends at the moment it was given: nothing is dated after it', async () => {
    expect(seeded).toMatchObject({ from: addDays(TODAY, -365), to: TODAY });
    const columns = await rows<{ table_name: string; column_name: string }>(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('timestamp with time zone', 'date')
      order by table_name, column_name`);
    const late: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      if (FUTURE_BY_NATURE.has(`${table}.${column}`)) continue;
      const [{ n }] = await rows<{ n: number }>(
        sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} > ${NOW.toISOString()}::timestamptz`,
      );
      if (n > 0) late.push(`${table}.${column}: ${n}`);
    }
    expect(late).toEqual([]);
    // The tables the issue named, with every row looked at.
    const [counts] = await rows<{ invoices: number; payments: number; emails: number; entries: number }>(sql`
      select (select count(*)::int from invoices where issue_date > ${TODAY}::date or created_at > ${NOW.toISOString()}::timestamptz) as invoices,
        (select count(*)::int from payments where paid_at > ${NOW.toISOString()}::timestamptz or created_at > ${NOW.toISOString()}::timestamptz) as payments,
        (select count(*)::int from communications where created_at > ${NOW.toISOString()}::timestamptz or sent_at > ${NOW.toISOString()}::timestamptz) as emails,
        (select count(*)::int from bank_entries where booking_date > ${TODAY}::date) as entries`);
    expect(counts).toEqual({ invoices: 0, payments: 0, emails: 0, entries: 0 });
  });

  it('spans the year: invoices issued in every month, the oldest a year ago', async () => {
    const months = await rows<{ month: string }>(sql`
      select distinct to_char(issue_date, 'YYYY-MM') as month from invoices where organization_id = ${orgId}`);
    expect(months.length).toBeGreaterThanOrEqual(12);
    const [{ first }] = await rows<{ first: string }>(sql`
      select min(issue_date)::text as first from invoices where organization_id = ${orgId}`);
    expect(daysBetween(first, TODAY)).toBeGreaterThan(330);
  });

  it('has every reminder stage of every invoice on record: one dunning email per stage, sent on its day', async () => {
    const invoices = await rows<{ number: string; stage: number; stages: number[] | null }>(sql`
      select i.number, i.dunning_stage as stage,
        (select array_agg(c.stage order by c.stage) from communications c
          where i.id = any(c.invoice_ids) and c.status = 'sent' and c.sent_at <= ${NOW.toISOString()}::timestamptz
            and c.template in ('friendly_reminder', 'second_reminder', 'final_notice', 'collection_handover')) as stages
      from invoices i where i.organization_id = ${orgId}`);
    const wrong = invoices.filter(
      (i) => JSON.stringify(i.stages ?? []) !== JSON.stringify(Array.from({ length: i.stage }, (_, n) => n + 1)),
    );
    expect(wrong).toEqual([]);
    const stages = new Set(invoices.map((i) => i.stage));
    for (const stage of [0, 1, 2, 3, 4]) expect(stages).toContain(stage);
    // Every email of the year is stored as sent, rendered, readable at /dev/mail.
    const [mail] = await rows<{ total: number; unsent: number; unrendered: number }>(sql`
      select count(*)::int as total, count(*) filter (where status <> 'sent')::int as unsent,
        count(*) filter (where html is null)::int as unrendered
      from communications where organization_id = ${orgId}`);
    expect(mail.total).toBeGreaterThan(100);
    expect(mail).toMatchObject({ unsent: 0, unrendered: 0 });
    // No job of the story is left for the worker to do at the real time.
    const [{ jobs }] = await rows<{ jobs: number }>(sql`select count(*)::int as jobs from graphile_worker.jobs`);
    expect(jobs).toBe(0);
  });

  it('took money in through the ledger: portal payments, transfers from imported statements, a part payment', async () => {
    const [money] = await rows<{
      portal: number;
      transfers: number;
      matched: number;
      queued: number;
      part: number;
    }>(sql`
      select
        (select count(*)::int from payments where organization_id = ${orgId} and provider = 'demo' and status = 'paid') as portal,
        (select count(*)::int from payments where organization_id = ${orgId} and provider = 'bank_transfer' and status = 'paid') as transfers,
        (select count(*)::int from bank_entries where organization_id = ${orgId} and status = 'matched' and payment_id is not null) as matched,
        (select count(*)::int from bank_entries where organization_id = ${orgId} and status = 'queued') as queued,
        (select count(*)::int from invoices i where i.organization_id = ${orgId} and i.status = 'open' and i.open_cents < i.total_cents
          and exists (select 1 from payment_allocations a join payments p on p.id = a.payment_id
            where a.invoice_id = i.id and p.provider = 'demo' and p.installment_id is null)) as part`);
    expect(money.portal).toBeGreaterThan(3);
    expect(money.transfers).toBeGreaterThan(10);
    expect(money.matched).toBe(money.transfers);
    // Every line found its invoice but one, which waits in the match queue: two invoices paid in one
    // transfer that names neither (what finance matches by hand).
    expect(money.queued).toBe(1);
    const [queued] = await rows<{ cents: string; open: string }>(sql`
      select e.amount_cents::text as cents,
        (select sum(i.open_cents)::text from invoices i where i.organization_id = ${orgId} and i.number in (
          select unnest(array[${sql.join(
            demoStory(TODAY)
              .invoices.filter((i) => i.key.startsWith('lettervorm-'))
              .map((i) => sql`${i.number}`),
            sql`, `,
          )}]))) as open
      from bank_entries e where e.organization_id = ${orgId} and e.status = 'queued'`);
    expect(queued.cents).toBe(queued.open);
    expect(money.part).toBe(1);
    // Paid invoices are paid in full, to the cent, and each confirmation email is on record.
    const [paid] = await rows<{ invoices: number; short: number; receipts: number; payments: number }>(sql`
      select count(*)::int as invoices,
        count(*) filter (where (select coalesce(sum(a.amount_cents), 0) from payment_allocations a where a.invoice_id = i.id) < i.total_cents)::int as short,
        (select count(*)::int from communications where organization_id = ${orgId} and template = 'payment_received') as receipts,
        (select count(*)::int from payments where organization_id = ${orgId} and status = 'paid') as payments
      from invoices i where i.organization_id = ${orgId} and i.status = 'paid'`);
    expect(paid.invoices).toBeGreaterThan(40);
    expect(paid.short).toBe(0);
    expect(paid.receipts).toBe(paid.payments);
  });

  it('has one approved plan with its first installment paid, one promise and one open dispute with a reply', async () => {
    const plans = await rows<{ status: string; auto: boolean; paid: number; count: number }>(sql`
      select p.status, p.auto_approved as auto,
        (select count(*)::int from plan_installments i where i.plan_id = p.id and i.status = 'paid') as paid,
        p.installment_count as count
      from payment_plans p where p.organization_id = ${orgId}`);
    expect(plans).toEqual([{ status: 'active', auto: false, paid: 1, count: 14 }]);
    const promises = await rows<{ status: string }>(
      sql`select status from promises_to_pay where organization_id = ${orgId}`,
    );
    expect(promises).toEqual([{ status: 'active' }]);
    const disputes = await rows<{ status: string; authors: string[] }>(sql`
      select d.status, array_agg(m.author order by m.created_at) as authors
      from disputes d join dispute_messages m on m.dispute_id = d.id
      where d.organization_id = ${orgId} group by d.id`);
    expect(disputes).toEqual([{ status: 'awaiting_debtor', authors: ['debtor', 'staff'] }]);
    // Each pauses dunning on its invoices now.
    const paused = await rows<{ reason: string }>(sql`
      select distinct reason from dunning_pauses
      where organization_id = ${orgId} and lifted_at is null and (until is null or until > ${NOW.toISOString()}::timestamptz)
      order by reason`);
    expect(paused.map((p) => p.reason).sort()).toEqual(['dispute', 'payment_plan', 'promise_to_pay']);
  });

  it('has debtors without any trouble: never a reminder in the whole year', async () => {
    const [{ calm }] = await rows<{ calm: number }>(sql`
      select count(*)::int as calm from debtors d
      where d.organization_id = ${orgId}
        and exists (select 1 from invoices i where i.debtor_id = d.id)
        and not exists (select 1 from communications c where c.debtor_id = d.id and c.stage is not null)`);
    expect(calm).toBeGreaterThanOrEqual(3);
  });

  it('gives the demo debtor three overdue invoices at stages 3, 2 and 1 and one not yet due (the end-to-end suites use them)', async () => {
    const sanne = await rows<{ due: string; stage: number; status: string; lines: number }>(sql`
      select i.due_date::text as due, i.dunning_stage as stage, i.status, jsonb_array_length(i.lines) as lines
      from invoices i join debtors d on d.id = i.debtor_id
      where d.email = ${DEMO_DEBTOR_EMAIL} order by i.due_date`);
    expect(sanne.map((i) => [daysBetween(i.due, TODAY), i.stage, i.status])).toEqual([
      [38, 3, 'open'],
      [24, 2, 'open'],
      [9, 1, 'open'],
      [-12, 0, 'open'],
    ]);
    expect(sanne.every((i) => i.lines > 0)).toBe(true);
  });

  it('gives every invoice what its PDF needs: lines that add up with VAT, a payment reference, an addressed debtor', async () => {
    const invoices = await rows<{
      total: string;
      lines: { amountCents: number; vatRatePercent: number; quantity: number; unitPriceCents: number }[];
      reference: string | null;
      address: string | null;
      city: string | null;
    }>(sql`
      select i.total_cents::text as total, i.lines, i.payment_reference as reference, d.address_line as address, d.city
      from invoices i join debtors d on d.id = i.debtor_id where i.organization_id = ${orgId}`);
    for (const invoice of invoices) {
      const net = invoice.lines.reduce((s, l) => s + l.amountCents, 0);
      expect(
        invoice.lines.every((l) => l.amountCents === l.quantity * l.unitPriceCents && l.vatRatePercent === 21),
      ).toBe(true);
      expect(Number(invoice.total)).toBe(net + Math.round(net * 0.21));
      expect(invoice.reference).toMatch(/^\d{16}$/);
      expect(invoice.address && invoice.city).toBeTruthy();
    }
    const [org] = await rows<{ kvk: string; vat: string; iban: string; legal: string }>(sql`
      select kvk_number as kvk, vat_number as vat, iban, legal_name as legal from organizations where id = ${orgId}`);
    expect(org).toEqual({
      kvk: '68750110',
      vat: 'NL857391612B01',
      iban: 'NL91ABNA0417164300',
      legal: 'Veldkamp Installatietechniek B.V.',
    });
  });

  it('shows the creditor with a logo, stored the way the branding settings store it', async () => {
    const [logo] = await rows<{ type: string; data: Buffer; name: string }>(sql`
      select f.content_type as type, f.data, f.filename as name from organizations o
      join files f on f.id = o.logo_file_id and f.organization_id = o.id where o.id = ${orgId}`);
    expect(logo).toMatchObject({ type: 'image/png', name: 'veldkamp-logo.png' });
    const [address] = await rows<{ address_line: string; postal_code: string; city: string }>(
      sql`select address_line, postal_code, city from organizations where id = ${orgId}`,
    );
    expect(address).toEqual({ address_line: 'Industrieweg 14', postal_code: '3542 AD', city: 'Utrecht' });
    expect(checkLogo(new Uint8Array(logo.data))).toEqual({ ok: true, contentType: 'image/png' });
    const [{ changes }] = await rows<{ changes: number }>(sql`
      select count(*)::int as changes from audit_events
      where organization_id = ${orgId} and action = 'settings.branding_updated' and data ? 'logo'`);
    expect(changes).toBe(1);
  });

  it('seeds nothing on a second start', async () => {
    const count = async () =>
      (
        await rows<{ n: string }>(sql`
          select (select count(*) from organizations) + (select count(*) from invoices) + (select count(*) from communications)
            + (select count(*) from payments) + (select count(*) from audit_events) as n`)
      )[0].n;
    const before = await count();
    expect(await seedDemo({ onlyIfEmpty: true, now: addDaysTo(NOW, 3) })).toBeNull();
    expect(await count()).toBe(before);
    const [{ orgs }] = await rows<{ orgs: number }>(
      sql`select count(*)::int as orgs from organizations where slug = ${DEMO_ORG_SLUG}`,
    );
    expect(orgs).toBe(1);
  });
});

describe('in production', () => {
  it('refuses before writing anything: its payments need the demo provider, which production does not offer', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      NODE_ENV: 'production',
      SESSION_SECRET: 'seed-test-session-secret-0123456789abcdef',
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 11).toString('base64'),
      PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('seed-test')] }),
    });
    resetEnv();
    try {
      await expect(seedDemo({ now: NOW })).rejects.toThrow(/demo payment provider/);
    } finally {
      process.env = saved;
      resetEnv();
    }
    const [{ orgs }] = await rows<{ orgs: number }>(sql`select count(*)::int as orgs from organizations`);
    expect(orgs).toBe(1);
  });
});

describe('the story', () => {
  it('is the same for the same day, and no debtor acts on or after it', () => {
    const story = demoStory(TODAY);
    expect(demoStory(TODAY)).toEqual(story);
    for (const invoice of story.invoices) {
      expect(invoice.issueDate < TODAY).toBe(true);
      if (invoice.payment) expect(invoice.payment.day < TODAY).toBe(true);
    }
    const numbers = story.invoices.map((i) => i.number);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

function addDaysTo(at: Date, days: number) {
  return new Date(at.getTime() + days * 86_400_000);
}
