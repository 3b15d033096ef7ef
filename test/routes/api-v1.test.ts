import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  auditEvents,
  debtors,
  dunningPauses,
  files,
  invoices,
  paymentAllocations,
  payments,
  type Organization,
} from '~db/schema';
import { DEFAULT_DUNNING_POLICY } from '~/modules/dunning/default-policy';
import { nextActionFor } from '~/modules/dunning/schedule';
import { InvoiceInput, SettleInput } from '~/modules/api/schemas';
import { generatedPaymentReference } from '~/modules/invoices/intake.server';
import { isValidBetalingskenmerk } from '~/modules/payments/payment-reference';
import { revokeApiKey } from '~/modules/api/keys.server';
import * as catchAllRoute from '~/routes/api.v1.$';
import * as debtorRoute from '~/routes/api.v1.debtors.$externalRef';
import * as invoiceRoute from '~/routes/api.v1.invoices.$number';
import * as pdfRoute from '~/routes/api.v1.invoices.$number_.pdf';
import * as settleRoute from '~/routes/api.v1.invoices.$number_.settle';
import * as openapiRoute from '~/routes/api.v1.openapi[.]json';
import * as paymentsRoute from '~/routes/api.v1.payments';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { apiRequest, createApiKeyFor, readJsonResponse } from '~test/factories-intake';

type Json = Record<string, unknown>;
type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };

const args = (request: Request, params: Record<string, string> = {}) => ({
  request,
  params,
  context: { nonce: 'test' },
});

function putInvoice(key: string, number: string, json: unknown) {
  const request = apiRequest(`/api/v1/invoices/${encodeURIComponent(number)}`, { method: 'PUT', key, json });
  return invoiceRoute.action(args(request, { number }));
}

function getInvoice(key: string, number: string) {
  return invoiceRoute.loader(args(apiRequest(`/api/v1/invoices/${encodeURIComponent(number)}`, { key }), { number }));
}

function settleInvoice(key: string, number: string, json: unknown) {
  const request = apiRequest(`/api/v1/invoices/${encodeURIComponent(number)}/settle`, { method: 'POST', key, json });
  return settleRoute.action(args(request, { number }));
}

function listPayments(key: string, query = '') {
  return paymentsRoute.loader(args(apiRequest(`/api/v1/payments${query}`, { key })));
}

const fullDebtor = (externalRef: string) => ({
  externalRef,
  kind: 'business' as const,
  name: 'Bakkerij De Korenschoof B.V.',
  email: 'administratie@korenschoof.example',
  city: 'Utrecht',
  vatNumber: 'NL001234567B01',
});

const invoiceBody = (overrides: Json = {}) => ({
  debtor: fullDebtor('CUST-100'),
  issueDate: '2026-03-01',
  dueDate: '2026-03-31',
  totalCents: 60_500,
  description: 'Onderhoud maart',
  // Lines must add up to the total: a body with another total leaves them out.
  lines:
    'totalCents' in overrides
      ? null
      : [{ description: 'Onderhoud', quantity: 1, unitPriceCents: 50_000, vatRatePercent: 21, amountCents: 50_000 }],
  ...overrides,
});

async function auditCount(org: Pick<Organization, 'id'>, action?: string) {
  const [row] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, org.id), action ? eq(auditEvents.action, action) : undefined));
  return row.n;
}

describe('API authentication', () => {
  it('answers 401 without a key, with an unknown key, and after the key is revoked', async () => {
    const org = await createOrganization();
    const { key, apiKey, admin } = await createApiKeyFor(org);

    const missing = await getInvoice('', 'X-1');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect(await readJsonResponse<ErrorBody>(missing)).toMatchObject({ error: { code: 'unauthorized' } });

    const wrong = await getInvoice(`vk_live_${'A'.repeat(43)}`, 'X-1');
    expect(wrong.status).toBe(401);

    expect((await getInvoice(key, 'X-1')).status).toBe(404);

    await revokeApiKey({ organizationId: org.id, apiKeyId: apiKey.id, staffId: admin.id });
    const revoked = await getInvoice(key, 'X-1');
    expect(revoked.status).toBe(401);
    expect(await readJsonResponse<ErrorBody>(revoked)).toMatchObject({ error: { code: 'unauthorized' } });
  });
});

