import type { z } from 'zod';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { clientIp, hit } from '~/utils/rate-limit.server';
import { authenticateApiKey, type ApiPrincipal } from './keys.server';
import { LedgerError, type LedgerErrorCode } from '~/modules/ledger/index.server';
import { IntakeError } from '~/modules/debtors/index.server';
import { JSON_BODY_LIMIT_BYTES } from '~/modules/invoices/index';

export type ApiIssue = { path: string; message: string };

/** An error the API answers with `{"error":{"code","message","issues"?}}` and the given status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

function errorResponse(error: ApiError): Response {
  return apiJson(
    { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } },
    error.status,
    error.headers,
  );
}

const INTAKE_STATUS: Record<IntakeError['kind'], number> = { not_found: 404, conflict: 409, invalid: 400 };

/** A ledger refusal that reaches the API unmapped is still the caller's problem, never a 500. */
const LEDGER_STATUS: Record<LedgerErrorCode, number> = {
  invalid_entry: 400,
  payment_not_found: 404,
  invoice_not_found: 404,
  debtor_not_found: 404,
  not_paid: 409,
  exceeds_owed: 409,
  insufficient_credit: 409,
  key_reused: 409,
  exceeds_reversible: 409,
  total_below_paid: 409,
};

/**
 * Runs an API handler and turns whatever it throws into a JSON error: ApiError, IntakeError
 * and the ledger's refusals (LedgerError) by their status, thrown Responses (the 401 from authentication) as they are,
 * anything else as a 500 that reveals nothing. Once `authenticate` has counted the request,
 * the answer carries the key's quota (RateLimit-Limit, -Remaining, -Reset), whatever it is;
 * `request` is null for answers that need no key (405, unknown paths, the OpenAPI document).
 */
export async function apiHandler(request: Request | null, run: () => Promise<Response>): Promise<Response> {
  const response = await answer(run);
  const quota = request && quotas.get(request);
  if (quota) for (const [name, value] of Object.entries(quotaHeaders(quota))) response.headers.set(name, value);
  return response;
}

async function answer(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    if (error instanceof IntakeError) {
      const issues = error.path ? [{ path: error.path, message: error.message }] : undefined;
      return errorResponse(new ApiError(INTAKE_STATUS[error.kind], error.code, error.message, issues));
    }
    if (error instanceof LedgerError)
      return errorResponse(new ApiError(LEDGER_STATUS[error.code], error.code, error.message));
    if (error instanceof Response) return error;
    // The HTTP server's body limit (app/server/body-limit.ts) cut the body off and answered 413 itself.
    if (error instanceof Error && error.name === 'BodyTooLargeError') {
      return errorResponse(new ApiError(413, 'payload_too_large', 'The request body is too large.'));
    }
    console.error('api: unexpected error', error);
    return errorResponse(new ApiError(500, 'internal_error', 'Something went wrong on our side.'));
  }
}

/** One fixed window of a minute per API key (and per client address for requests without a valid key). */
export const API_RATE_WINDOW_SECONDS = 60;
/**
 * Requests with a missing, unknown or revoked key, per client address and minute: plenty for an
 * integration to notice its 401s, far too few to guess a key of 256 random bits or to make every
 * guess cost us a lookup.
 */
export const API_BAD_KEY_LIMIT_PER_MINUTE = 120;

export type ApiQuota = { limit: number; count: number; resetSeconds: number };

const quotas = new WeakMap<Request, ApiQuota>();

/** RateLimit-* as in the IETF httpapi draft's first form: the window's limit, what is left, seconds to its end. */
export function quotaHeaders(quota: ApiQuota): Record<string, string> {
  return {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(Math.max(0, quota.limit - quota.count)),
    'RateLimit-Reset': String(quota.resetSeconds),
  };
}

async function count(key: string, limit: number, clock: Clock): Promise<ApiQuota> {
  const now = clock.now();
  const { count, resetAt } = await hit(getDb(), key, limit, API_RATE_WINDOW_SECONDS, now);
  // Whole seconds, rounded up and at least 1, so a client that waits this long is in the next window.
  const resetSeconds = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return { limit, count, resetSeconds };
}

