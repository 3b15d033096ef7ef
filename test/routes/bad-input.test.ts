/**
 * Bad input through every door, as a table: over-large amounts, NUL and other control
 * characters, out-of-range dates, lines that do not add up. Every case is refused with a 4xx
 * (or a row/field error) that names the field, and nothing is written. The HTTP-level cases
 * (oversized chunked bodies, malformed %-escapes) are in test/faults/body-limits.fault.test.ts.
 */
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, debtors, invoices, payments, type Organization } from '~db/schema';
import { parseHoldForm } from '~/modules/dunning/hold-form';
import { parseBranding } from '~/modules/backoffice/settings-forms';
import { creditSchema, fieldErrors, messageSchema, openDisputeSchema } from '~/modules/disputes/forms.server';
import type { CsvPreview, ImportDone, ImportFailure, UblPreview } from '~/modules/invoices/import-flow.server';
import { parsePayForm } from '~/modules/payments/pay-form.server';
import { parsePlanValues, readPlanForm } from '~/modules/plans/forms';
import { rejectPlan } from '~/modules/plans/finance.server';
import * as importsRoute from '~/routes/app.imports';
import * as apiKeysRoute from '~/routes/app.settings.api-keys';
import * as loginRoute from '~/routes/login';
import * as debtorRoute from '~/routes/api.v1.debtors.$externalRef';
import * as invoiceRoute from '~/routes/api.v1.invoices.$number';
import * as settleRoute from '~/routes/api.v1.invoices.$number_.settle';
import * as paymentsRoute from '~/routes/api.v1.payments';
import { getDb } from '~/utils/db.server';
import { translate, type TextKey } from '~/utils/i18n';
import { MAX_AMOUNT_CENTS } from '~/utils/limits';
import { createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { apiRequest, createApiKeyFor, multipartRequest } from '~test/factories-intake';
import { formRequest, routeArgs, settle } from '~test/http';

type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };
type Json = Record<string, unknown>;

const NUL = '\u0000';
const BAD_DATES = ['0000-01-01', '9999-12-31', '1989-12-31', '2101-01-01'];

async function counts(org: Pick<Organization, 'id'>) {
  const n = async (table: typeof invoices | typeof debtors | typeof payments | typeof auditEvents) =>
    (
      await getDb()
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(eq(table.organizationId, org.id))
    )[0].n;
  return {
    invoices: await n(invoices),
    debtors: await n(debtors),
    payments: await n(payments),
    audit: await n(auditEvents),
  };
}

const fullDebtor = (overrides: Json = {}) => ({
  externalRef: 'CUST-1',
  kind: 'business',
  name: 'Bakkerij De Korenschoof B.V.',
  email: 'administratie@korenschoof.example',
  ...overrides,
});

const invoiceBody = (overrides: Json = {}) => ({
  debtor: fullDebtor(),
  issueDate: '2026-03-01',
  dueDate: '2026-03-31',
  totalCents: 60_500,
  description: 'Onderhoud maart',
  lines: [{ description: 'Onderhoud', quantity: 1, unitPriceCents: 50_000, vatRatePercent: 21, amountCents: 50_000 }],
  ...overrides,
});

const line = (amountCents: number, overrides: Json = {}) => ({
  description: 'Regel',
  quantity: 1,
  unitPriceCents: amountCents,
  vatRatePercent: 21,
  amountCents,
  ...overrides,
});

async function putInvoice(key: string, number: string, json: unknown) {
  const request = apiRequest(`/api/v1/invoices/${encodeURIComponent(number)}`, { method: 'PUT', key, json });
  return invoiceRoute.action(routeArgs(request, { number }));
}

async function expectRefused(response: Response, path: string, message?: RegExp) {
  expect(response.status, path).toBe(400);
  const body = (await response.json()) as ErrorBody;
  const issue = body.error.issues?.find((i) => i.path === path);
  expect(issue, `an issue at ${path} in ${JSON.stringify(body)}`).toBeDefined();
  if (message) expect(issue!.message).toMatch(message);
}