describe('PUT /api/v1/invoices/{number}', () => {
  it('creates an invoice with its debtor, schedules dunning and generates a betalingskenmerk', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const response = await putInvoice(key, '2026-0001', invoiceBody());
    expect(response.status).toBe(201);
    const body = await readJsonResponse(response);
    expect(body).toMatchObject({
      number: '2026-0001',
      debtor: { externalRef: 'CUST-100' },
      totalCents: 60_500,
      openCents: 60_500,
      status: 'open',
      currency: 'EUR',
      pdf: null,
    });
    expect(isValidBetalingskenmerk(body.paymentReference as string)).toBe(true);
    expect(body.paymentReference).toBe(generatedPaymentReference(org.id, '2026-0001'));

    const [row] = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(row.nextActionAt?.toISOString()).toBe(
      nextActionFor(DEFAULT_DUNNING_POLICY.business, '2026-03-31', 0)?.toISOString(),
    );
    const [debtor] = await getDb().select().from(debtors).where(eq(debtors.organizationId, org.id));
    expect(debtor).toMatchObject({ kind: 'business', city: 'Utrecht', vatNumber: 'NL001234567B01', locale: 'nl' });
  });

  it('is idempotent: the same upsert twice answers the same body and changes nothing', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const first = await putInvoice(key, 'F-1', invoiceBody());
    const second = await putInvoice(key, 'F-1', invoiceBody());
    const third = await putInvoice(key, 'F-1', invoiceBody());
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const firstBody = await first.json();
    expect(await second.json()).toEqual(firstBody);
    expect(third.status).toBe(200);
    expect(await third.json()).toEqual(firstBody);

    const rows = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(rows).toHaveLength(1);
    expect(await auditCount(org, 'invoice.created')).toBe(1);
    expect(await auditCount(org, 'invoice.updated')).toBe(0);
    expect(await auditCount(org, 'debtor.created')).toBe(1);
    expect(await auditCount(org, 'debtor.updated')).toBe(0);
    expect(rows[0].updatedAt.getTime()).toBe(rows[0].createdAt.getTime());
  });

  it('stays idempotent when the same new invoice arrives several times at once', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const responses = await Promise.all(Array.from({ length: 5 }, () => putInvoice(key, 'RACE-1', invoiceBody())));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id))).toHaveLength(1);
    expect(await getDb().select().from(debtors).where(eq(debtors.organizationId, org.id))).toHaveLength(1);
    expect(await auditCount(org, 'invoice.created')).toBe(1);
    expect(await auditCount(org, 'debtor.created')).toBe(1);
  });

  it('updates what changed, with one audit event listing the change', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await putInvoice(key, 'F-2', invoiceBody());
    const response = await putInvoice(key, 'F-2', invoiceBody({ dueDate: '2026-04-15', description: 'Onderhoud' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ dueDate: '2026-04-15', description: 'Onderhoud' });
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'invoice.updated')));
    expect(event.actorType).toBe('api');
    expect(event.data).toMatchObject({
      changes: { dueDate: { from: '2026-03-31', to: '2026-04-15' }, description: { to: 'Onderhoud' } },
    });
    const [row] = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(row.nextActionAt?.toISOString()).toBe(
      nextActionFor(DEFAULT_DUNNING_POLICY.business, '2026-04-15', 0)?.toISOString(),
    );
  });

  it('links to an existing debtor by externalRef alone, and 404s with a path when there is none', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await createDebtor(org, { externalRef: 'KNOWN-1', kind: 'consumer' });
    const ok = await putInvoice(key, 'F-3', invoiceBody({ debtor: { externalRef: 'KNOWN-1' } }));
    expect(ok.status).toBe(201);

    const missing = await putInvoice(key, 'F-4', invoiceBody({ debtor: { externalRef: 'NOPE' } }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'debtor_not_found', issues: [{ path: 'debtor.externalRef' }] },
    });
  });

  it('answers 400 with the path of every invalid field', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const response = await putInvoice(key, 'F-5', {
      debtor: { externalRef: 'C-1', name: 'Zonder mail' },
      issueDate: '2026-02-30',
      dueDate: '31-03-2026',
      currency: 'USD',
      totalCents: 12.5,
      lines: [{ description: 'x', quantity: 1, unitPriceCents: 100, vatRatePercent: 21, amountCents: '100' }],
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    const body = await readJsonResponse<ErrorBody>(response);
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.issues!.map((issue) => issue.path).sort();
    expect(paths).toEqual(
      [
        'colour',
        'currency',
        'debtor.email',
        'debtor.kind',
        'dueDate',
        'issueDate',
        'lines.0.amountCents',
        'totalCents',
      ].sort(),
    );
    expect(await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id))).toHaveLength(0);
  });

  it('refuses a due date before the issue date at the dueDate path', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const response = await putInvoice(key, 'F-6', invoiceBody({ dueDate: '2026-02-01' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { issues: [{ path: 'dueDate' }] } });
  });

  it('answers 400 for malformed JSON and 415 for another content type', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const malformed = await invoiceRoute.action(
      args(
        apiRequest('/api/v1/invoices/F-7', {
          method: 'PUT',
          key,
          body: '{"debtor": {"externalRef": "A"},',
          headers: { 'Content-Type': 'application/json' },
        }),
        { number: 'F-7' },
      ),
    );
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });

    const form = await invoiceRoute.action(
      args(
        apiRequest('/api/v1/invoices/F-7', {
          method: 'PUT',
          key,
          body: 'a=b',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
        { number: 'F-7' },
      ),
    );
    expect(form.status).toBe(415);
  });

  it('answers 413 for a body over 1 MB, by Content-Length and by what is actually read', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const big = JSON.stringify(invoiceBody({ description: 'x'.repeat(1024 * 1024) }));
    const declared = await invoiceRoute.action(
      args(
        apiRequest('/api/v1/invoices/F-8', {
          method: 'PUT',
          key,
          body: '{}',
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) },
        }),
        { number: 'F-8' },
      ),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    // No Content-Length at all (a chunked upload): the limit holds on the bytes read.
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode(big.slice(0, 64 * 1024));
        for (let sent = 0; sent < big.length; sent += chunk.byteLength) controller.enqueue(chunk);
        controller.close();
      },
    });
    const streamed = await invoiceRoute.action(
      args(
        new Request('http://voldaan.test/api/v1/invoices/F-8', {
          method: 'PUT',
          body: chunked,
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          duplex: 'half',
        } as RequestInit),
        { number: 'F-8' },
      ),
    );
    expect(streamed.status).toBe(413);
  });

  it('recalculates the open amount when the total of a partly paid invoice changes, and refuses going below paid', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await putInvoice(key, 'F-9', invoiceBody({ totalCents: 10_000 }));
    expect((await settleInvoice(key, 'F-9', { outcome: 'paid', amountCents: 4_000 })).status).toBe(201);

    const raised = await putInvoice(key, 'F-9', invoiceBody({ totalCents: 12_000 }));
    expect(raised.status).toBe(200);
    expect(await raised.json()).toMatchObject({ totalCents: 12_000, openCents: 8_000, status: 'open' });

    const tooLow = await putInvoice(key, 'F-9', invoiceBody({ totalCents: 3_999 }));
    expect(tooLow.status).toBe(409);
    expect(await tooLow.json()).toMatchObject({
      error: { code: 'total_below_paid', issues: [{ path: 'totalCents' }] },
    });

    const exact = await putInvoice(key, 'F-9', invoiceBody({ totalCents: 4_000 }));
    expect(await exact.json()).toMatchObject({ openCents: 0, status: 'paid' });
    const [row] = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(row.nextActionAt).toBeNull();
    expect(row.settledAt).not.toBeNull();

    // Raised again: the ledger re-opens it and dunning picks it up.
    const reopened = await putInvoice(key, 'F-9', invoiceBody({ totalCents: 5_000 }));
    expect(await reopened.json()).toMatchObject({ openCents: 1_000, status: 'open', settledAt: null });
    const [again] = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(again.nextActionAt).not.toBeNull();
  });

  it('counts only the principal paid when a total changes: costs paid first do not lower the open amount', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await putInvoice(key, 'F-10', invoiceBody({ totalCents: 10_000 }));
    await getDb()
      .update(invoices)
      .set({ costsCents: 1_500 })
      .where(and(eq(invoices.organizationId, org.id), eq(invoices.number, 'F-10')));
    // 1,500 to the costs, 500 to the principal.
    expect((await settleInvoice(key, 'F-10', { outcome: 'paid', amountCents: 2_000 })).status).toBe(201);

    const lowered = await putInvoice(key, 'F-10', invoiceBody({ totalCents: 600 }));
    expect(lowered.status).toBe(200);
    expect(await lowered.json()).toMatchObject({ totalCents: 600, openCents: 100, status: 'open' });
    const exact = await putInvoice(key, 'F-10', invoiceBody({ totalCents: 500 }));
    expect(await exact.json()).toMatchObject({ openCents: 0, status: 'paid' });
    expect((await putInvoice(key, 'F-10', invoiceBody({ totalCents: 499 }))).status).toBe(409);
  });

  it('finds invoice numbers with a slash when the client encodes it', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    expect((await putInvoice(key, '2026/0042', invoiceBody())).status).toBe(201);
    const response = await getInvoice(key, '2026/0042');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ number: '2026/0042' });
  });
});

