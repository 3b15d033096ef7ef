/**
 * The back-office bank pages as a browser uses them (loaders and actions called with real
 * requests, on a real database): who may see them, the upload -> preview -> confirm flow (the
 * preview writes nothing, the file is carried to the confirm step), the statement outcome, the
 * match queue (a suggestion in one step, a manual split, "not a debtor payment", refusals that
 * name the field), the bank accounts in settings, and the queue count in the navigation.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bankAccounts, bankEntries, invoices } from '~db/schema';
import { makeBetalingskenmerk } from '~/modules/payments/payment-reference';
import { BANK_STATEMENT_MAX_BYTES } from '~/modules/bank/index.server';
import { encodeCarriedFile } from '~/modules/bank/pages.server';
import * as appLayout from '~/routes/app';
import * as bankLayout from '~/routes/app.bank';
import * as bankIndex from '~/routes/app.bank._index';
import * as queuePage from '~/routes/app.bank.queue';
import * as statementPage from '~/routes/app.bank.statements.$id';
import * as bankSettings from '~/routes/app.settings.bank';
import { getDb } from '~/utils/db.server';
import { formatMoney } from '~/utils/money';
import { bankCreditor, bankFootprint, camtFile, DEBTOR_IBANS, OUR_IBAN } from '~test/factories-bank';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';

type Route = { loader: (args: never) => Promise<unknown>; action?: (args: never) => Promise<unknown> };

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === 'object' && 'init' in result) {
    return (result as { init?: { status?: number } | null }).init?.status ?? 200;
  }
  return 200;
}
function dataOf<T = Record<string, unknown>>(result: unknown): T {
  if (result && typeof result === 'object' && 'data' in result && 'init' in result) return (result as { data: T }).data;
  return result as T;
}
const locationOf = (result: unknown) => (result instanceof Response ? result.headers.get('Location') : null);

const load = (route: Route, url: string, cookie: string, params: Record<string, string> = {}) =>
  settle(() => route.loader(routeArgs(getRequest(url, { cookie }), params) as never));
const post = (
  route: Route,
  url: string,
  cookie: string,
  fields: Record<string, string | string[]>,
  params: Record<string, string> = {},
) => settle(() => route.action!(routeArgs(formRequest(url, fields, { cookie }), params) as never));
function postFile(
  url: string,
  cookie: string,
  fields: Record<string, string>,
  file?: { name: string; bytes: Uint8Array },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([Buffer.from(file.bytes)], { type: 'application/xml' }), file.name);
  const request = new Request(new URL(url, 'http://voldaan.test'), {
    method: 'POST',
    body: form,
    headers: { Cookie: cookie },
  });
  return settle(() => bankIndex.action(routeArgs(request) as never));
}

/** A creditor with its account, staff of every role signed in, and a debtor with two open invoices. */
async function setup() {
  const { org, finance } = await bankCreditor();
  const [admin, support] = await Promise.all([createStaff(org, 'admin'), createStaff(org, 'support')]);
  const cookies = {
    finance: await staffCookie(finance),
    admin: await staffCookie(admin),
    support: await staffCookie(support),
  };
  const debtor = await createDebtor(org, { name: 'Drukkerij Zeefdruk B.V.' });
  const first = await createInvoice(org, debtor, {
    totalCents: 12_100,
    openCents: 12_100,
    dueDate: '2026-02-01',
    paymentReference: makeBetalingskenmerk(4_711_001),
  });
  const second = await createInvoice(org, debtor, { totalCents: 4_840, openCents: 4_840, dueDate: '2026-02-10' });
  return { org, cookies, debtor, first, second };
}

/** A statement: the first invoice paid by its reference, and a line nothing points at. */
function statement(reference: string, unknownText = 'Betaling maart') {
  return camtFile([
    {
      id: 'STMT-2026-03-02',
      lines: [
        { amountCents: 12_100, name: 'Drukkerij Zeefdruk B.V.', iban: DEBTOR_IBANS[0], refs: [reference] },
        { amountCents: 3_000, name: 'J. Onbekend', iban: DEBTOR_IBANS[1], text: unknownText },
        { amountCents: 999, direction: 'debit', name: 'Bankkosten', text: 'Kosten februari' },
      ],
    },
  ]);
}