function rateLimited(quota: ApiQuota, message: string): ApiError {
  return new ApiError(429, 'rate_limited', message, undefined, {
    'Retry-After': String(quota.resetSeconds),
    ...quotaHeaders(quota),
  });
}

/**
 * The principal of the request's API key, counted against the key's limit per minute; over it,
 * 429 before anything is read or done. A request without a valid key is counted per client
 * address instead, so guessing keys is throttled too: past API_BAD_KEY_LIMIT_PER_MINUTE it gets
 * 429 in place of the 401.
 */
export async function authenticate(
  request: Request,
  {
    clock = systemClock,
    limitPerMinute = getEnv().API_RATE_LIMIT_PER_MINUTE,
  }: { clock?: Clock; limitPerMinute?: number } = {},
): Promise<ApiPrincipal> {
  let principal: ApiPrincipal;
  try {
    principal = await authenticateApiKey(request, { clock });
  } catch (error) {
    if (!(error instanceof Response) || error.status !== 401) throw error;
    const quota = await count(`api-ip:${clientIp(request)}`, API_BAD_KEY_LIMIT_PER_MINUTE, clock);
    if (quota.count > quota.limit) {
      throw rateLimited(
        quota,
        `Too many requests without a valid API key from your address. Try again in ${quota.resetSeconds} s.`,
      );
    }
    throw error;
  }
  const quota = await count(`api-key:${principal.apiKeyId}`, limitPerMinute, clock);
  quotas.set(request, quota);
  if (quota.count > quota.limit) {
    throw rateLimited(
      quota,
      `This API key has made more than ${quota.limit} requests this minute. Try again in ${quota.resetSeconds} s.`,
    );
  }
  return principal;
}

export function methodNotAllowed(allowed: string[]): never {
  throw new ApiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here.`, undefined, {
    Allow: allowed.join(', '),
  });
}

/** The API's 404, in its JSON error shape (`not_found`); pages use `notFound()` of app/utils/http.server.ts. */
export function apiNotFound(message: string): never {
  throw new ApiError(404, 'not_found', message);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`);
}

/**
 * Reads the body, refusing it (413) as soon as Content-Length or the bytes actually read
 * pass `limit`, so an oversized or lying client never makes us buffer more than that.
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && (!/^[0-9]+$/.test(declared) || Number(declared) > limit)) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function mediaType(request: Request): string {
  return (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
}

export function requireMediaType(request: Request, accepted: (type: string) => boolean, expected: string) {
  if (!accepted(mediaType(request))) {
    throw new ApiError(415, 'unsupported_media_type', `Send the body as ${expected}.`);
  }
}

/** Reads a JSON body of at most 1 MB: 415 for another media type, 413 too large, 400 malformed. */
export async function readJson(request: Request): Promise<unknown> {
  requireMediaType(request, (type) => type === 'application/json' || type.endsWith('+json'), 'application/json');
  const bytes = await readBodyLimited(request, JSON_BODY_LIMIT_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON${detail}.`);
  }
}

/** Dotted path as clients write it: `invoices.0.dueDate`; the root is `(body)`. */
export function issuePath(path: ReadonlyArray<PropertyKey>, prefix: string[] = []): string {
  const parts = [...prefix, ...path.map((part) => String(part))];
  return parts.length > 0 ? parts.join('.') : '(body)';
}

export function zodIssues(error: z.ZodError, prefix: string[] = []): ApiIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: issuePath([...issue.path, key], prefix),
        message: 'Unknown field.',
      }));
    }
    return [{ path: issuePath(issue.path, prefix), message: issue.message }];
  });
}

/** Validates with a zod schema; 400 `validation_failed` with every issue's path otherwise. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError(
      400,
      'validation_failed',
      'Some fields are missing or invalid.',
      zodIssues(result.error, prefix),
    );
  }
  return result.data;
}
