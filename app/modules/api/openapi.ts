import { z } from 'zod';
import { apiSchemas, ExternalRef, InvoiceNumber, PaymentsQuery } from './schemas';
import { JSON_BODY_LIMIT_BYTES, PDF_BODY_LIMIT_BYTES } from '~/modules/invoices/index';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** A zod schema as an OpenAPI 3.1 Schema Object (JSON Schema 2020-12 without the `$schema` header). */
function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/** `components.schemas`, generated from the registry of the schemas that validate requests. */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/** Sent with every answer to a request with a valid key: that key's quota in the current minute. */
const rateLimitHeaders = {
  'RateLimit-Limit': {
    description: 'Requests this key may make per minute.',
    schema: { type: 'integer', minimum: 1 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left for this key in the current minute.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the current minute window ends and the count starts again.',
    schema: { type: 'integer', minimum: 1 },
  },
};

const errors = {
  400: errorResponse('Malformed JSON or invalid fields; `issues` lists each field by its path.'),
  401: errorResponse('Missing, unknown or revoked API key.'),
  404: errorResponse('No such resource in your organization.'),
  405: errorResponse('Method not allowed on this path.'),
  409: errorResponse('The request conflicts with the current state.'),
  413: errorResponse('The body is too large.'),
  415: errorResponse('Wrong Content-Type.'),
  429: {
    ...errorResponse(
      'Too many requests (code `rate_limited`): this key used its requests for this minute, or your address sent too many requests without a valid key. Nothing was done; retry after `Retry-After` seconds.',
    ),
    headers: {
      'Retry-After': {
        description: 'Whole seconds until the window resets (at least 1).',
        schema: { type: 'integer', minimum: 1 },
      },
      ...rateLimitHeaders,
    },
  },
};

/** Every answer to an authenticated operation carries the quota headers, and any of them may be a 429. */
function limited(operation: Operation & { responses: Record<string, Record<string, unknown>> }): Operation {
  const responses = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => [
      status,
      status === '401' || status === '429' ? response : { ...response, headers: rateLimitHeaders },
    ]),
  );
  return { ...operation, responses: { ...responses, 429: errors[429] } };
}

const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});

const pathParam = (name: string, schema: z.ZodType) => ({
  name,
  in: 'path',
  required: true,
  schema: schemaOf(schema),
  description: schema.description,
});

/* Bank statements (issue 13): the file is the body; the answers are written out here, not generated from zod. */
const BANK_STATEMENT_MAX_BYTES = 25 * 1024 * 1024;

const bankOutcomeExample = {
  statementId: '3f6c1b1e-8a51-4a0e-9d55-0c2f1f3c9a10',
  format: 'camt.053.001.02',
  entries: 120,
  credits: 96,
  matched: 91,
  queued: 4,
  ignored: 1,
  duplicates: 0,
};