describe('API: PUT /api/v1/invoices/{number}', () => {
  const LIMIT = new RegExp(`${MAX_AMOUNT_CENTS}`);
  const cases: [string, Json, string, RegExp?][] = [
    ['a total of Number.MAX_SAFE_INTEGER', { totalCents: Number.MAX_SAFE_INTEGER, lines: null }, 'totalCents', LIMIT],
    ['a total one cent over the limit', { totalCents: MAX_AMOUNT_CENTS + 1, lines: null }, 'totalCents', LIMIT],
    ['a total of 2^60', { totalCents: 2 ** 60, lines: null }, 'totalCents', LIMIT],
    ['a line over the limit', { totalCents: 100, lines: [line(MAX_AMOUNT_CENTS + 1)] }, 'lines.0.amountCents', LIMIT],
    [
      'a unit price over the limit',
      { totalCents: 121, lines: [line(100, { unitPriceCents: MAX_AMOUNT_CENTS + 1 })] },
      'lines.0.unitPriceCents',
      LIMIT,
    ],
    ['lines that do not add up', { totalCents: 60_500, lines: [line(40_000)] }, 'lines', /add up to 48400/],
    ['a negative line that breaks the sum', { totalCents: 60_500, lines: [line(50_000), line(-10_000)] }, 'lines'],
    ['only negative lines', { totalCents: 100, lines: [line(-100)] }, 'lines'],
    ...BAD_DATES.flatMap((date): [string, Json, string, RegExp][] => [
      [`issueDate ${date}`, { issueDate: date, dueDate: '2026-03-31' }, 'issueDate', /1990-01-01 to 2100-12-31/],
      [`dueDate ${date}`, { issueDate: '1990-01-01', dueDate: date }, 'dueDate', /1990-01-01 to 2100-12-31|before/],
    ]),
    ...(
      [
        ['debtor.externalRef', { debtor: fullDebtor({ externalRef: `C${NUL}1` }) }],
        ['debtor.name', { debtor: fullDebtor({ name: `Bakker${NUL}ij` }) }],
        ['debtor.email', { debtor: fullDebtor({ email: `a${NUL}@example.test` }) }],
        ['debtor.contactName', { debtor: fullDebtor({ contactName: `Jan${NUL}` }) }],
        ['debtor.phone', { debtor: fullDebtor({ phone: `06${NUL}` }) }],
        ['debtor.addressLine', { debtor: fullDebtor({ addressLine: `Straat 1${NUL}` }) }],
        ['debtor.postalCode', { debtor: fullDebtor({ postalCode: `1234${NUL}AB` }) }],
        ['debtor.city', { debtor: fullDebtor({ city: `Utrecht${NUL}` }) }],
        ['debtor.vatNumber', { debtor: fullDebtor({ vatNumber: `NL${NUL}` }) }],
        ['description', { description: `Onderhoud${NUL}maart` }],
        ['description', { description: 'Onderhoud\u001b[31m' }],
        ['paymentReference', { paymentReference: `RF${NUL}18` }],
        ['externalRef', { externalRef: `X${NUL}` }],
        ['lines.0.description', { lines: [line(50_000, { description: `Onder${NUL}houd` })] }],
      ] as [string, Json][]
    ).map(([path, body]): [string, Json, string, RegExp] => [
      `NUL in ${path}`,
      body,
      path,
      // An address with a NUL is first of all not an email address.
      path.endsWith('email') ? /email/ : /control characters/,
    ]),
  ];

  it.each(cases)(
    'refuses %s with 400 naming the field, and writes nothing',
    async (_name, overrides, path, message) => {
      const org = await createOrganization();
      const { key } = await createApiKeyFor(org);
      const before = await counts(org);
      await expectRefused(await putInvoice(key, 'BAD-1', invoiceBody(overrides)), path, message);
      expect(await counts(org)).toEqual(before);
    },
  );

  it('refuses a NUL in the invoice number in the path', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const before = await counts(org);
    await expectRefused(await putInvoice(key, `F${NUL}1`, invoiceBody()), 'number', /control characters/);
    expect(await counts(org)).toEqual(before);
  });

  it('accepts the limits themselves: the largest amount, the first and last dates, a discount line that adds up, tab and newline in a description', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const largest = await putInvoice(key, 'OK-1', invoiceBody({ totalCents: MAX_AMOUNT_CENTS, lines: null }));
    expect(largest.status).toBe(201);
    const dates = await putInvoice(key, 'OK-2', invoiceBody({ issueDate: '1990-01-01', dueDate: '2100-12-31' }));
    expect(dates.status).toBe(201);
    // 500.00 - 100.00 discount = 400.00 net, + 21 % = 484.00.
    const discount = await putInvoice(
      key,
      'OK-3',
      invoiceBody({ totalCents: 48_400, lines: [line(50_000), line(-10_000, { description: 'Korting' })] }),
    );
    expect(discount.status).toBe(201);
    // Per line VAT rounding differs from per rate rounding by at most a cent a line.
    const rounding = await putInvoice(
      key,
      'OK-4',
      invoiceBody({ totalCents: 1_212 + 1, lines: [line(501), line(501)], description: 'Regel 1\n\tRegel 2' }),
    );
    expect(rounding.status).toBe(201);
    expect((await counts(org)).invoices).toBe(4);
  });
});