describe('scoping between organizations', () => {
  it("answers 404 for another organization's invoices and debtors, and never touches them", async () => {
    const orgA = await createOrganization();
    const orgB = await createOrganization();
    const { key: keyA } = await createApiKeyFor(orgA);
    const { key: keyB } = await createApiKeyFor(orgB);
    await putInvoice(keyA, 'A-1', invoiceBody());

    expect((await getInvoice(keyB, 'A-1')).status).toBe(404);
    expect((await settleInvoice(keyB, 'A-1', { outcome: 'paid' })).status).toBe(404);
    const pdf = await pdfRoute.action(
      args(
        apiRequest('/api/v1/invoices/A-1/pdf', {
          method: 'PUT',
          key: keyB,
          body: '%PDF-1.7\n%%EOF',
          headers: { 'Content-Type': 'application/pdf' },
        }),
        { number: 'A-1' },
      ),
    );
    expect(pdf.status).toBe(404);
    const debtor = await debtorRoute.loader(
      args(apiRequest('/api/v1/debtors/CUST-100', { key: keyB }), { externalRef: 'CUST-100' }),
    );
    expect(debtor.status).toBe(404);
    const byRef = await putInvoice(keyB, 'B-1', invoiceBody({ debtor: { externalRef: 'CUST-100' } }));
    expect(byRef.status).toBe(404);

    // The same number in B is B's own invoice, independent of A's.
    expect((await putInvoice(keyB, 'A-1', invoiceBody({ totalCents: 1_000 }))).status).toBe(201);
    const [a] = await getDb().select().from(invoices).where(eq(invoices.organizationId, orgA.id));
    expect(a.totalCents).toBe(60_500);
    expect(await readJsonResponse(await listPayments(keyB))).toMatchObject({ data: [] });
  });
});