describe('who may use the bank pages', () => {
  it('refuses support (403) on every bank page and action, and lets finance and admin in', async () => {
    const { cookies } = await setup();
    const pages: [string, Route][] = [
      ['/app/bank', bankLayout as Route],
      ['/app/bank', bankIndex as Route],
      ['/app/bank/queue', queuePage as Route],
    ];
    for (const [url, route] of pages) {
      expect([url, statusOf(await load(route, url, cookies.support))]).toEqual([url, 403]);
      if (route.action)
        expect([url, statusOf(await post(route, url, cookies.support, { intent: 'x' }))]).toEqual([url, 403]);
      for (const role of ['finance', 'admin'] as const) {
        expect([url, role, statusOf(await load(route, url, cookies[role]))]).toEqual([url, role, 200]);
      }
    }
    const someId = crypto.randomUUID();
    expect(
      statusOf(await load(statementPage as Route, `/app/bank/statements/${someId}`, cookies.support, { id: someId })),
    ).toBe(403);
    expect(
      statusOf(
        await post(
          statementPage as Route,
          `/app/bank/statements/${someId}`,
          cookies.support,
          { intent: 'requeue' },
          { id: someId },
        ),
      ),
    ).toBe(403);
    // Bank accounts live in the settings: admins only.
    for (const role of ['support', 'finance'] as const) {
      expect(statusOf(await load(bankSettings as Route, '/app/settings/bank', cookies[role]))).toBe(403);
      expect(
        statusOf(
          await post(bankSettings as Route, '/app/settings/bank', cookies[role], {
            intent: 'add',
            iban: 'NL20INGB0001234567',
          }),
        ),
      ).toBe(403);
    }
  });

  it('sends someone who is not signed in to the login page', async () => {
    const result = await settle(() => bankIndex.loader(routeArgs(getRequest('/app/bank')) as never));
    expect(statusOf(result)).toBe(302);
    expect(locationOf(result)).toBe('/login?redirectTo=%2Fapp%2Fbank');
  });
});