describe('API: other endpoints', () => {
  async function invoiceFor(org: Pick<Organization, 'id'>) {
    const { key } = await createApiKeyFor(org);
    expect((await putInvoice(key, 'S-1', invoiceBody())).status).toBe(201);
    return key;
  }
  const settle = (key: string, json: unknown) =>
    settleRoute.action(
      routeArgs(apiRequest('/api/v1/invoices/S-1/settle', { method: 'POST', key, json }), { number: 'S-1' }),
    );

  it.each([
    ['a payment over the limit', { outcome: 'paid', amountCents: MAX_AMOUNT_CENTS + 1 }, 'amountCents'],
    ['a credit over the limit', { outcome: 'credited', amountCents: Number.MAX_SAFE_INTEGER }, 'amountCents'],
    ['a NUL in the reference', { outcome: 'paid', amountCents: 100, reference: `bank${NUL}1` }, 'reference'],
  ])('settle refuses %s with 400 naming the field, and writes nothing', async (_name, json, path) => {
    const org = await createOrganization();
    const key = await invoiceFor(org);
    const before = await counts(org);
    await expectRefused(await settle(key, json), path);
    expect(await counts(org)).toEqual(before);
  });

  it.each([
    ['name', { kind: 'consumer', name: `Jan${NUL}`, email: 'jan@example.test' }],
    ['city', { kind: 'consumer', name: 'Jan', email: 'jan@example.test', city: `A${NUL}` }],
    ['email', { kind: 'consumer', name: 'Jan', email: `jan${NUL}@example.test` }],
  ])('PUT /debtors refuses a NUL in %s', async (path, json) => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const before = await counts(org);
    const request = apiRequest('/api/v1/debtors/D-1', { method: 'PUT', key, json });
    await expectRefused(await debtorRoute.action(routeArgs(request, { externalRef: 'D-1' })), path);
    expect(await counts(org)).toEqual(before);
  });

  it('GET /payments refuses a NUL in the cursor', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const response = await paymentsRoute.loader(
      routeArgs(apiRequest(`/api/v1/payments?since=${encodeURIComponent(`x${NUL}`)}`, { key })),
    );
    await expectRefused(response, 'since');
  });
});

// --- CSV and UBL imports ---------------------------------------------------------------------

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
type Result<T> = { data: T; init: ResponseInit | null };

const CSV_HEADER =
  'invoice_number;debtor_ref;debtor_name;debtor_email;debtor_kind;issue_date;due_date;amount;description';
const CSV_GOOD: Record<string, string> = {
  invoice_number: '2026-1',
  debtor_ref: 'K-1',
  debtor_name: 'Jansen B.V.',
  debtor_email: 'boekhouding@jansen.example',
  debtor_kind: 'business',
  issue_date: '2026-03-01',
  due_date: '2026-03-31',
  amount: '1.234,56',
  description: 'Onderhoud',
};
const csvWith = (overrides: Record<string, string>) => {
  const row = { ...CSV_GOOD, ...overrides };
  // Quoted, so a cell may hold anything but a quote.
  const cells = CSV_HEADER.split(';').map((column) => `"${row[column]}"`);
  return `${CSV_HEADER}\n${cells.join(';')}\n`;
};

