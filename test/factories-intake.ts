import { expect } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { auditEvents, type Organization, type StaffUser } from '~db/schema';
import { IntakeError, IntakeItemError } from '~/modules/debtors/intake.server';
import { getDb } from '~/utils/db.server';
import { createApiKey } from '~/modules/api/keys.server';
import { action as loginAction } from '~/routes/login';
import { createStaff, TEST_PASSWORD } from './factories';
import { cookieFrom, formRequest, routeArgs, settle } from './http';

/** A fresh API key for the organization, created by a new admin. */
export async function createApiKeyFor(org: Pick<Organization, 'id'>, name = 'Test integration') {
  const admin = await createStaff(org, 'admin');
  const { key, apiKey } = await createApiKey({ organizationId: org.id, name, createdBy: admin.id });
  return { key, apiKey, admin };
}

type ApiRequestInit = {
  method?: string;
  key?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
};

/** A request to the REST API as an integration would send it. */
export function apiRequest(path: string, init: ApiRequestInit = {}) {
  const headers: Record<string, string> = { ...(init.key ? { Authorization: `Bearer ${init.key}` } : {}) };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['Content-Type'] = 'application/json';
  }
  return new Request(new URL(path, 'http://voldaan.test'), {
    method: init.method ?? (body === undefined ? 'GET' : 'PUT'),
    body,
    headers: { ...headers, ...init.headers },
  });
}

export async function readJsonResponse<T = Record<string, unknown>>(response: Response) {
  expect(response.headers.get('Content-Type')).toMatch(/application\/json/);
  return (await response.json()) as T;
}

/** Signs the staff member in through the login form and returns the session cookie. */
export async function signIn(staff: Pick<StaffUser, 'email'>) {
  const response = (await settle(() =>
    loginAction(routeArgs(formRequest('/login', { email: staff.email, password: TEST_PASSWORD }))),
  )) as Response;
  return cookieFrom(response);
}

/** A multipart form post with files, as a browser sends an upload form. */
export function multipartRequest(
  url: string,
  fields: Record<string, string | { name: string; type: string; content: string | Uint8Array }>,
  cookie: string,
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(key, value);
    else {
      const content = typeof value.content === 'string' ? value.content : new Uint8Array(value.content);
      form.append(key, new File([content], value.name, { type: value.type }));
    }
  }
  return new Request(new URL(url, 'http://voldaan.test'), { method: 'POST', body: form, headers: { Cookie: cookie } });
}

/** The organisation's audit events (of one action, if given), oldest first. */
export function auditOf(org: Pick<Organization, 'id'>, action?: string) {
  return getDb()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, org.id), action ? eq(auditEvents.action, action) : undefined))
    .orderBy(asc(auditEvents.id));
}

/**
 * The refusal a call of the intake ends in: kind, code and path of its IntakeError (with the
 * item's index when a bulk call wrapped it in an IntakeItemError, and the message if asked).
 * Anything else, a success included, fails the test.
 */
export async function intakeRefusal(work: Promise<unknown>, { withMessage = false } = {}) {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  const fields = (e: IntakeError) => ({
    kind: e.kind,
    code: e.code,
    path: e.path,
    ...(withMessage ? { message: e.message } : {}),
  });
  if (error instanceof IntakeItemError) return { index: error.index, ...fields(error.intakeError) };
  if (error instanceof IntakeError) return fields(error);
  throw new Error(`expected an IntakeError, got ${String(error)}`);
}