describe('upload, preview, confirm', () => {
  it('previews without writing, carries the file, books on confirm and shows the outcome per line', async () => {
    const { org, cookies, first } = await setup();
    const file = statement(first.paymentReference!);
    const before = await bankFootprint(org.id);

    const previewed = await postFile(
      '/app/bank',
      cookies.finance,
      { intent: 'preview' },
      { name: 'maart.xml', bytes: file },
    );
    expect(statusOf(previewed)).toBe(200);
    const result = dataOf<{
      kind: string;
      filename: string;
      payload: string;
      refusal: null;
      preview: {
        format: string;
        entries: number;
        credits: number;
        duplicates: number;
        wouldMatch: Record<string, number>;
        wouldQueue: number;
        statements: { accountIbanDisplay: string; knownAccount: boolean; lines: number; creditCents: number }[];
        lines: { outcome: string; rule: string | null; invoices: { number: string }[] }[];
      };
    }>(previewed);
    expect(result).toMatchObject({ kind: 'preview', filename: 'maart.xml', refusal: null });
    expect(result.preview).toMatchObject({
      format: 'camt.053.001.02',
      entries: 3,
      credits: 2,
      duplicates: 0,
      wouldMatch: { reference: 1, invoice_number: 0, iban_amount: 0 },
      wouldQueue: 1,
    });
    expect(result.preview.statements).toEqual([
      expect.objectContaining({
        accountIbanDisplay: 'NL91 ABNA 0417 1643 00',
        knownAccount: true,
        lines: 3,
        creditCents: 15_100,
      }),
    ]);
    expect(result.preview.lines.map((l) => l.outcome)).toEqual(['match', 'queue', 'debit']);
    expect(result.preview.lines[0].invoices.map((i) => i.number)).toEqual([first.number]);
    expect(result.payload).toMatch(/^[A-Za-z0-9_-]+$/);
    // The preview wrote nothing.
    expect(await bankFootprint(org.id)).toEqual(before);

    const confirmed = await postFile('/app/bank', cookies.finance, {
      intent: 'import',
      filename: result.filename,
      payload: result.payload,
    });
    expect(statusOf(confirmed)).toBe(302);
    const location = locationOf(confirmed)!;
    expect(location).toMatch(/^\/app\/bank\/statements\/[0-9a-f-]{36}\?imported=1$/);
    const [paid] = await getDb().select().from(invoices).where(eq(invoices.id, first.id));
    expect(paid).toMatchObject({ status: 'paid', openCents: 0 });

    const id = location.split('/').at(-1)!.split('?')[0];
    const page = dataOf<{
      statement: { name: string; matched: number; queued: number; entries: number };
      lines: {
        status: string;
        matchRule: string | null;
        invoices: { number: string; allocatedCents: number }[];
        noteCode: string | null;
      }[];
      imported: boolean;
    }>(await load(statementPage as Route, location, cookies.finance, { id }));
    expect(page.imported).toBe(true);
    expect(page.statement).toMatchObject({ name: 'maart.xml', matched: 1, queued: 1, entries: 3 });
    const matched = page.lines.find((l) => l.status === 'matched')!;
    expect(matched).toMatchObject({
      matchRule: 'reference',
      invoices: [{ number: first.number, allocatedCents: 12_100 }],
    });
    expect(page.lines.find((l) => l.status === 'queued')?.noteCode).toBe('no_match');
    expect(page.lines.filter((l) => l.status === 'debit')).toHaveLength(1);

    // The same file again: the preview says every line is known.
    const again = dataOf<{ preview: { duplicates: number; entries: number } }>(
      await postFile('/app/bank', cookies.finance, { intent: 'preview' }, { name: 'maart.xml', bytes: file }),
    );
    expect(again.preview).toMatchObject({ duplicates: 3, entries: 3 });

    // Another creditor cannot open the statement.
    const other = await createOrganization();
    const stranger = await staffCookie(await createStaff(other, 'finance'));
    expect(statusOf(await load(statementPage as Route, location, stranger, { id }))).toBe(404);
    expect(
      statusOf(await load(statementPage as Route, '/app/bank/statements/nope', cookies.finance, { id: 'nope' })),
    ).toBe(404);
  });

  it('refuses a statement of an account not in the settings, naming it, and books nothing', async () => {
    const { org, cookies, first } = await setup();
    const before = await bankFootprint(org.id);
    const foreign = camtFile([
      { account: 'NL20INGB0001234567', lines: [{ amountCents: 12_100, refs: [first.paymentReference!] }] },
    ]);
    const previewed = dataOf<{ payload: string | null; refusal: { key: string; params: { iban: string } } }>(
      await postFile('/app/bank', cookies.finance, { intent: 'preview' }, { name: 'ing.xml', bytes: foreign }),
    );
    expect(previewed.refusal).toEqual({ key: 'bank.error.unknownAccount', params: { iban: 'NL20 INGB 0001 2345 67' } });
    expect(previewed.payload).toBeNull();
    // Posting the file to the confirm step anyway is refused the same way.
    const forced = await postFile('/app/bank', cookies.finance, {
      intent: 'import',
      filename: 'ing.xml',
      payload: encodeCarriedFile(foreign),
    });
    expect(statusOf(forced)).toBe(422);
    expect(dataOf(forced)).toEqual({
      kind: 'failure',
      messages: [{ key: 'bank.error.unknownAccount', params: { iban: 'NL20 INGB 0001 2345 67' } }],
    });
    expect(await bankFootprint(org.id)).toEqual(before);
  });

  it('answers bad files and bad forms with a message, never a 500', async () => {
    const { org, cookies } = await setup();
    const before = await bankFootprint(org.id);
    const cases: [Record<string, string>, { name: string; bytes: Uint8Array } | undefined, number, string][] = [
      [{ intent: 'preview' }, undefined, 400, 'bank.error.noFile'],
      [{ intent: 'preview' }, { name: 'leeg.xml', bytes: new Uint8Array() }, 400, 'bank.error.empty'],
      [
        { intent: 'preview' },
        { name: 'kapot.xml', bytes: new TextEncoder().encode('<Document><BkToCstmrStmt>') },
        400,
        'bank.error.malformed',
      ],
      [
        { intent: 'preview' },
        {
          name: 'xxe.xml',
          bytes: new TextEncoder().encode(
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>',
          ),
        },
        400,
        'bank.error.doctype',
      ],
      [
        { intent: 'preview' },
        { name: 'plaatje.xml', bytes: new TextEncoder().encode('just some words') },
        415,
        'bank.error.unsupported',
      ],
      [{ intent: 'import', payload: 'not*base64' }, undefined, 400, 'bank.error.payload'],
      [{ intent: 'import', payload: 'AAAA' }, undefined, 400, 'bank.error.payload'],
      [{ intent: 'import', payload: '' }, undefined, 400, 'bank.error.payload'],
    ];
    for (const [fields, file, status, key] of cases) {
      const result = await postFile('/app/bank', cookies.finance, fields, file);
      expect([file?.name ?? fields.payload, statusOf(result)]).toEqual([file?.name ?? fields.payload, status]);
      expect(dataOf<{ kind: string; messages: { key: string }[] }>(result).messages[0].key).toBe(key);
    }
    expect(statusOf(await postFile('/app/bank', cookies.finance, { intent: 'bogus' }))).toBe(400);

    // Above 25 MiB: refused by size; a carried field that inflates past it (a zip bomb) is refused too.
    const big = await postFile(
      '/app/bank',
      cookies.finance,
      { intent: 'preview' },
      { name: 'groot.xml', bytes: new Uint8Array(BANK_STATEMENT_MAX_BYTES + 1) },
    );
    expect(statusOf(big)).toBe(413);
    expect(dataOf(big)).toEqual({
      kind: 'failure',
      messages: [{ key: 'bank.error.tooLarge', params: { max: '25 MB' } }],
    });
    const bomb = encodeCarriedFile(new Uint8Array(BANK_STATEMENT_MAX_BYTES + 1));
    expect(bomb.length).toBeLessThan(100_000);
    const inflated = await postFile('/app/bank', cookies.finance, { intent: 'import', payload: bomb });
    expect(statusOf(inflated)).toBe(400);
    expect(dataOf<{ messages: { key: string }[] }>(inflated).messages[0].key).toBe('bank.error.payload');
    expect(await bankFootprint(org.id)).toEqual(before);
  });
});