export const bankSchemas: Record<string, JsonSchema> = {
  BankStatementOutcome: {
    type: 'object',
    description:
      'What importing one file did. `entries` counts every line of the file; `duplicates` the lines already recorded from an earlier file or an overlapping statement (nothing is booked for them); of the new lines, `credits` is the money-in lines, each of which was `matched` (booked to invoices through the ledger), `queued` (waits in the match queue for finance) or `ignored` (money the bank took back).',
    required: ['statementId', 'format', 'entries', 'credits', 'matched', 'queued', 'ignored', 'duplicates'],
    properties: {
      statementId: { type: 'string', format: 'uuid' },
      format: { type: 'string', description: 'e.g. `camt.053.001.02`, `camt.053.001.08`, `camt.054.001.08`, `mt940`.' },
      entries: { type: 'integer', minimum: 0 },
      credits: { type: 'integer', minimum: 0 },
      matched: { type: 'integer', minimum: 0 },
      queued: { type: 'integer', minimum: 0 },
      ignored: { type: 'integer', minimum: 0 },
      duplicates: { type: 'integer', minimum: 0 },
    },
    additionalProperties: false,
    examples: [bankOutcomeExample],
  },
  BankStatementLine: {
    type: 'object',
    required: ['id', 'bookingDate', 'amountCents', 'direction', 'reversal', 'status', 'invoices', 'creditedCents'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      bookingDate: { type: 'string', format: 'date' },
      valueDate: { type: ['string', 'null'], format: 'date' },
      amountCents: { type: 'integer', exclusiveMinimum: 0 },
      currency: { type: 'string', const: 'EUR' },
      direction: { type: 'string', enum: ['credit', 'debit'] },
      reversal: { type: 'boolean', description: 'The bank marked the line as a reversal (RvslInd, MT940 RC/RD).' },
      counterpartyName: { type: ['string', 'null'] },
      counterpartyIban: { type: ['string', 'null'] },
      remittance: { type: ['string', 'null'] },
      structuredRef: { type: ['string', 'null'] },
      endToEndId: { type: ['string', 'null'] },
      entryRef: {
        type: ['string', 'null'],
        description: "The bank's reference of the entry (AcctSvcrRef, :61: bank reference).",
      },
      status: {
        type: 'string',
        enum: ['matched', 'queued', 'ignored', 'debit', 'reversal'],
        description:
          "`matched`: booked to invoices (or as the debtor's credit); `queued`: waits for finance; `ignored`: not a debtor payment (set aside by finance, or money the bank took back); `debit`: money out, nothing booked; `reversal`: money out that returned an earlier matched line, whose invoices owe it again.",
      },
      matchRule: {
        type: ['string', 'null'],
        enum: ['reference', 'invoice_number', 'iban_amount', 'manual', null],
        description:
          'How a matched line was matched: its structured payment reference, invoice numbers in its text, a known account with the exact amount owed, or by hand.',
      },
      noteCode: {
        type: ['string', 'null'],
        description:
          'Why a line waits or was set aside: `invoice_settled`, `several_debtors`, `ambiguous_reference`, `unknown_reference`, `no_match`, `iban_several_debtors`, `amount_differs`, `ambiguous_amount`, `nothing_owed`, `credit_reversal`, `returned`, `returns`, `reversal_unlinked`, `not_booked` (matched, but the ledger refused the booking).',
      },
      note: {
        type: ['string', 'null'],
        description: "The note's detail (an invoice number, a reference, a date), or finance's own note.",
      },
      debtor: {
        type: ['object', 'null'],
        properties: { externalRef: { type: ['string', 'null'] }, name: { type: 'string' } },
      },
      invoices: {
        type: 'array',
        description: 'The invoices the line paid and how much went to each.',
        items: {
          type: 'object',
          required: ['number', 'allocatedCents'],
          properties: { number: { type: 'string' }, allocatedCents: { type: 'integer' } },
        },
      },
      creditedCents: {
        type: 'integer',
        minimum: 0,
        description: "The part kept as the debtor's credit (an over-payment).",
      },
      paymentId: {
        type: ['string', 'null'],
        format: 'uuid',
        description: 'The payment (provider `bank_transfer`) the line became, as in GET /payments.',
      },
    },
  },
  BankStatement: {
    type: 'object',
    required: [
      'statementId',
      'format',
      'createdAt',
      'entries',
      'credits',
      'matched',
      'queued',
      'ignored',
      'duplicates',
      'lines',
      'totalLines',
      'nextOffset',
    ],
    properties: {
      statementId: { type: 'string', format: 'uuid' },
      format: { type: 'string' },
      filename: { type: ['string', 'null'] },
      statementRefs: {
        type: 'array',
        items: { type: 'string' },
        description: "The statements' own ids (Stmt/Id, :20:).",
      },
      accounts: {
        type: 'array',
        items: { type: 'string' },
        description: 'Your accounts the lines are for, in print form.',
      },
      fromDate: { type: ['string', 'null'], format: 'date' },
      toDate: { type: ['string', 'null'], format: 'date' },
      createdAt: { type: 'string', format: 'date-time' },
      entries: { type: 'integer', minimum: 0 },
      credits: { type: 'integer', minimum: 0 },
      matched: {
        type: 'integer',
        minimum: 0,
        description: 'Now (finance may have matched or set aside queued lines since the import).',
      },
      queued: { type: 'integer', minimum: 0 },
      ignored: { type: 'integer', minimum: 0 },
      duplicates: { type: 'integer', minimum: 0 },
      lines: {
        type: 'array',
        items: ref('BankStatementLine'),
        description: 'The lines this file added (duplicates are not repeated), in booking-date order.',
      },
      totalLines: { type: 'integer', minimum: 0 },
      nextOffset: { type: ['integer', 'null'], description: 'Pass as `offset` for the next page; null on the last.' },
    },
    examples: [
      {
        ...bankOutcomeExample,
        entries: 2,
        credits: 2,
        matched: 1,
        queued: 1,
        ignored: 0,
        filename: 'afschrift-2026-03-02.xml',
        statementRefs: ['20260302-NL91ABNA0417164300'],
        accounts: ['NL91 ABNA 0417 1643 00'],
        fromDate: '2026-03-02',
        toDate: '2026-03-02',
        createdAt: '2026-03-02T18:45:12.000Z',
        lines: [
          {
            id: '9b2e0c4a-5d7e-4f1a-8c3b-1a2b3c4d5e6f',
            bookingDate: '2026-03-02',
            valueDate: '2026-03-02',
            amountCents: 12100,
            currency: 'EUR',
            direction: 'credit',
            reversal: false,
            counterpartyName: 'Bakkerij De Korenschoof B.V.',
            counterpartyIban: 'NL44RABO0123456789',
            remittance: null,
            structuredRef: '7000202600000001',
            endToEndId: 'E2E-0001',
            entryRef: 'ACC-20260302-0001',
            status: 'matched',
            matchRule: 'reference',
            noteCode: null,
            note: null,
            debtor: { externalRef: 'CUST-100', name: 'Bakkerij De Korenschoof B.V.' },
            invoices: [{ number: '2026-0001', allocatedCents: 12100 }],
            creditedCents: 0,
            paymentId: '1c9d7e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
          },
          {
            id: '0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6',
            bookingDate: '2026-03-02',
            valueDate: '2026-03-02',
            amountCents: 4999,
            currency: 'EUR',
            direction: 'credit',
            reversal: false,
            counterpartyName: 'J. Jansen',
            counterpartyIban: 'NL36INGB0007654321',
            remittance: 'bijdrage',
            structuredRef: null,
            endToEndId: null,
            entryRef: 'ACC-20260302-0002',
            status: 'queued',
            matchRule: null,
            noteCode: 'no_match',
            note: null,
            debtor: null,
            invoices: [],
            creditedCents: 0,
            paymentId: null,
          },
        ],
        totalLines: 2,
        nextOffset: null,
      },
    ],
  },
};