async function importer(org: Pick<Organization, 'id'>) {
  // Each sign-in from its own address, so the per-IP login throttle stays out of the way.
  const cookie = await staffCookie(await createStaff(org, 'finance'));
  return {
    upload: (intent: 'csv-preview' | 'ubl-preview', content: string) =>
      importsRoute.action(
        routeArgs(
          multipartRequest(
            '/app/imports',
            {
              intent,
              file: {
                name: intent === 'csv-preview' ? 'f.csv' : 'f.xml',
                type: intent === 'csv-preview' ? 'text/csv' : 'application/xml',
                content,
              },
            },
            cookie,
          ),
        ),
      ),
    confirm: (intent: 'csv-import' | 'ubl-import', content: string) =>
      importsRoute.action(
        routeArgs(
          formRequest(
            '/app/imports',
            { intent, payload: Buffer.from(content, 'utf8').toString('base64url'), filename: 'f' },
            { cookie },
          ),
        ),
      ),
  };
}

const say = (message: { key: TextKey; params?: Record<string, string | number> }) =>
  translate('en', message.key, message.params);

describe('CSV import', () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['an amount over the limit', { amount: '100000000,01' }, 'amount', /too large: at most 100000000\.00/],
    ['an amount of Number.MAX_SAFE_INTEGER cents', { amount: '90071992547409.91' }, 'amount', /too large/],
    ...BAD_DATES.flatMap((date): [string, Record<string, string>, string, RegExp][] => [
      [`issue_date ${date}`, { issue_date: date }, 'issue_date', /outside 1990-01-01 to 2100-12-31/],
      [
        `due_date ${date}`,
        { issue_date: '1990-01-01', due_date: date },
        'due_date',
        /outside 1990-01-01 to 2100-12-31/,
      ],
    ]),
    ...['invoice_number', 'debtor_ref', 'debtor_name', 'debtor_email', 'description'].map(
      (column): [string, Record<string, string>, string, RegExp] => [
        `a NUL in ${column}`,
        { [column]: `${CSV_GOOD[column]}${NUL}x` },
        column,
        /control characters/,
      ],
    ),
  ];

  it.each(cases)(
    'refuses %s in the preview and on commit, naming the column, and writes nothing',
    async (_name, overrides, column, message) => {
      const org = await createOrganization();
      const { upload, confirm } = await importer(org);
      const csv = csvWith(overrides);
      const before = await counts(org);

      const preview = (await upload('csv-preview', csv)) as Result<CsvPreview>;
      expect(preview.init?.status).toBe(400);
      expect(preview.data.payload).toBeNull();
      const messages = preview.data.rows.flatMap((row) => row.messages);
      const named = messages.find((m) => m.params?.column === column);
      expect(named, JSON.stringify(messages)).toBeDefined();
      expect(say(named!)).toMatch(message);
      expect(say(named!)).toContain(column);

      // A tampered or replayed payload is parsed again on commit: still refused.
      const commit = (await confirm('csv-import', csv)) as Result<CsvPreview | ImportDone>;
      expect(commit.data.kind).toBe('csvPreview');
      expect(await counts(org)).toEqual(before);
    },
  );

  it('accepts the limit itself and tab/newline in a description', async () => {
    const org = await createOrganization();
    const { confirm } = await importer(org);
    const done = (await confirm(
      'csv-import',
      csvWith({ amount: '100.000.000,00', issue_date: '1990-01-01', due_date: '2100-12-31', description: 'a\n\tb' }),
    )) as Result<ImportDone>;
    expect(done.data).toMatchObject({ kind: 'done', summary: { created: 1 } });
  });
});