describe('PUT /api/v1/debtors/{externalRef}', () => {
  it('upserts idempotently and replaces optional fields that are left out', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const put = (json: unknown) =>
      debtorRoute.action(
        args(apiRequest('/api/v1/debtors/D%2042', { method: 'PUT', key, json }), { externalRef: 'D 42' }),
      );
    const body = { kind: 'consumer', name: 'Jan Jansen', email: 'jan@example.nl', locale: 'en', city: 'Zwolle' };
    const first = await put(body);
    expect(first.status).toBe(201);
    const second = await put(body);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(await auditCount(org, 'debtor.created')).toBe(1);
    expect(await auditCount(org, 'debtor.updated')).toBe(0);

    const replaced = await put({ kind: 'consumer', name: 'Jan Jansen', email: 'jan@example.nl' });
    expect(await replaced.json()).toMatchObject({ externalRef: 'D 42', locale: 'nl', city: null });
    expect(await auditCount(org, 'debtor.updated')).toBe(1);

    // Replacing a bounced address lifts the block on mail to this debtor.
    await getDb()
      .update(debtors)
      .set({ emailBlockedAt: new Date('2026-03-01T00:00:00Z') })
      .where(eq(debtors.organizationId, org.id));
    await put({ kind: 'consumer', name: 'Jan Jansen', email: 'jan.jansen@example.nl' });
    const [unblocked] = await getDb().select().from(debtors).where(eq(debtors.organizationId, org.id));
    expect(unblocked).toMatchObject({ email: 'jan.jansen@example.nl', emailBlockedAt: null });

    const invalid = await put({ kind: 'alien', name: '', email: 'nope' });
    expect(invalid.status).toBe(400);
    const paths = (await readJsonResponse<ErrorBody>(invalid)).error.issues!.map((i) => i.path).sort();
    expect(paths).toEqual(['email', 'kind', 'name']);
  });
});