async function importedQueue() {
  const ctx = await setup();
  const file = statement(ctx.first.paymentReference!);
  const previewed = dataOf<{ payload: string }>(
    await postFile('/app/bank', ctx.cookies.finance, { intent: 'preview' }, { name: 'maart.xml', bytes: file }),
  );
  await postFile('/app/bank', ctx.cookies.finance, {
    intent: 'import',
    filename: 'maart.xml',
    payload: previewed.payload,
  });
  const [queued] = await getDb()
    .select()
    .from(bankEntries)
    .where(and(eq(bankEntries.organizationId, ctx.org.id), eq(bankEntries.status, 'queued')));
  return { ...ctx, queued };
}

describe('the match queue', () => {
  it('lists the waiting line, counts it in the navigation, and finance matches it by hand in one step', async () => {
    const { org, cookies, queued, second } = await importedQueue();
    const nav = dataOf<{ bankQueue: number }>(await load(appLayout as Route, '/app', cookies.finance));
    expect(nav.bankQueue).toBe(1);
    expect(dataOf<{ bankQueue: number }>(await load(appLayout as Route, '/app', cookies.support)).bankQueue).toBe(0);

    const list = dataOf<{ total: number; entries: { id: string; amountCents: number; noteCode: string }[] }>(
      await load(queuePage as Route, '/app/bank/queue', cookies.finance),
    );
    expect(list.total).toBe(1);
    expect(list.entries).toEqual([
      expect.objectContaining({ id: queued.id, amountCents: 3_000, noteCode: 'no_match' }),
    ]);

    // Finance looks the invoice up by its number and finds it among the choices.
    const focused = dataOf<{ focus: { id: string; candidates: { id: string; owedCents: number }[] } }>(
      await load(
        queuePage as Route,
        `/app/bank/queue?entry=${queued.id}&q=${encodeURIComponent(second.number)}`,
        cookies.finance,
      ),
    );
    expect(focused.focus.id).toBe(queued.id);
    expect(focused.focus.candidates).toEqual([expect.objectContaining({ id: second.id, owedCents: 4_840 })]);

    // Refusals name the field and write nothing.
    const none = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
    });
    expect(statusOf(none)).toBe(400);
    expect(dataOf(none)).toMatchObject({ errors: { splits: { key: 'bank.queue.error.pick' } } });
    const badAmount = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
      invoice: second.id,
      [`number.${second.id}`]: second.number,
      [`amount.${second.id}`]: '1.234',
    });
    expect(statusOf(badAmount)).toBe(400);
    expect(dataOf(badAmount)).toMatchObject({
      errors: { [`amount.${second.id}`]: { key: 'bank.queue.error.amount', params: { number: second.number } } },
      values: { invoices: [second.id], amounts: { [second.id]: '1.234' } },
    });
    const tooMuch = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
      invoice: second.id,
      [`amount.${second.id}`]: '40,00',
    });
    expect(statusOf(tooMuch)).toBe(422);
    expect(dataOf(tooMuch)).toMatchObject({
      errors: {
        splits: { key: 'bank.queue.error.sum', params: { sum: formatMoney(4_000), amount: formatMoney(3_000) } },
      },
    });
    const stranger = await createInvoice(org, await createDebtor(org, { name: 'Ander B.V.' }), { totalCents: 5_000 });
    const twoDebtors = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
      invoice: [second.id, stranger.id],
      [`amount.${second.id}`]: '20,00',
      [`amount.${stranger.id}`]: '10,00',
    });
    expect(statusOf(twoDebtors)).toBe(422);
    expect(dataOf(twoDebtors)).toMatchObject({ errors: { splits: { key: 'bank.queue.error.oneDebtor' } } });

    // The match: 30.00 of the 48.40 invoice; it stays open for the rest.
    const matched = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
      invoice: second.id,
      [`number.${second.id}`]: second.number,
      [`amount.${second.id}`]: '30,00',
    });
    expect(statusOf(matched)).toBe(302);
    expect(locationOf(matched)).toBe('/app/bank/queue?done=matched');
    const [partly] = await getDb().select().from(invoices).where(eq(invoices.id, second.id));
    expect(partly).toMatchObject({ status: 'open', openCents: 1_840 });
    const [entry] = await getDb().select().from(bankEntries).where(eq(bankEntries.id, queued.id));
    expect(entry).toMatchObject({ status: 'matched', matchRule: 'manual' });

    // A second go at the same line is refused as done.
    const again = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: queued.id,
      invoice: second.id,
      [`amount.${second.id}`]: '10,00',
    });
    expect(statusOf(again)).toBe(409);
    expect(dataOf(again)).toMatchObject({ errors: { entry: { key: 'bank.queue.error.gone' } } });
    expect(dataOf<{ bankQueue: number }>(await load(appLayout as Route, '/app', cookies.finance)).bankQueue).toBe(0);
  });

  it('books a suggestion in one step: the button carries the invoices and their amounts', async () => {
    const { cookies, second } = await setup();
    // No reference and no number, but the debtor's name and exactly what the second invoice owes.
    const file = camtFile([
      { lines: [{ amountCents: 4_840, name: 'Drukkerij Zeefdruk', iban: DEBTOR_IBANS[2], text: 'Betaling' }] },
    ]);
    const previewed = dataOf<{ payload: string }>(
      await postFile('/app/bank', cookies.finance, { intent: 'preview' }, { name: 'april.xml', bytes: file }),
    );
    await postFile('/app/bank', cookies.finance, {
      intent: 'import',
      filename: 'april.xml',
      payload: previewed.payload,
    });
    const list = dataOf<{
      entries: {
        id: string;
        suggestions: { rule: string; amountFits: boolean; splits: { invoiceId: string; amountCents: number }[] }[];
      }[];
    }>(await load(queuePage as Route, '/app/bank/queue', cookies.finance));
    expect(list.entries).toHaveLength(1);
    const [entry] = list.entries;
    const best = entry.suggestions[0];
    expect(best).toMatchObject({ amountFits: true, splits: [{ invoiceId: second.id, amountCents: 4_840 }] });
    const booked = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'match',
      entryId: entry.id,
      invoice: second.id,
      [`number.${second.id}`]: second.number,
      [`amount.${second.id}`]: '48,40',
    });
    expect(locationOf(booked)).toBe('/app/bank/queue?done=matched');
    const [paid] = await getDb().select().from(invoices).where(eq(invoices.id, second.id));
    expect(paid).toMatchObject({ status: 'paid', openCents: 0 });
    expect(dataOf<{ total: number }>(await load(queuePage as Route, '/app/bank/queue', cookies.finance)).total).toBe(0);
  });

  it('marks a line as not a debtor payment with a note, and puts it back from the statement page', async () => {
    const { cookies, queued } = await importedQueue();
    const long = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'ignore',
      entryId: queued.id,
      note: 'x'.repeat(501),
    });
    expect(statusOf(long)).toBe(400);
    expect(dataOf(long)).toMatchObject({ errors: { note: { key: 'bo.form.error.tooLong' } } });
    const ignored = await post(queuePage as Route, '/app/bank/queue', cookies.finance, {
      intent: 'ignore',
      entryId: queued.id,
      note: 'Rente van de bank',
    });
    expect(locationOf(ignored)).toBe('/app/bank/queue?done=ignored');
    const [entry] = await getDb().select().from(bankEntries).where(eq(bankEntries.id, queued.id));
    expect(entry).toMatchObject({ status: 'ignored', note: 'Rente van de bank' });

    const url = `/app/bank/statements/${entry.statementId}`;
    const page = dataOf<{ lines: { id: string; canRequeue: boolean; noteText: string | null }[] }>(
      await load(statementPage as Route, url, cookies.finance, { id: entry.statementId }),
    );
    expect(page.lines.find((l) => l.id === queued.id)).toMatchObject({
      canRequeue: true,
      noteText: 'Rente van de bank',
    });
    const back = await post(
      statementPage as Route,
      url,
      cookies.finance,
      { intent: 'requeue', entryId: queued.id },
      { id: entry.statementId },
    );
    expect(locationOf(back)).toBe(`${url}?requeued=1`);
    const [requeued] = await getDb().select().from(bankEntries).where(eq(bankEntries.id, queued.id));
    expect(requeued.status).toBe('queued');

    // Another creditor's finance cannot touch the line.
    const other = await createOrganization();
    const stranger = await staffCookie(await createStaff(other, 'finance'));
    const refused = await post(queuePage as Route, '/app/bank/queue', stranger, {
      intent: 'ignore',
      entryId: queued.id,
    });
    expect(statusOf(refused)).toBe(404);
    expect(dataOf(refused)).toMatchObject({ errors: { entry: { key: 'bank.queue.error.gone' } } });
    expect((await getDb().select().from(bankEntries).where(eq(bankEntries.id, queued.id)))[0].status).toBe('queued');
  });
});