describe('UBL import', () => {
  const xml = fixture('ubl/peppol-bis3-invoice.xml');
  const LINE_900 = '<cbc:LineExtensionAmount currencyID="EUR">900.00</cbc:LineExtensionAmount>';
  const edit = (from: string, to: string) => {
    expect(xml).toContain(from);
    return xml.replace(from, to);
  };
  const cases: [string, () => string, string, RegExp][] = [
    [
      'a payable amount over the limit',
      () =>
        edit('<cbc:PayableAmount currencyID="EUR">1652.87', '<cbc:PayableAmount currencyID="EUR">90071992547409.91'),
      'cbc:PayableAmount',
      /too large: at most 100000000\.00/,
    ],
    [
      'a line over the limit',
      () => edit(LINE_900, LINE_900.replace('900.00', '100000000.01')),
      'cac:InvoiceLine 1',
      /too large/,
    ],
    [
      'lines that do not add up',
      () => edit(LINE_900, LINE_900.replace('900.00', '901.00')),
      'cac:LegalMonetaryTotal/cbc:LineExtensionAmount',
      /add up to 1371\.90/,
    ],
    [
      'a negative line that breaks the sum',
      () => edit(LINE_900, LINE_900.replace('900.00', '-900.00')),
      'cac:LegalMonetaryTotal/cbc:LineExtensionAmount',
      /add up to/,
    ],
    ...BAD_DATES.flatMap((date): [string, () => string, string, RegExp][] => [
      [
        `IssueDate ${date}`,
        () => edit('<cbc:IssueDate>2026-03-02', `<cbc:IssueDate>${date}`),
        'cbc:IssueDate',
        /outside 1990-01-01 to 2100-12-31/,
      ],
      [
        `DueDate ${date}`,
        () => edit('<cbc:DueDate>2026-04-01', `<cbc:DueDate>${date}`),
        'cbc:DueDate',
        /outside 1990-01-01 to 2100-12-31/,
      ],
    ]),
    [
      'a control character in the invoice number',
      () => edit('<cbc:ID>F2026-0142</cbc:ID>', '<cbc:ID>F2026&#1;0142</cbc:ID>'),
      'cbc:ID',
      /control characters/,
    ],
    [
      "a control character in the customer's name",
      () => edit('Bakkerij Van Dijk B.V.', 'Bakkerij&#27;Van Dijk B.V.'),
      'cac:AccountingCustomerParty/cac:Party (name)',
      /control characters/,
    ],
  ];

  it.each(cases)(
    'refuses %s in the preview and on commit, naming the field, and writes nothing',
    async (_name, make, field, message) => {
      const org = await createOrganization();
      const { upload, confirm } = await importer(org);
      const document = make();
      const before = await counts(org);

      const preview = (await upload('ubl-preview', document)) as Result<UblPreview | ImportFailure>;
      expect(preview.init?.status).toBe(400);
      expect(preview.data.kind).toBe('failure');
      const messages = (preview.data as ImportFailure).messages;
      const named = messages.find((m) => m.params?.field === field);
      expect(named, JSON.stringify(messages)).toBeDefined();
      expect(say(named!)).toMatch(message);

      const commit = (await confirm('ubl-import', document)) as Result<UblPreview | ImportFailure | ImportDone>;
      expect(commit.data.kind).toBe('failure');
      expect(await counts(org)).toEqual(before);
    },
  );

  it('still imports the fixture whose lines add up', async () => {
    const org = await createOrganization();
    const { confirm } = await importer(org);
    const done = (await confirm('ubl-import', xml)) as Result<ImportDone>;
    expect(done.data).toMatchObject({ kind: 'done', summary: { created: 1 } });
  });
});

// --- forms -----------------------------------------------------------------------------------

const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
};