export function openApiDocument(serverUrl: string, rateLimitPerMinute?: number) {
  const numberParam = pathParam('number', InvoiceNumber);
  const debtorParam = pathParam('externalRef', ExternalRef);
  const paymentsParams = Object.entries(PaymentsQuery.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: schemaOf(schema),
    description: schema.description,
  }));

  const getDebtor = limited({
    operationId: 'getDebtor',
    summary: 'Read a debtor',
    parameters: [debtorParam],
    responses: { 200: json('Debtor', 'The debtor.'), 401: errors[401], 404: errors[404] },
  });
  const putDebtor = limited({
    operationId: 'upsertDebtor',
    summary: 'Create or replace a debtor, idempotent by external reference',
    parameters: [debtorParam],
    requestBody: { required: true, content: { 'application/json': { schema: ref('DebtorInput') } } },
    responses: {
      200: json('Debtor', 'Updated, or unchanged when nothing differed.'),
      201: json('Debtor', 'Created.'),
      400: errors[400],
      401: errors[401],
      413: errors[413],
      415: errors[415],
    },
  });
  const getInvoice = limited({
    operationId: 'getInvoice',
    summary: 'Read an invoice',
    parameters: [numberParam],
    responses: { 200: json('Invoice', 'The invoice.'), 401: errors[401], 404: errors[404] },
  });
  const putInvoice = limited({
    operationId: 'upsertInvoice',
    summary: 'Create or update an invoice, idempotent by invoice number',
    description:
      'Sending the same invoice twice changes nothing and answers the same body. A new open invoice is scheduled for dunning by your policy. Changing the total of an invoice with payments recalculates the open amount; lowering it below what was paid is refused (409).',
    parameters: [numberParam],
    requestBody: { required: true, content: { 'application/json': { schema: ref('InvoiceInput') } } },
    responses: {
      200: json('Invoice', 'Updated, or unchanged when nothing differed.'),
      201: json('Invoice', 'Created.'),
      400: errors[400],
      401: errors[401],
      404: errorResponse('The debtor `externalRef` refers to no debtor of yours.'),
      409: errors[409],
      413: errors[413],
      415: errors[415],
    },
  });
  const getPdf = limited({
    operationId: 'getInvoicePdf',
    summary: "Download the invoice's PDF",
    description:
      "The PDF you attached; for an invoice without one, a PDF drawn from the invoice data (your branding, the lines with VAT per rate, what is still owed, the payment reference and the EPC QR code of the bank transfer), in the debtor's language.",
    parameters: [numberParam],
    responses: {
      200: {
        description: 'The PDF.',
        content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
      },
      401: errors[401],
      404: errors[404],
    },
  });
  const putPdf = limited({
    operationId: 'attachInvoicePdf',
    summary: "Attach the invoice's PDF",
    parameters: [numberParam],
    requestBody: {
      required: true,
      description: `The PDF itself (it must start with "%PDF-"), at most ${PDF_BODY_LIMIT_BYTES} bytes.`,
      content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
    },
    responses: {
      200: json('Invoice', 'Stored (or the same PDF was already there).'),
      400: errorResponse('The body is not a PDF.'),
      401: errors[401],
      404: errors[404],
      413: errors[413],
      415: errors[415],
    },
  });
  const settle = limited({
    operationId: 'settleInvoice',
    summary: 'Mark an invoice paid or credited outside the portal',
    description:
      'Books a payment (provider `external`) or credit note (provider `credit_note`) in the ledger, like every other payment. The amount may be anything up to what the invoice still owes: its open amount plus collection costs plus interest (exactly what the bank-transfer QR code asks for); leave it out for everything owed. It is allocated to collection costs first, then interest, then the principal (art. 6:44 BW), so `openCents` drops only once costs and interest are paid. When nothing is owed any more the invoice is settled (`paid` or `credited`), dunning stops, its pauses end and open disputes on it close; a payment also sends the debtor the usual "payment received" email. An amount above what is owed is refused with 409 `amount_exceeds_owed` (the message names the amount owed) and nothing is booked; it is never kept as credit here. Repeating a `reference` repeats nothing (200 with the first payment).',
    parameters: [numberParam],
    requestBody: { required: true, content: { 'application/json': { schema: ref('SettleInput') } } },
    responses: {
      200: json('SettleResult', 'This reference was already recorded; nothing changed.'),
      201: json('SettleResult', 'Recorded.'),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      409: errorResponse(
        'Nothing is owed (`not_open`), the amount is more than is owed (`amount_exceeds_owed`), or the reference was used for a different settlement (`reference_reused`).',
      ),
      413: errors[413],
      415: errors[415],
    },
  });
  const listPayments = limited({
    operationId: 'listPayments',
    summary: 'Payments since a cursor',
    description:
      'Payments (portal, external and credit notes) in the order they were created, with the invoices they paid. Poll with the `next_cursor` of the previous answer.',
    parameters: paymentsParams,
    responses: { 200: json('PaymentsPage', 'A page of payments.'), 400: errors[400], 401: errors[401] },
  });

  const postBankStatement = limited({
    operationId: 'postBankStatement',
    summary: 'Import a bank statement file',
    description: `The body is the file itself, as your bank delivers it: ISO 20022 camt.053 (001.02 to 001.13, one or several \`Stmt\`) or camt.054 as \`application/xml\` or \`text/xml\`, MT940 as \`text/plain\`; at most ${BANK_STATEMENT_MAX_BYTES} bytes (25 MiB). Every statement in it must be for one of your accounts (Settings > Bank accounts) and in EUR, or the whole file is refused (422 \`unknown_account\` naming the account, \`currency_not_eur\`) and nothing is written. Each line is recorded once: the same file again, or an overlapping statement, counts its known lines as \`duplicates\` and books nothing for them. New money-in lines are matched to your invoices, in this order and never by a guess: (1) a structured payment reference (betalingskenmerk, RF, OGM) of exactly one of your invoices; (2) your invoice numbers in the description, all of one debtor; (3) an account seen paying for exactly one debtor before, with the amount exactly what one open invoice or the oldest ones owe together. A matched line is booked as a payment (provider \`bank_transfer\`): costs, then interest, then principal (art. 6:44 BW); more than owed is kept as the debtor's credit. Everything else waits in the match queue on /app/bank. A debit that returns an earlier matched line reopens what it paid. Answers 201 when the file added lines, 200 when every line was already known (the answer names a new statement record all the same; nothing was booked).`,
    parameters: [
      {
        name: 'Content-Disposition',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'Optional `attachment; filename="…"`: the file name shown in the back office.',
      },
    ],
    requestBody: {
      required: true,
      content: {
        'application/xml': { schema: { type: 'string', description: 'camt.053 or camt.054' } },
        'text/xml': { schema: { type: 'string', description: 'camt.053 or camt.054' } },
        'text/plain': { schema: { type: 'string', description: 'MT940' } },
      },
    },
    responses: {
      200: {
        ...json('BankStatementOutcome', 'Every line was already recorded: nothing booked.'),
      },
      201: {
        ...json('BankStatementOutcome', 'Imported. `Location` names the statement.'),
        content: { 'application/json': { schema: ref('BankStatementOutcome'), example: bankOutcomeExample } },
      },
      400: errorResponse(
        'The file is empty, not well-formed XML (`malformed`), or holds a DOCTYPE or entity (`doctype_forbidden`); `issues` says where.',
      ),
      401: errors[401],
      413: errorResponse(
        `The body is larger than ${BANK_STATEMENT_MAX_BYTES} bytes (\`payload_too_large\`); nothing was read.`,
      ),
      415: errorResponse(
        'Another Content-Type (`unsupported_media_type`), or content that is neither camt nor MT940 (`unsupported_format`).',
      ),
      422: errorResponse(
        'A statement of an account that is not yours (`unknown_account`, the message names it), amounts in another currency (`currency_not_eur`), a value that cannot be read (`invalid_value`, `issues` names the entry), too many lines (`too_many_entries`), or no statement (`no_statements`). Nothing was written.',
      ),
    },
  });
  const getBankStatement = limited({
    operationId: 'getBankStatement',
    summary: 'A bank statement file and the outcome of each line',
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
        description: 'The `statementId` the import answered.',
      },
      {
        name: 'offset',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 0, default: 0 },
        description: 'Lines to skip (paging).',
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
        description: 'Lines per answer.',
      },
    ],
    responses: {
      200: json('BankStatement', 'The statement with its lines.'),
      400: errors[400],
      401: errors[401],
      404: errorResponse('No statement with this id in your organization.'),
    },
  });

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Voldaan API',
      version: '1.0.0',
      description: `Push debtors and invoices, attach PDFs, settle invoices paid elsewhere and read payments. Every request needs \`Authorization: Bearer <API key>\`; an admin creates keys under Settings > API keys. JSON bodies are at most ${JSON_BODY_LIMIT_BYTES} bytes. Amounts are integer cents; dates are YYYY-MM-DD. Each key may make ${rateLimitPerMinute ?? 'a limited number of'} requests per minute (a fixed window per key, shared by all our servers); every answer says how many are left in \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds), and a request over the limit gets 429 \`rate_limited\` with \`Retry-After\`. Requests without a valid key are counted per client address.`,
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    paths: {
      '/debtors/{externalRef}': { get: getDebtor, put: putDebtor },
      '/invoices/{number}': { get: getInvoice, put: putInvoice },
      '/invoices/{number}/pdf': { get: getPdf, put: putPdf },
      '/invoices/{number}/settle': { post: settle },
      '/payments': { get: listPayments },
      '/bank-statements': { post: postBankStatement },
      '/bank-statements/{id}': { get: getBankStatement },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key such as `vk_live_…`.' },
      },
      schemas: { ...componentSchemas(), ...bankSchemas },
    },
  };
}