describe('PUT /api/v1/invoices/{number}/pdf', () => {
  const putPdf = (key: string, number: string, body: BodyInit, headers: Record<string, string> = {}) =>
    pdfRoute.action(
      args(
        apiRequest(`/api/v1/invoices/${number}/pdf`, {
          method: 'PUT',
          key,
          body,
          headers: { 'Content-Type': 'application/pdf', ...headers },
        }),
        { number },
      ),
    );

  it('stores a PDF once, refuses what is not a PDF, and refuses more than 10 MB', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await putInvoice(key, 'P-1', invoiceBody());

    const notPdf = await putPdf(key, 'P-1', 'GIF89a not a pdf');
    expect(notPdf.status).toBe(400);
    expect(await notPdf.json()).toMatchObject({ error: { code: 'invalid_pdf' } });

    const pdfBytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const stored = await putPdf(key, 'P-1', pdfBytes);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ pdf: { sizeBytes: pdfBytes.byteLength } });
    expect((await putPdf(key, 'P-1', pdfBytes)).status).toBe(200);
    expect(await getDb().select({ id: files.id }).from(files).where(eq(files.organizationId, org.id))).toHaveLength(1);
    expect(await auditCount(org, 'invoice.pdf_attached')).toBe(1);

    const huge = new Uint8Array(10 * 1024 * 1024 + 1);
    huge.set(new TextEncoder().encode('%PDF-1.4'));
    expect((await putPdf(key, 'P-1', huge)).status).toBe(413);
    expect((await putPdf(key, 'P-1', pdfBytes, { 'Content-Type': 'image/png' })).status).toBe(415);
    expect((await putPdf(key, 'NOPE', pdfBytes)).status).toBe(404);
  });
});

