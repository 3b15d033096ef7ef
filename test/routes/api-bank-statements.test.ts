/**
 * POST /api/v1/bank-statements and GET /api/v1/bank-statements/{id}: the routes as Remix calls
 * them, plus the HTTP server's body limit in front of the POST route (a 50 MB body is refused
 * before the route reads it).
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoices, payments } from '~db/schema';
import { addBankAccount } from '~/modules/bank/index.server';
import { BANK_STATEMENT_MAX_BYTES } from '~/modules/bank/limits';
import { makeBetalingskenmerk } from '~/modules/payments/payment-reference';
import * as statementRoute from '~/routes/api.v1.bank-statements.$id';
import * as postRoute from '~/routes/api.v1.bank-statements';
import * as openapiRoute from '~/routes/api.v1.openapi[.]json';
import { bodyLimit, bodyLimitFor } from '~/server/body-limit';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice } from '~test/factories';
import { bankCreditor, bankFootprint, camtFile, DEBTOR_IBANS } from '~test/factories-bank';
import { apiRequest, createApiKeyFor, readJsonResponse } from '~test/factories-intake';
import { routeArgs } from '~test/http';

type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] } };
type Outcome = {
  statementId: string;
  format: string;
  entries: number;
  credits: number;
  matched: number;
  queued: number;
  ignored: number;
  duplicates: number;
};

const FIXTURES = path.resolve(__dirname, '../fixtures/bank');

function post(
  key: string,
  body: Uint8Array | string,
  contentType = 'application/xml',
  headers: Record<string, string> = {},
) {
  const request = apiRequest('/api/v1/bank-statements', {
    method: 'POST',
    key,
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'Content-Type': contentType, ...headers },
  });
  return postRoute.action(routeArgs(request));
}

function get(key: string, id: string, query = '') {
  return statementRoute.loader(routeArgs(apiRequest(`/api/v1/bank-statements/${id}${query}`, { key }), { id }));
}

async function world() {
  const creditor = await bankCreditor();
  const { key, apiKey } = await createApiKeyFor(creditor.org);
  const debtor = await createDebtor(creditor.org, { externalRef: 'CUST-7', name: 'Korenschoof' });
  return { ...creditor, key, apiKey, debtor };
}

describe('POST /api/v1/bank-statements', () => {
  it('imports a camt file: 201 with the outcome and a Location; the same file again is 200 and books nothing', async () => {
    const { org, key, apiKey, debtor } = await world();
    const reference = makeBetalingskenmerk(424_242);
    const invoice = await createInvoice(org, debtor, {
      number: '2026-0101',
      totalCents: 12_100,
      paymentReference: reference,
    });
    const file = camtFile([
      {
        lines: [
          { amountCents: 12_100, refs: [reference], iban: DEBTOR_IBANS[0], name: 'Korenschoof' },
          { amountCents: 4_999, text: 'bijdrage', iban: DEBTOR_IBANS[1] },
          { amountCents: 1_000, direction: 'debit', text: 'huur' },
        ],
      },
    ]);
    const response = await post(key, file, 'application/xml', {
      'Content-Disposition': 'attachment; filename="maart.xml"',
    });
    expect(response.status).toBe(201);
    const body = await readJsonResponse<Outcome>(response);
    expect(body).toEqual({
      statementId: expect.any(String),
      format: 'camt.053.001.02',
      entries: 3,
      credits: 2,
      matched: 1,
      queued: 1,
      ignored: 0,
      duplicates: 0,
    });
    expect(response.headers.get('Location')).toBe(`/api/v1/bank-statements/${body.statementId}`);
    expect(response.headers.get('RateLimit-Remaining')).not.toBeNull();
    const [row] = await getDb().select().from(invoices).where(eq(invoices.id, invoice.id));
    expect(row.status).toBe('paid');

    const before = await bankFootprint(org.id);
    const again = await post(key, file, 'text/xml');
    expect(again.status).toBe(200);
    expect(await readJsonResponse<Outcome>(again)).toMatchObject({ entries: 3, duplicates: 3, credits: 0, matched: 0 });
    const after = await bankFootprint(org.id);
    expect(after.payments).toBe(before.payments);
    expect(after.entries).toBe(before.entries);

    // The outcome per line.
    const detail = await get(key, body.statementId);
    expect(detail.status).toBe(200);
    const statement = await readJsonResponse<Record<string, unknown> & { lines: Record<string, unknown>[] }>(detail);
    expect(statement).toMatchObject({
      statementId: body.statementId,
      filename: 'maart.xml',
      accounts: ['NL91 ABNA 0417 1643 00'],
      entries: 3,
      matched: 1,
      queued: 1,
      totalLines: 3,
      nextOffset: null,
    });
    const matched = statement.lines.find((l) => l.status === 'matched');
    expect(matched).toMatchObject({
      amountCents: 12_100,
      matchRule: 'reference',
      debtor: { externalRef: 'CUST-7', name: 'Korenschoof' },
      invoices: [{ number: '2026-0101', allocatedCents: 12_100 }],
      creditedCents: 0,
    });
    const [payment] = await getDb().select().from(payments).where(eq(payments.organizationId, org.id));
    expect(matched?.paymentId).toBe(payment.id);
    expect(statement.lines.find((l) => l.status === 'queued')).toMatchObject({ noteCode: 'no_match', invoices: [] });
    expect(statement.lines.find((l) => l.direction === 'debit')).toMatchObject({ status: 'debit' });
    expect(apiKey.id).toBeTruthy();
  });

  it('reads MT940 sent as text/plain', async () => {
    const { org, key, finance } = await world();
    await addBankAccount(org.id, { iban: 'NL59RABO0110000000', label: null }, { type: 'staff', id: finance.id });
    const bytes = await fs.readFile(path.join(FIXTURES, 'mt940-rabo.txt'));
    const response = await post(key, new Uint8Array(bytes), 'text/plain; charset=utf-8');
    expect(response.status).toBe(201);
    expect(await readJsonResponse<Outcome>(response)).toMatchObject({ format: 'mt940' });
  });

  it('refuses with the API’s JSON errors and writes nothing', async () => {
    const { org, key } = await world();
    const before = await bankFootprint(org.id);
    const cases: [Promise<Response>, number, string][] = [
      [post(key, camtFile([{ lines: [{ amountCents: 1 }] }]), 'application/json'), 415, 'unsupported_media_type'],
      [
        post(key, camtFile([{ lines: [{ amountCents: 1 }] }]), 'application/octet-stream'),
        415,
        'unsupported_media_type',
      ],
      [post('', camtFile([{ lines: [{ amountCents: 1 }] }])), 401, 'unauthorized'],
      [post(key, new Uint8Array(0)), 400, 'empty_file'],
      [post(key, camtFile([{ account: 'NL20INGB0001234567', lines: [{ amountCents: 1 }] }])), 422, 'unknown_account'],
      [post(key, new Uint8Array(await fs.readFile(path.join(FIXTURES, 'malformed.xml')))), 400, 'malformed'],
      [
        post(key, new Uint8Array(await fs.readFile(path.join(FIXTURES, 'billion-laughs.xml')))),
        400,
        'doctype_forbidden',
      ],
      [
        post(key, new Uint8Array(await fs.readFile(path.join(FIXTURES, 'external-entity.xml')))),
        400,
        'doctype_forbidden',
      ],
      [post(key, 'naam;bedrag\nx;1\n', 'text/plain'), 415, 'unsupported_format'],
      [post(key, new Uint8Array(await fs.readFile(path.join(FIXTURES, 'bad-amount.xml')))), 422, 'invalid_value'],
    ];
    for (const [run, status, code] of cases) {
      const response = await run;
      expect(response.status, code).toBe(status);
      const body = await readJsonResponse<ErrorBody>(response);
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
      if (code === 'unknown_account') {
        expect(body.error.message).toContain('NL20 INGB 0001 2345 67');
        expect(body.error.issues).toEqual([{ path: '(body)', message: 'NL20 INGB 0001 2345 67' }]);
      }
    }
    expect(await bankFootprint(org.id)).toEqual({ ...before, audits: expect.any(Number) });
    expect((await postRoute.loader()).status).toBe(405);
    expect((await statementRoute.action()).status).toBe(405);
  });

  it('answers 413 for a body over 25 MiB, declared or streamed, before reading it all', async () => {
    const { org, key } = await world();
    const declared = await postRoute.action(
      routeArgs(
        apiRequest('/api/v1/bank-statements', {
          method: 'POST',
          key,
          body: 'x',
          headers: { 'Content-Type': 'application/xml', 'Content-Length': String(50 * 1000 * 1000) },
        }),
      ),
    );
    expect(declared.status).toBe(413);
    expect(await readJsonResponse<ErrorBody>(declared)).toMatchObject({ error: { code: 'payload_too_large' } });

    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 50 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await postRoute.action(
      routeArgs(
        new Request('http://voldaan.test/api/v1/bank-statements', {
          method: 'POST',
          body: stream,
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/xml' },
          duplex: 'half',
        } as RequestInit),
      ),
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(BANK_STATEMENT_MAX_BYTES + 3 * 1024 * 1024);
    expect((await bankFootprint(org.id)).statements).toBe(0);
  });
});

describe('GET /api/v1/bank-statements/{id}', () => {
  it('answers 404 for another creditor’s statement and for what is no id; 400 for a bad page', async () => {
    const { key, org } = await world();
    const mine = await readJsonResponse<Outcome>(
      await post(key, camtFile([{ lines: [{ amountCents: 100 }, { amountCents: 200 }] }])),
    );
    const other = await bankCreditor();
    const { key: otherKey } = await createApiKeyFor(other.org);
    const foreign = await get(otherKey, mine.statementId);
    expect(foreign.status).toBe(404);
    expect(await readJsonResponse<ErrorBody>(foreign)).toMatchObject({ error: { code: 'not_found' } });
    expect((await get(key, 'not-a-uuid')).status).toBe(404);
    const bad = await get(key, mine.statementId, '?limit=0');
    expect(bad.status).toBe(400);
    expect(await readJsonResponse<ErrorBody>(bad)).toMatchObject({
      error: { code: 'validation_failed', issues: [{ path: 'limit' }] },
    });
    const page = await readJsonResponse<{ lines: unknown[]; nextOffset: number | null; totalLines: number }>(
      await get(key, mine.statementId, '?limit=1'),
    );
    expect(page).toMatchObject({ totalLines: 2, nextOffset: 1 });
    expect(page.lines).toHaveLength(1);
    expect(org.id).toBeTruthy();
  });
});

describe('the OpenAPI document', () => {
  it('documents both operations with their schemas and examples', async () => {
    const doc = (await (await openapiRoute.loader()).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, unknown> };
            responses: Record<string, { description: string; content?: Record<string, { example?: unknown }> }>;
          }
        >
      >;
      components: { schemas: Record<string, { examples?: unknown[]; required?: string[] }> };
    };
    const postOp = doc.paths['/bank-statements'].post;
    expect(Object.keys(postOp.requestBody!.content)).toEqual(['application/xml', 'text/xml', 'text/plain']);
    expect(Object.keys(postOp.responses).sort()).toEqual(['200', '201', '400', '401', '413', '415', '422', '429']);
    expect(postOp.responses['413'].description).toContain(String(BANK_STATEMENT_MAX_BYTES));
    expect(postOp.responses['201'].content?.['application/json'].example).toMatchObject({ matched: 91 });
    expect(Object.keys(doc.paths['/bank-statements/{id}'].get.responses)).toEqual(
      expect.arrayContaining(['200', '404']),
    );
    expect(doc.components.schemas.BankStatementOutcome.required).toEqual([
      'statementId',
      'format',
      'entries',
      'credits',
      'matched',
      'queued',
      'ignored',
      'duplicates',
    ]);
    expect(doc.components.schemas.BankStatement.examples).toHaveLength(1);
  });
});

describe('the HTTP server’s body limit in front of the route', () => {
  let server: http.Server;
  let port: number;
  let reached = 0;

  beforeAll(async () => {
    const app = express();
    app.use(bodyLimit());
    // The route as the Remix adapter calls it: the request body streamed through.
    app.post('/api/v1/bank-statements', async (req, res) => {
      reached++;
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`http://voldaan.test${req.url}`, {
        method: 'POST',
        headers,
        body: createReadableStreamFromReadable(req),
        duplex: 'half',
      } as RequestInit);
      const response = await postRoute.action(routeArgs(request));
      if (res.headersSent) return;
      res
        .status(response.status)
        .type('application/json')
        .end(await response.text());
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /**
   * Sends `body` (declared with Content-Length, or chunked), a piece at a time as the socket takes
   * it, and stops sending once the answer is in: a refused body need not go out whole.
   */
  function send(headers: Record<string, string>, body: Buffer, chunked: boolean) {
    return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let answered = false;
      let sent = 0;
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/bank-statements',
        headers: {
          ...headers,
          ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(body.length) }),
        },
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!answered) reject(error);
      });
      req.on('response', (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', () => {});
        res.on('end', () => {
          if (!req.writableFinished) req.destroy();
          resolve({ status: res.statusCode ?? 0, body: text, sent });
        });
      });
      const STEP = 256 * 1024;
      const pump = () => {
        while (!answered && sent < body.length) {
          const piece = body.subarray(sent, sent + STEP);
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  }

  it('has the statement rule: 25 MiB, JSON', () => {
    expect(bodyLimitFor('/api/v1/bank-statements')).toMatchObject({
      limitBytes: BANK_STATEMENT_MAX_BYTES,
      answer: 'json',
    });
    expect(bodyLimitFor('/api/v1/invoices/X')).toMatchObject({ limitBytes: 1024 * 1024 });
    expect(bodyLimitFor('/app/bank').limitBytes).toBeGreaterThan(BANK_STATEMENT_MAX_BYTES);
    expect(bodyLimitFor('/app/bank/queue').limitBytes).toBe(64 * 1024);
  });

  it('a 50 MB file declared: 413 in JSON, the route never runs', async () => {
    const creditor = await bankCreditor();
    const { key } = await createApiKeyFor(creditor.org);
    const big = Buffer.alloc(50 * 1000 * 1000, 0x20);
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/xml' };

    const declared = await send(headers, big, false);
    expect(declared.status).toBe(413);
    // Answered on the declared length: far less than the file went out.
    expect(declared.sent).toBeLessThan(BANK_STATEMENT_MAX_BYTES);
    expect(JSON.parse(declared.body)).toMatchObject({
      error: { code: 'payload_too_large', message: expect.stringContaining(String(BANK_STATEMENT_MAX_BYTES)) },
    });
    expect(reached).toBe(0);
  });

  it('a 50 MB file streamed: 413 in JSON, nothing written', async () => {
    const creditor = await bankCreditor();
    const { key } = await createApiKeyFor(creditor.org);
    const big = Buffer.alloc(50 * 1000 * 1000, 0x20);
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/xml' };
    const streamed = await send(headers, big, true);
    expect(streamed.status).toBe(413);
    expect(streamed.sent).toBeLessThan(big.length);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await bankFootprint(creditor.org.id)).statements).toBe(0);

    // A file of the right size goes through.
    const ok = await send(headers, Buffer.from(camtFile([{ lines: [{ amountCents: 100 }] }])), false);
    expect(ok.status).toBe(201);
  });
});
