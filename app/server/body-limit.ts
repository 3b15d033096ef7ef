/**
 * Every request body is bounded here, before Remix, whether it declares a Content-Length or
 * arrives chunked. One table maps route prefixes to the most a body there may hold.
 *
 * How: a body whose Content-Length is over the limit is answered 413 at once and never handed
 * on. Otherwise the layer counts the bytes as they flow (a 'data' listener beside the one Remix
 * attaches when it builds its Request, so nothing is copied or buffered here), and the moment
 * the count passes the limit it answers 413 itself and makes the body stream fail with
 * BodyTooLargeError. Remix has usually started reading by then; its read rejects, so no
 * action ever runs on a cut-off body, and whatever Remix tries to answer afterwards is
 * dropped because the 413 has been sent (the final error handler in http.ts ignores it).
 *
 * The rest of the refused body is read and thrown away (up to DRAIN_LIMIT_BYTES) rather than
 * the connection being cut: a client still sending when the server closes gets a TCP reset
 * and never sees the 413. Past that, or when the declared length is beyond it, the
 * connection is closed after the answer.
 *
 * Routes with their own, friendlier limit (imports, dispute attachments, the logo) get a
 * ceiling a little above it here, so their own message still shows for a body just over it.
 */
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import { LOGO_MAX_BYTES } from '~/modules/backoffice/index';
import { BANK_STATEMENT_MAX_BYTES } from '~/modules/bank/index';
import { MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE } from '~/modules/disputes/index';
import { IMPORT_FORM_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES, PDF_BODY_LIMIT_BYTES } from '~/modules/invoices/index';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Plain forms (sign-in, plans, payments, settings, replies without files). */
export const FORM_BODY_LIMIT_BYTES = 64 * KiB;
/** Payment and email providers' events are small JSON documents. */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * KiB;
/** A dispute form: five attachments at their limit plus text and multipart overhead (see disputes/upload.server.ts). */
const DISPUTE_FORM_CEILING_BYTES = MAX_FILES_PER_MESSAGE * MAX_FILE_BYTES + 2 * MiB;
/**
 * The back-office statement upload: the file, or (at the confirm step) the file carried in the form
 * compressed and base64-encoded, which for an incompressible file is a third larger.
 */
const BANK_FORM_CEILING_BYTES = Math.ceil((BANK_STATEMENT_MAX_BYTES * 4) / 3) + MiB;
/** How much of a refused body is read and dropped so the client sees the 413 instead of a reset. */
export const DRAIN_LIMIT_BYTES = 16 * MiB;

export type BodyLimitRule = {
  /** A path prefix, or a pattern for routes a prefix cannot name. */
  match: string | RegExp;
  limitBytes: number;
  /** Machine callers get JSON in the API's error shape; people a short plain page. */
  answer: 'json' | 'text';
};

/** First match wins: the specific routes before the prefixes that contain them. */
export const BODY_LIMITS: readonly BodyLimitRule[] = [
  { match: /^\/api\/v1\/invoices\/[^/]+\/pdf(\.data)?$/, limitBytes: PDF_BODY_LIMIT_BYTES, answer: 'json' },
  // A statement file is the body itself: exactly the importer's limit.
  { match: /^\/api\/v1\/bank-statements\/?(\.data)?$/, limitBytes: BANK_STATEMENT_MAX_BYTES, answer: 'json' },
  { match: '/api/', limitBytes: JSON_BODY_LIMIT_BYTES, answer: 'json' },
  { match: '/webhooks/', limitBytes: WEBHOOK_BODY_LIMIT_BYTES, answer: 'json' },
  { match: '/app/imports', limitBytes: IMPORT_FORM_LIMIT_BYTES + MiB, answer: 'text' },
  { match: /^\/app\/bank\/?(\.data)?$/, limitBytes: BANK_FORM_CEILING_BYTES, answer: 'text' },
  { match: /^\/portal\/invoices\/[^/]+\/dispute/, limitBytes: DISPUTE_FORM_CEILING_BYTES, answer: 'text' },
  { match: '/portal/disputes/', limitBytes: DISPUTE_FORM_CEILING_BYTES, answer: 'text' },
  { match: '/app/disputes/', limitBytes: DISPUTE_FORM_CEILING_BYTES, answer: 'text' },
  // Generous above the 1 MB logo limit, so a too-large photo still gets the page's own message.
  { match: '/app/settings/branding', limitBytes: LOGO_MAX_BYTES + 9 * MiB, answer: 'text' },
];

const DEFAULT_RULE: BodyLimitRule = { match: '', limitBytes: FORM_BODY_LIMIT_BYTES, answer: 'text' };

export function bodyLimitFor(path: string, rules: readonly BodyLimitRule[] = BODY_LIMITS): BodyLimitRule {
  const found = rules.find((rule) =>
    typeof rule.match === 'string' ? path.startsWith(rule.match) : rule.match.test(path),
  );
  if (found) return found;
  return /^\/(api|webhooks)(\/|$)/.test(path) ? { ...DEFAULT_RULE, answer: 'json' } : DEFAULT_RULE;
}

