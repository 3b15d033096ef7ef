import { z } from 'zod';
import { apiSchemas, ExternalRef, InvoiceNumber, PaymentsQuery } from './api-schemas';
import { JSON_BODY_LIMIT_BYTES, PDF_BODY_LIMIT_BYTES } from './limits';

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
      'Records a payment (provider `external`) or credit note (provider `credit_note`) for the amount (default: all that is open). When nothing is left open the invoice is settled and dunning stops. Repeating a `reference` repeats nothing.',
    parameters: [numberParam],
    requestBody: { required: true, content: { 'application/json': { schema: ref('SettleInput') } } },
    responses: {
      200: json('SettleResult', 'This reference was already recorded; nothing changed.'),
      201: json('SettleResult', 'Recorded.'),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      409: errorResponse('Nothing is open, the amount is more than is open, or the reference was used differently.'),
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
      '/invoices/{number}/pdf': { put: putPdf },
      '/invoices/{number}/settle': { post: settle },
      '/payments': { get: listPayments },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key such as `vk_live_…`.' },
      },
      schemas: componentSchemas(),
    },
  };
}
