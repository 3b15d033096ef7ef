import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { demoCheckouts, organizations, payments, type DemoCheckout } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { randomToken } from '~/utils/token.server';
import type {
  CheckoutInput,
  CheckoutResult,
  ParsedWebhook,
  PaymentProviderAdapter,
  ProviderSnapshot,
} from './provider';

/**
 * The demo provider: a stand-in for Mollie/Stripe when none is configured, outside production
 * only. It keeps its own ledger (demo_checkouts), shows a hosted checkout page marked DEMO at
 * /demo-checkout/<id>, and after the visitor picks an outcome it delivers a signed webhook to
 * /webhooks/demo, which settles through exactly the code the real providers' webhooks use.
 */

export const DEMO_SIGNATURE_HEADER = 'voldaan-demo-signature';
const TOLERANCE_SECONDS = 300;
export const DEMO_OUTCOMES = ['paid', 'failed', 'canceled', 'expired'] as const;
export type DemoOutcome = (typeof DEMO_OUTCOMES)[number];

export function demoProviderAllowed(): boolean {
  return getEnv().NODE_ENV !== 'production';
}

/** A key of its own for the demo webhooks, derived from SESSION_SECRET (never the secret itself). */
function signingKey(): Buffer {
  return Buffer.from(hkdfSync('sha256', getEnv().SESSION_SECRET, 'voldaan', 'demo-provider-webhook-v1', 32));
}

export function signDemoWebhook(body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', signingKey()).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export function verifyDemoSignature(body: string, header: string | null, now: Date = new Date()): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return false;
  if (Math.abs(now.getTime() / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', signingKey()).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}

/** A demo checkout with the payment method the debtor chose for it (as Mollie reports `method`: ideal, creditcard, …). */
type DemoCheckoutRow = DemoCheckout & { method: string | null };

function snapshotOf(row: DemoCheckoutRow, now: Date): ProviderSnapshot {
  const status = row.status === 'open' && row.expiresAt <= now ? 'expired' : row.status;
  return {
    status,
    providerStatus: status,
    providerPaymentId: row.id,
    amountCents: status === 'paid' ? row.amountCents : undefined,
    method: row.method,
  };
}

export async function getDemoCheckout(id: string): Promise<DemoCheckoutRow | null> {
  if (!/^demo_[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
  // The method is the one chosen when the checkout was opened (our payment row keeps it; the demo
  // has no method page of its own), so a paid demo payment reads "ideal", never "demo".
  const [row] = await getDb()
    .select({ checkout: demoCheckouts, method: payments.method })
    .from(demoCheckouts)
    .leftJoin(payments, eq(payments.id, demoCheckouts.paymentId))
    .where(eq(demoCheckouts.id, id));
  return row ? { ...row.checkout, method: row.method && row.method !== 'demo' ? row.method : null } : null;
}

/**
 * The hosted page's button: records the outcome in the demo ledger (once: an open checkout
 * only) and delivers the webhook. Returns where the visitor goes next (our return page, as a local path).
 */
export async function completeDemoCheckout(
  id: string,
  outcome: DemoOutcome,
  { clock = systemClock, deliver = deliverDemoWebhook }: { clock?: Clock; deliver?: typeof deliverDemoWebhook } = {},
): Promise<string | null> {
  const row = await getDemoCheckout(id);
  if (!row) return null;
  await getDb()
    .update(demoCheckouts)
    .set({ status: outcome, updatedAt: clock.now() })
    .where(and(eq(demoCheckouts.id, id), eq(demoCheckouts.status, 'open')));
  // Like a real provider, a failed delivery is no loss: the return page asks the provider itself.
  await deliver(row.webhookUrl, id).catch((error: unknown) =>
    console.warn(`demo webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  return localPath(row.returnUrl);
}

export async function deliverDemoWebhook(url: string, id: string) {
  const body = JSON.stringify({ id });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [DEMO_SIGNATURE_HEADER]: signDemoWebhook(body) },
    body,
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}

export function createDemoAdapter({ clock = systemClock }: { clock?: Clock } = {}): PaymentProviderAdapter {
  return {
    name: 'demo',

    async createCheckout(input: CheckoutInput): Promise<CheckoutResult> {
      const id = `demo_${randomToken(24)}`;
      await getDb().insert(demoCheckouts).values({
        id,
        organizationId: input.organizationId,
        paymentId: input.paymentId,
        amountCents: input.amountCents,
        description: input.description,
        returnUrl: input.returnUrl,
        webhookUrl: input.webhookUrl,
        expiresAt: input.expiresAt,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
      return {
        providerPaymentId: id,
        checkoutUrl: `${getEnv().APP_URL}/demo-checkout/${id}`,
        expiresAt: input.expiresAt,
      };
    },

    async fetchStatus(id: string): Promise<ProviderSnapshot | null> {
      const row = await getDemoCheckout(id);
      return row ? snapshotOf(row, clock.now()) : null;
    },

    async parseWebhook({ rawBody, headers }): Promise<ParsedWebhook> {
      if (!verifyDemoSignature(rawBody, headers.get(DEMO_SIGNATURE_HEADER), clock.now())) {
        return { kind: 'rejected', reason: 'bad or missing demo signature' };
      }
      let id: unknown;
      try {
        id = (JSON.parse(rawBody) as { id?: unknown }).id;
      } catch {
        return { kind: 'rejected', reason: 'body is not JSON' };
      }
      const row = typeof id === 'string' ? await getDemoCheckout(id) : null;
      if (!row) return { kind: 'ignored', reason: 'unknown demo checkout' };
      const snapshot = snapshotOf(row, clock.now());
      return {
        kind: 'event',
        eventKey: `${row.id}:${snapshot.status}`,
        type: `demo.${snapshot.status}`,
        target: { paymentId: row.paymentId, providerPaymentId: row.id },
        snapshot,
      };
    },
  };
}

/** What the demo's hosted page shows; null for an unknown id. */
export async function getDemoCheckoutPage(id: string, { clock = systemClock }: { clock?: Clock } = {}) {
  const row = await getDemoCheckout(id);
  if (!row) return null;
  const [org] = await getDb()
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, row.organizationId));
  const snapshot = snapshotOf(row, clock.now());
  return {
    id: row.id,
    organizationName: org?.name ?? '',
    description: row.description,
    amountCents: row.amountCents,
    status: snapshot.status,
    returnPath: localPath(row.returnUrl),
  };
}

/** Our own return URL as a same-site path, so the demo page can never send anyone elsewhere. */
export function localPath(url: string) {
  const parsed = new URL(url, getEnv().APP_URL);
  return parsed.pathname.startsWith('/portal/') ? `${parsed.pathname}${parsed.search}` : '/portal';
}