describe('forms', () => {
  const INVOICE = '6f1c4a52-4c8e-4f7e-9d53-2f3b7c9a1e01';

  it('the portal pay form refuses a part payment over the limit, naming the amount', () => {
    const result = parsePayForm(
      form({ scope: 'single', invoice: INVOICE, amountMode: 'part', amount: '100000000,01', method: 'ideal' }),
    );
    expect(result).toEqual({ ok: false, errors: { amount: 'amount_too_large' } });
    expect(translate('nl', 'pay.error.amount_too_large')).toContain('100.000.000,00');
  });

  it('the plan form refuses a down payment over the limit and a NUL in the reason', () => {
    const values = readPlanForm(
      form({
        invoice: INVOICE,
        installmentCount: '3',
        frequency: 'monthly',
        firstDate: '2026-12-20',
        downPayment: '100000000,01',
        reason: `ziek${NUL}`,
      }),
    );
    const result = parsePlanValues(values);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.downPayment).toEqual({ key: 'plan.error.downPaymentTooLarge' });
      expect(result.errors.reason).toEqual({ key: 'plan.error.reasonControlChars' });
    }
  });

  it('the dispute forms refuse an amount or credit over the limit and a NUL in a message or note', () => {
    const open = openDisputeSchema.safeParse({
      scope: 'part',
      amount: '100000000,01',
      reason: 'other',
      message: 'Klopt niet',
    });
    expect(open.success).toBe(false);
    if (!open.success) expect(fieldErrors(open.error)).toMatchObject({ amount: 'amount_too_large' });

    const credit = creditSchema.safeParse({ amount: '90071992547409,91', note: 'ok' });
    expect(credit.success).toBe(false);
    if (!credit.success) expect(fieldErrors(credit.error)).toEqual({ amount: 'amount_too_large' });

    const note = creditSchema.safeParse({ amount: '10,00', note: `x${NUL}` });
    expect(note.success).toBe(false);
    if (!note.success) expect(fieldErrors(note.error)).toEqual({ note: 'control_chars' });

    const message = messageSchema.safeParse({ message: `Hallo${NUL}` });
    expect(message.success).toBe(false);
    if (!message.success) expect(fieldErrors(message.error)).toEqual({ message: 'control_chars' });
    // Line breaks and tabs are what multi-line text is for.
    expect(messageSchema.safeParse({ message: 'Regel 1\r\n\tRegel 2' }).success).toBe(true);
  });

  it('the manual-hold and branding forms refuse control characters, naming the field', () => {
    expect(parseHoldForm(form({ until: '', note: `let op${NUL}` }), '2026-12-01')).toEqual({
      ok: false,
      errors: { note: { key: 'bo.form.error.controlChars' } },
    });
    expect(parseBranding(form({ brandColor: '#112233', senderName: `Acme${NUL}`, replyTo: '' }))).toEqual({
      ok: false,
      errors: { senderName: { key: 'bo.form.error.controlChars' } },
    });
    expect(parseBranding(form({ brandColor: '#112233', senderName: '', replyTo: `a${NUL}@b.nl` }))).toEqual({
      ok: false,
      errors: { replyTo: { key: 'bo.form.error.email' } },
    });
  });
});

describe('text fields that reach the database from other forms', () => {
  const statusOf = (result: unknown) =>
    result instanceof Response
      ? result.status
      : ((result as { init?: { status?: number } | null }).init?.status ?? 200);

  it('sign-in with a NUL in the address is a wrong sign-in (401), not a 500', async () => {
    const result = await settle(() =>
      loginRoute.action(
        routeArgs(formRequest('/login', { email: `a${NUL}@example.test`, password: 'x' }, { ip: '10.9.9.9' })),
      ),
    );
    expect(statusOf(result)).toBe(401);
  });

  it('an API key name with a NUL is refused (400) and no key is made', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const cookie = await staffCookie(admin);
    const result = await settle(() =>
      apiKeysRoute.action(
        routeArgs(formRequest('/app/settings/api-keys', { intent: 'create', name: `Boekhouding${NUL}` }, { cookie })),
      ),
    );
    expect(statusOf(result)).toBe(400);
    expect((result as { data: { nameError: string } }).data.nameError).toBe('bo.form.error.controlChars');
  });

  it("a plan rejection's reason with a NUL is refused before anything is looked up", async () => {
    const org = await createOrganization();
    const finance = await createStaff(org, 'finance');
    expect(await rejectPlan(finance, '6f1c4a52-4c8e-4f7e-9d53-2f3b7c9a1e01', `nee${NUL}`)).toEqual({
      ok: false,
      errors: { reason: { key: 'plan.error.reasonControlChars' } },
    });
  });

  it("an import file's name with a NUL becomes a neutral label; the import itself goes through", async () => {
    const org = await createOrganization();
    const cookie = await staffCookie(await createStaff(org, 'finance'));
    const result = (await importsRoute.action(
      routeArgs(
        formRequest(
          '/app/imports',
          {
            intent: 'csv-import',
            payload: Buffer.from(csvWith({}), 'utf8').toString('base64url'),
            filename: `maart${NUL}.csv`,
          },
          { cookie },
        ),
      ),
    )) as Result<ImportDone>;
    expect(result.data).toMatchObject({ kind: 'done', filename: 'upload.csv', summary: { created: 1 } });
  });
});