/** What a body read fails with once the limit is passed (the client has its 413 already). */
export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes; answered 413`);
    this.name = 'BodyTooLargeError';
  }
}

export type UnreadableBody = { status: 400 | 415; code: string; message: string; text: string };

const MALFORMED_FORM: UnreadableBody = {
  status: 400,
  code: 'malformed_body',
  message: 'The request body could not be read as a form.',
  text: '400 - Dit formulier kunnen we niet lezen: de inhoud is beschadigd of onvolledig.\nThis form could not be read: its content is damaged or incomplete.',
};
const NOT_A_FORM: UnreadableBody = {
  status: 415,
  code: 'unsupported_media_type',
  message: 'Send the form as application/x-www-form-urlencoded or multipart/form-data.',
  text: '415 - Dit formulier heeft een onbekend formaat.\nThis form was sent in a format we do not accept (use application/x-www-form-urlencoded or multipart/form-data).',
};

/**
 * What each error that reading a form body can end in means, by the exact error its reader throws
 * (as observed: undici's Request.formData() in Node 20, Remix's unstable_parseMultipartFormData
 * and the multipart parser behind it). Only these: any other error stays what it is.
 */
function unreadableBodyError({ name, message }: { name: string; message: string }): UnreadableBody | undefined {
  if (name === 'TypeError') {
    // undici: a multipart body that does not parse (no boundary, a cut-off part, a missing header).
    if (message === 'Failed to parse body as FormData.') return MALFORMED_FORM;
    // undici: neither form type (JSON, text/plain, no Content-Type at all).
    if (message.startsWith('Content-Type was not one of "multipart/form-data" or')) return NOT_A_FORM;
    // Remix's multipart reader: not multipart/form-data, or no boundary parameter.
    if (message === 'Could not parse content as FormData.') return MALFORMED_FORM;
  }
  // @web3-storage/multipart-parser (under Remix's reader): "malformed multipart-form data: unexpected
  // end of stream", "malformed multipart-form header: missing content-disposition".
  if (name === 'Error' && message.startsWith('malformed multipart-form ')) return MALFORMED_FORM;
  return undefined;
}

/** Name, message and cause of an error-like value: matched by what it says, whichever realm made it. */
function errorLike(value: unknown): { name: string; message: string; cause?: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, message, cause } = value as { name?: unknown; message?: unknown; cause?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? { name, message, cause } : undefined;
}

/**
 * Whether Remix's 500 is really a body that could not be read as a form (the errors are those
 * entry.server's handleError collected for the request). The cause chain and a route error
 * response's wrapped error are looked through; the answer is the first that matches.
 */
export function unreadableBody(errors: readonly unknown[]): UnreadableBody | undefined {
  for (const reported of errors) {
    const wrapped = (reported as { error?: unknown } | null)?.error;
    for (const start of [reported, wrapped]) {
      for (let e = errorLike(start), depth = 0; e && depth < 5; e = errorLike(e.cause), depth++) {
        const found = unreadableBodyError(e);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function readableSize(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

/**
 * A short error answer that needs nothing from Remix or the database: JSON in the API's
 * `{"error":{code,message}}` shape for machine paths, a plain text page for people.
 */
export function sendPlainError(
  req: express.Request,
  res: express.Response,
  status: number,
  body: { code: string; message: string; text: string; json?: boolean },
) {
  const json = body.json ?? /^\/(api|webhooks)(\/|$)/.test(req.path);
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  if (json) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: { code: body.code, message: body.message } }));
  } else {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`${body.text}\n`);
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function refuse(req: express.Request, res: express.Response, rule: BodyLimitRule, closeAfter: boolean) {
  res.locals.bodyLimitExceeded = true;
  if (res.headersSent) return;
  const size = readableSize(rule.limitBytes);
  if (closeAfter) res.setHeader('Connection', 'close');
  sendPlainError(req, res, 413, {
    json: rule.answer === 'json',
    code: 'payload_too_large',
    message: `The request body is larger than ${rule.limitBytes} bytes (${size}), the most this endpoint accepts.`,
    text: `413 - Het verzoek is te groot: hier kan hooguit ${size} worden verstuurd.\nThe request is too large: at most ${size} can be sent here.`,
  });
}

/** Reads and drops what is left of a refused body, up to DRAIN_LIMIT_BYTES; past that the connection goes. */
function drain(req: express.Request) {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

export function bodyLimit(rules: readonly BodyLimitRule[] = BODY_LIMITS): express.RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    const rule = bodyLimitFor(req.path, rules);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > rule.limitBytes) {
      refuse(req, res, rule, declared > rule.limitBytes + DRAIN_LIMIT_BYTES);
      drain(req);
      return;
    }
    let received = 0;
    let refused = false;
    const count = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received <= rule.limitBytes) return;
      refused = true;
      req.off('data', count);
      refuse(req, res, rule, false);
      // Whoever reads the body (Remix's stream of it) fails now instead of acting on part of it.
      if (req.listenerCount('error') > 0) req.emit('error', new BodyTooLargeError(rule.limitBytes));
      drain(req);
    };
    // Counting from the first byte: the listener is in place before Remix starts reading. A 'data'
    // listener starts the flow on the next tick, so every layer between here and Remix's handler
    // (which attaches its reader) must pass the request on synchronously, as the ones in http.ts do.
    req.on('data', count);
    // A route that answered without reading the whole body (a 401, a redirect) leaves the rest
    // on the wire, and Remix's paused stream of it would hold the connection: nobody reads it
    // any more, so drop those listeners and read the rest off, still counted and so bounded.
    res.on('finish', () => {
      if (refused || req.complete || req.destroyed) return;
      req.removeAllListeners('data');
      req.on('data', count);
      req.resume();
    });
    next();
  };
}