describe('bank accounts in settings', () => {
  it('adds an account with a valid IBAN, refuses bad ones naming the field, and removes an unused one', async () => {
    const { org, cookies } = await setup();
    const url = '/app/settings/bank';
    const listed = dataOf<{ accounts: { ibanDisplay: string; entries: number }[] }>(
      await load(bankSettings as Route, url, cookies.admin),
    );
    expect(listed.accounts).toEqual([expect.objectContaining({ ibanDisplay: 'NL91 ABNA 0417 1643 00', entries: 0 })]);

    const cases: [Record<string, string>, number, Record<string, unknown>][] = [
      [{ iban: '' }, 400, { iban: { key: 'bank.settings.error.ibanRequired' } }],
      [
        { iban: 'NL91 ABNA 0417 1643 01' },
        400,
        { iban: { key: 'bank.settings.error.iban', params: { iban: 'NL91 ABNA 0417 1643 01' } } },
      ],
      [{ iban: 'NL20INGB0001234567\u0000' }, 400, { iban: { key: 'bank.settings.error.iban' } }],
      [{ iban: 'X'.repeat(5000) }, 400, { iban: { key: 'bank.settings.error.iban' } }],
      [
        { iban: 'NL20INGB0001234567', label: 'y'.repeat(71) },
        400,
        { label: { key: 'bank.settings.error.labelTooLong' } },
      ],
      [{ iban: 'NL20INGB0001234567', label: 'a\u0000b' }, 400, { label: { key: 'bo.form.error.controlChars' } }],
      [
        { iban: 'nl91abna0417164300' },
        409,
        { iban: { key: 'bank.settings.error.duplicate', params: { iban: 'NL91 ABNA 0417 1643 00' } } },
      ],
    ];
    for (const [fields, status, errors] of cases) {
      const result = await post(bankSettings as Route, url, cookies.admin, { intent: 'add', ...fields });
      expect([fields.iban.slice(0, 30), statusOf(result)]).toEqual([fields.iban.slice(0, 30), status]);
      expect(dataOf(result)).toMatchObject({ errors });
    }

    const added = await post(bankSettings as Route, url, cookies.admin, {
      intent: 'add',
      iban: 'nl20 ingb 0001 2345 67',
      label: 'Spaarrekening',
    });
    expect(locationOf(added)).toBe(`${url}?added=NL20INGB0001234567`);
    const rows = await getDb().select().from(bankAccounts).where(eq(bankAccounts.organizationId, org.id));
    const savings = rows.find((r) => r.iban === 'NL20INGB0001234567')!;
    expect(savings.label).toBe('Spaarrekening');

    const confirming = dataOf<{ confirming: { id: string; ibanDisplay: string }; added: string | null }>(
      await load(bankSettings as Route, `${url}?remove=${savings.id}&added=NL20INGB0001234567`, cookies.admin),
    );
    expect(confirming.confirming).toEqual({ id: savings.id, ibanDisplay: 'NL20 INGB 0001 2345 67' });
    expect(confirming.added).toBe('NL20 INGB 0001 2345 67');
    const removed = await post(bankSettings as Route, url, cookies.admin, { intent: 'remove', id: savings.id });
    expect(locationOf(removed)).toBe(`${url}?removed=NL20INGB0001234567`);
    expect(await getDb().select().from(bankAccounts).where(eq(bankAccounts.id, savings.id))).toEqual([]);
    const unknown = await post(bankSettings as Route, url, cookies.admin, { intent: 'remove', id: 'nope' });
    expect(statusOf(unknown)).toBe(404);
    expect(dataOf(unknown)).toMatchObject({ errors: { remove: { key: 'bank.settings.error.notFound' } } });
  });

  it('keeps an account whose statements were booked', async () => {
    const { org, cookies } = await importedQueue();
    const [main] = await getDb()
      .select()
      .from(bankAccounts)
      .where(and(eq(bankAccounts.organizationId, org.id), eq(bankAccounts.iban, OUR_IBAN)));
    const listed = dataOf<{ accounts: { id: string; entries: number }[] }>(
      await load(bankSettings as Route, '/app/settings/bank', cookies.admin),
    );
    expect(listed.accounts.find((a) => a.id === main.id)?.entries).toBe(3);
    const refused = await post(bankSettings as Route, '/app/settings/bank', cookies.admin, {
      intent: 'remove',
      id: main.id,
    });
    expect(statusOf(refused)).toBe(409);
    expect(dataOf(refused)).toMatchObject({
      errors: { remove: { key: 'bank.settings.error.inUse', params: { iban: 'NL91 ABNA 0417 1643 00' } } },
    });
  });
});