describe('POST /api/v1/invoices/{number}/settle', () => {
  async function pausedInvoice(key: string, number: string, org: Pick<Organization, 'id'>, totalCents = 10_000) {
    await putInvoice(key, number, invoiceBody({ totalCents }));
    const [row] = await getDb()
      .select()
      .from(invoices)
      .where(and(eq(invoices.organizationId, org.id), eq(invoices.number, number)));
    await getDb()
      .insert(dunningPauses)
      .values([
        { organizationId: org.id, invoiceId: row.id, reason: 'promise_to_pay' },
        { organizationId: org.id, invoiceId: row.id, reason: 'manual', liftedAt: new Date('2026-01-01T00:00:00Z') },
      ]);
    return row;
  }

  /** An invoice that has gathered collection costs and interest (the dunning pass's work). */
  async function invoiceOwing(
    key: string,
    number: string,
    org: Pick<Organization, 'id'>,
    { totalCents = 10_000, costsCents = 1_500, interestCents = 200 } = {},
  ) {
    const row = await pausedInvoice(key, number, org, totalCents);
    await getDb().update(invoices).set({ costsCents, interestCents }).where(eq(invoices.id, row.id));
    return { ...row, costsCents, interestCents, owedCents: totalCents + costsCents + interestCents };
  }
  const activePausesOf = (invoiceId: string) =>
    getDb()
      .select()
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, invoiceId), sql`${dunningPauses.liftedAt} is null`));
  const invoiceRow = async (id: string) => (await getDb().select().from(invoices).where(eq(invoices.id, id)))[0];
  const receivedJobs = async (paymentId: string) =>
    (
      await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from graphile_worker.jobs where key = ${`payment_received:${paymentId}`}`,
      )
    )[0].n;

  it('accepts the exact amount the transfer QR asks for (open + costs + interest) and settles the invoice', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const invoice = await invoiceOwing(key, 'S-10', org);
    expect(invoice.owedCents).toBe(11_700);

    const response = await settleInvoice(key, 'S-10', { outcome: 'paid', amountCents: 11_700, reference: 'BANK-10' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { payment: { id: string } };
    expect(body).toMatchObject({
      invoice: { status: 'paid', openCents: 0 },
      payment: {
        provider: 'external',
        status: 'paid',
        amountCents: 11_700,
        reference: 'BANK-10',
        allocations: [{ invoiceNumber: 'S-10', amountCents: 11_700 }],
      },
    });
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'paid',
      openCents: 0,
      costsCents: 0,
      interestCents: 0,
      nextActionAt: null,
    });
    const [allocation] = await getDb()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, invoice.id));
    expect(allocation).toMatchObject({ amountCents: 11_700, costsCents: 1_500, interestCents: 200 });
    // Settled by the ledger: every pause ends, and the debtor's "payment received" email is queued.
    expect(await activePausesOf(invoice.id)).toHaveLength(0);
    expect(await receivedJobs(body.payment.id)).toBe(1);
    expect(await auditCount(org, 'invoice.paid')).toBe(1);
    expect(await auditCount(org, 'payment.recorded_external')).toBe(1);
  });

  it('puts a part payment on the costs first, then the interest, then the principal (art. 6:44 BW)', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const invoice = await invoiceOwing(key, 'S-11', org);

    const part = await settleInvoice(key, 'S-11', { outcome: 'paid', amountCents: 1_600, reference: 'BANK-11' });
    expect(part.status).toBe(201);
    expect(await part.json()).toMatchObject({ invoice: { status: 'open', openCents: 10_000 } });
    expect(await invoiceRow(invoice.id)).toMatchObject({ costsCents: 0, interestCents: 100, openCents: 10_000 });

    const more = await settleInvoice(key, 'S-11', { outcome: 'paid', amountCents: 2_100 });
    expect(more.status).toBe(201);
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'open',
      costsCents: 0,
      interestCents: 0,
      openCents: 8_000,
    });
    const allocations = await getDb()
      .select()
      .from(paymentAllocations)
      .where(eq(paymentAllocations.invoiceId, invoice.id))
      .orderBy(paymentAllocations.createdAt);
    expect(allocations.map((a) => [a.amountCents, a.costsCents, a.interestCents]).sort()).toEqual(
      [
        [1_600, 1_500, 100],
        [2_100, 0, 100],
      ].sort(),
    );
    // Dunning goes on for the rest: the unrelated promise pause stays, the invoice stays open.
    expect(await activePausesOf(invoice.id)).toHaveLength(1);
    expect(await auditCount(org, 'invoice.partially_paid')).toBe(2);

    // "paid" without an amount is everything still owed.
    const rest = await settleInvoice(key, 'S-11', { outcome: 'paid' });
    expect(rest.status).toBe(201);
    expect(await rest.json()).toMatchObject({
      invoice: { status: 'paid', openCents: 0 },
      payment: { amountCents: 8_000 },
    });
    expect(await activePausesOf(invoice.id)).toHaveLength(0);

    const again = await settleInvoice(key, 'S-11', { outcome: 'paid' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'not_open' } });
  });

  it('refuses more than is owed with 409 amount_exceeds_owed naming the owed amount, and writes nothing', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const invoice = await invoiceOwing(key, 'S-12', org);
    const auditsBefore = await auditCount(org);

    const tooMuch = await settleInvoice(key, 'S-12', { outcome: 'paid', amountCents: 11_701, reference: 'BANK-12' });
    expect(tooMuch.status).toBe(409);
    const body = await readJsonResponse<ErrorBody>(tooMuch);
    expect(body.error.code).toBe('amount_exceeds_owed');
    expect(body.error.message).toContain('11700 cents owed');
    expect(body.error.message).toContain('1500 collection costs');
    expect(body.error.issues).toEqual([{ path: 'amountCents', message: body.error.message }]);

    const credit = await settleInvoice(key, 'S-12', { outcome: 'credited', amountCents: 20_000 });
    expect(credit.status).toBe(409);
    expect(await credit.json()).toMatchObject({ error: { code: 'amount_exceeds_owed' } });

    expect(await getDb().select().from(payments).where(eq(payments.organizationId, org.id))).toHaveLength(0);
    expect(
      await getDb().select().from(paymentAllocations).where(eq(paymentAllocations.organizationId, org.id)),
    ).toHaveLength(0);
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'open',
      openCents: 10_000,
      costsCents: 1_500,
      interestCents: 200,
    });
    const [debtor] = await getDb().select().from(debtors).where(eq(debtors.id, invoice.debtorId));
    expect(debtor.creditCents).toBe(0);
    expect(await auditCount(org)).toBe(auditsBefore);
  });

  it('answers a repeated reference with the same payment, and refuses the reference for another settlement', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await invoiceOwing(key, 'S-13', org);

    const first = await settleInvoice(key, 'S-13', { outcome: 'paid', amountCents: 2_500, reference: 'BANK-13' });
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as { payment: { id: string } };

    const repeat = await settleInvoice(key, 'S-13', { outcome: 'paid', amountCents: 2_500, reference: 'BANK-13' });
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toMatchObject({ payment: { id: firstBody.payment.id, reference: 'BANK-13' } });
    const sameWithoutAmount = await settleInvoice(key, 'S-13', { outcome: 'paid', reference: 'BANK-13' });
    expect(sameWithoutAmount.status).toBe(200);

    expect((await settleInvoice(key, 'S-13', { outcome: 'paid', amountCents: 100, reference: 'BANK-13' })).status).toBe(
      409,
    );
    const otherOutcome = await settleInvoice(key, 'S-13', { outcome: 'credited', reference: 'BANK-13' });
    expect(otherOutcome.status).toBe(409);
    expect(await otherOutcome.json()).toMatchObject({ error: { code: 'reference_reused' } });

    expect(await getDb().select().from(payments).where(eq(payments.organizationId, org.id))).toHaveLength(1);
    expect(await auditCount(org, 'payment.recorded_external')).toBe(1);
  });

  it('credits an invoice with a credit note (costs first as well) and marks it credited, without a payment email', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const invoice = await invoiceOwing(key, 'S-2', org, { totalCents: 8_000, costsCents: 500, interestCents: 0 });
    const response = await settleInvoice(key, 'S-2', { outcome: 'credited', reference: 'CN-2026-7' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { payment: { id: string } };
    expect(body).toMatchObject({
      invoice: { status: 'credited', openCents: 0 },
      payment: { provider: 'credit_note', amountCents: 8_500, reference: 'CN-2026-7' },
    });
    const [pause] = await getDb()
      .select()
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, invoice.id), eq(dunningPauses.reason, 'promise_to_pay')));
    expect(pause.liftedReason).toBe('invoice_credited');
    expect(await auditCount(org, 'invoice.credited')).toBe(1);
    expect(await receivedJobs(body.payment.id)).toBe(0);
  });

  it('validates the body with paths', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    await putInvoice(key, 'S-3', invoiceBody());
    const response = await settleInvoice(key, 'S-3', { outcome: 'refunded', amountCents: -5 });
    expect(response.status).toBe(400);
    const paths = (await readJsonResponse<ErrorBody>(response)).error.issues!.map((i) => i.path).sort();
    expect(paths).toEqual(['amountCents', 'outcome']);
  });
});

describe('GET /api/v1/payments', () => {
  it('pages through payments in (created_at, id) order with an opaque cursor', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const debtor = await createDebtor(org, { externalRef: 'PAY-D' });
    const invoice = await createInvoice(org, debtor, { number: 'PAY-1', totalCents: 100_000, openCents: 100_000 });
    const otherDebtor = await createDebtor(other);
    const otherInvoice = await createInvoice(other, otherDebtor);

    // Three payments share one instant, so the page boundary must fall between equal created_at values.
    const shared = new Date('2026-05-01T10:00:00.123456Z');
    const instants = [new Date('2026-05-01T09:00:00Z'), shared, shared, shared, new Date('2026-05-02T08:00:00Z')];
    const created: string[] = [];
    for (const [i, at] of instants.entries()) {
      const [payment] = await getDb()
        .insert(payments)
        .values({
          organizationId: org.id,
          debtorId: debtor.id,
          provider: 'mollie',
          providerPaymentId: `tr_test_${org.id.slice(0, 8)}_${i}`,
          amountCents: 1_000 + i,
          status: 'paid',
          createdAt: at,
        })
        .returning();
      await getDb()
        .insert(paymentAllocations)
        .values({ organizationId: org.id, paymentId: payment.id, invoiceId: invoice.id, amountCents: 1_000 + i });
      created.push(payment.id);
    }
    // Microseconds matter: set them in SQL because a JS Date only holds milliseconds.
    await getDb().execute(
      sql`update payments set created_at = '2026-05-01T10:00:00.123456Z'::timestamptz where organization_id = ${org.id} and created_at::date = '2026-05-01'::date and created_at > '2026-05-01T09:30:00Z'::timestamptz`,
    );
    await getDb()
      .insert(payments)
      .values({ organizationId: other.id, debtorId: otherDebtor.id, provider: 'demo', amountCents: 5, status: 'paid' });
    void otherInvoice;

    const expectedOrder = [created[0], ...[created[1], created[2], created[3]].sort(), created[4]];
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const response = await listPayments(key, `?limit=2${cursor ? `&since=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const body = await readJsonResponse<{
        data: { id: string; allocations: { invoiceNumber: string }[]; debtor: { externalRef: string } }[];
        next_cursor: string | null;
        has_more: boolean;
      }>(response);
      seen.push(...body.data.map((p) => p.id));
      for (const payment of body.data) {
        expect(payment.allocations).toEqual([{ invoiceNumber: 'PAY-1', amountCents: expect.any(Number) }]);
        expect(payment.debtor.externalRef).toBe('PAY-D');
      }
      cursor = body.next_cursor;
      if (!body.has_more) break;
    }
    expect(seen).toEqual(expectedOrder);

    // Polling at the end: nothing new, and the cursor stays put.
    const idle = await readJsonResponse<{ data: unknown[]; next_cursor: string }>(
      await listPayments(key, `?since=${cursor}`),
    );
    expect(idle.data).toEqual([]);
    expect(idle.next_cursor).toBe(cursor);

    const bad = await listPayments(key, '?since=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { issues: [{ path: 'since' }] } });
    expect((await listPayments(key, '?limit=500')).status).toBe(400);
  });
});

describe('methods and unknown paths', () => {
  it('answers 405 with Allow for a wrong method and a JSON 404 for an unknown path', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const wrong = await settleRoute.loader();
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toBe('POST');
    const post = await invoiceRoute.action(
      args(apiRequest('/api/v1/invoices/X', { method: 'POST', key, json: {} }), { number: 'X' }),
    );
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toBe('GET, PUT');
    expect((await paymentsRoute.action()).status).toBe(405);
    const unknown = await catchAllRoute.loader();
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('documents every path with bearer security, generated from the validating schemas', async () => {
    const response = await openapiRoute.loader();
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      security: unknown;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, Json> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/bank-statements',
      '/bank-statements/{id}',
      '/debtors/{externalRef}',
      '/invoices/{number}',
      '/invoices/{number}/pdf',
      '/invoices/{number}/settle',
      '/payments',
    ]);
    expect(Object.keys(doc.paths['/invoices/{number}'])).toEqual(['get', 'put']);
    expect(doc.paths['/invoices/{number}'].put.responses).toHaveProperty('400');
    expect(doc.paths['/invoices/{number}'].put.responses).toHaveProperty('401');
    expect(doc.paths['/invoices/{number}/settle'].post.responses).toHaveProperty('409');
    expect(doc.paths['/payments'].get.parameters!.map((p) => p.name)).toEqual(['since', 'limit']);

    // The document's schemas are the validators' schemas: same required fields, same enums, same bounds.
    const invoiceSchema = doc.components.schemas.InvoiceInput as {
      required: string[];
      properties: Record<string, Json>;
      additionalProperties: boolean;
    };
    const requiredInZod = Object.entries(InvoiceInput.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name)
      .sort();
    expect([...invoiceSchema.required].sort()).toEqual(requiredInZod);
    expect(Object.keys(invoiceSchema.properties).sort()).toEqual(Object.keys(InvoiceInput.shape).sort());
    expect(invoiceSchema.additionalProperties).toBe(false);
    expect(invoiceSchema.properties.debtor).toEqual({ $ref: '#/components/schemas/InvoiceDebtor' });
    expect(invoiceSchema.properties.totalCents).toMatchObject({ type: 'integer', exclusiveMinimum: 0 });
    expect(invoiceSchema.properties.issueDate).toMatchObject({ type: 'string', format: 'date' });
    const settleSchema = doc.components.schemas.SettleInput as { properties: { outcome: { enum: string[] } } };
    expect(settleSchema.properties.outcome.enum).toEqual(SettleInput.shape.outcome.options);
    for (const name of ['InvoiceDebtor', 'DebtorInput', 'Invoice', 'Payment', 'PaymentsPage', 'Error']) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
    // Every $ref points at a schema that exists.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas).toHaveProperty(ref.split('/').at(-1)!);
  });
});
