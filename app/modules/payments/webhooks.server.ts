/**
 * Webhook deliveries from the providers, turned into ledger changes. Each handler reads the raw
 * body first, verifies it the provider's way (Stripe: signature; Mollie: fetch the payment by
 * id and believe only Mollie; demo: our own HMAC), then records the event under the unique
 * (provider, event_id) key and applies it in the SAME transaction: a duplicate delivery (even
 * five at once) finds the key taken and changes nothing, and an event whose processing failed
 * is not recorded, so the provider's retry is processed.
 */
import { and, eq } from 'drizzle-orm';
import { organizations, payments, webhookEvents, type Payment } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { demoProviderAllowed } from './demo.server';
import { applyProviderSnapshot } from '~/modules/ledger/index.server';
import { mollieWebhookId } from './mollie.server';
import type { ParsedWebhook, PaymentProviderAdapter, ProviderName } from './provider';
import { ProviderUnavailableError } from './provider';
import {
  adapterFor,
  hasOwnStripeAccount,
  providerConfigFor,
  resolveEnvironmentStripe,
  type ProviderConfig,
} from './providers.server';
import { isUuid } from '~/utils/ids';

export type WebhookOutcome = { status: number; body: string };

const ok = (body: string): WebhookOutcome => ({ status: 200, body });

type Options = { clock?: Clock };

/** Our payment, with its organization's sealed provider credentials (for the scope check) read in the same query. */
async function findPayment(provider: ProviderName, where: ReturnType<typeof eq>) {
  const [row] = await getDb()
    .select({ payment: payments, credentials: organizations.providerCredentials })
    .from(payments)
    .innerJoin(organizations, eq(organizations.id, payments.organizationId))
    .where(and(eq(payments.provider, provider), where));
  if (!row) return null;
  credentialsOf.set(row.payment, row.credentials);
  return row.payment;
}

/** The sealed credentials read with a payment, for as long as that payment object lives. */
const credentialsOf = new WeakMap<Payment, string | null>();

/** Our payment the event is about, by the most specific id it carries. */
async function locatePayment(
  provider: ProviderName,
  parsed: Extract<ParsedWebhook, { kind: 'event' }>,
  adapter: PaymentProviderAdapter,
) {
  const { target } = parsed;
  if (target.paymentId && isUuid(target.paymentId)) {
    const byId = await findPayment(provider, eq(payments.id, target.paymentId));
    // The id in metadata must agree with the provider's own id once we know it.
    if (
      byId &&
      (!target.providerPaymentId || !byId.providerPaymentId || byId.providerPaymentId === target.providerPaymentId)
    )
      return byId;
  }
  if (target.providerPaymentId) {
    const found = await findPayment(provider, eq(payments.providerPaymentId, target.providerPaymentId));
    if (found) return found;
  }
  if (target.providerReference) {
    const found = await findPayment(provider, eq(payments.providerReference, target.providerReference));
    if (found) return found;
    const id = await adapter.lookupPaymentId?.(target.providerReference);
    if (id && isUuid(id)) return findPayment(provider, eq(payments.id, id));
  }
  return null;
}

async function recordOnly(
  provider: ProviderName,
  eventKey: string,
  type: string | undefined,
  organizationId: string | null,
  now: Date,
) {
  await getDb()
    .insert(webhookEvents)
    .values({ provider, eventId: eventKey, type: type ?? null, organizationId, receivedAt: now, processedAt: now })
    .onConflictDoNothing();
}

/**
 * Records the event and applies it, in one transaction. `allowed` says whether the credentials
 * that vouched for the event may speak for this payment's organization.
 */
async function apply(
  provider: ProviderName,
  parsed: Extract<ParsedWebhook, { kind: 'event' }>,
  payment: Payment,
  { clock = systemClock }: Options,
): Promise<WebhookOutcome> {
  const now = clock.now();
  return getDb().transaction(async (tx) => {
    const [recorded] = await tx
      .insert(webhookEvents)
      .values({
        provider,
        eventId: parsed.eventKey,
        type: parsed.type,
        organizationId: payment.organizationId,
        payload: {
          paymentId: payment.id,
          status: parsed.snapshot.status,
          providerStatus: parsed.snapshot.providerStatus,
        },
        receivedAt: now,
        // Recorded and processed in one transaction: the row exists exactly when the change does.
        processedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (!recorded) return ok('duplicate');
    await applyProviderSnapshot(payment.id, parsed.snapshot, { tx, clock, actor: { type: 'provider', id: provider } });
    return ok('processed');
  });
}

async function handleParsed(
  provider: ProviderName,
  parsed: ParsedWebhook,
  adapter: PaymentProviderAdapter,
  mayActFor: (payment: Payment) => Promise<boolean>,
  options: Options,
  known?: Payment,
): Promise<WebhookOutcome> {
  const now = (options.clock ?? systemClock).now();
  if (parsed.kind === 'rejected') return { status: 400, body: parsed.reason };
  if (parsed.kind === 'ignored') {
    if (parsed.eventKey) await recordOnly(provider, parsed.eventKey, parsed.type, null, now);
    return ok(parsed.reason);
  }
  const payment = known ?? (await locatePayment(provider, parsed, adapter));
  if (!payment) {
    await recordOnly(provider, parsed.eventKey, parsed.type, null, now);
    return ok('unknown payment');
  }
  if (!(await mayActFor(payment))) {
    console.warn(
      `${provider} webhook ${parsed.eventKey}: verified with credentials that do not belong to payment ${payment.id}'s organization; ignored`,
    );
    return ok('not for this endpoint');
  }
  return apply(provider, parsed, payment, options);
}

/**
 * POST /webhooks/stripe[?org=<id>]: the deployment's endpoint verifies with STRIPE_WEBHOOK_SECRET;
 * an organization with its own Stripe account has its own endpoint (?org=) and secret.
 */
export async function handleStripeWebhook(request: Request, options: Options = {}): Promise<WebhookOutcome> {
  const rawBody = await request.text();
  const org = new URL(request.url).searchParams.get('org');
  let config: ProviderConfig | null;
  if (org !== null) {
    if (!isUuid(org)) return { status: 400, body: 'bad org' };
    config = await providerConfigFor(org, 'stripe');
  } else {
    config = resolveEnvironmentStripe();
  }
  if (!config || config.provider !== 'stripe' || !config.webhookSecret)
    return { status: 400, body: 'no Stripe webhook secret for this endpoint' };
  const adapter = adapterFor(config, options);
  const parsed = await adapter.parseWebhook({ rawBody, headers: request.headers });
  const source = config.source;
  return handleParsed(
    'stripe',
    parsed,
    adapter,
    async (payment) => {
      // An organization's own secret speaks only for that organization; the deployment's only
      // for organizations without Stripe credentials of their own.
      if (source === 'organization') return payment.organizationId === org;
      return !hasOwnStripeAccount(payment.organizationId, credentialsOf.get(payment) ?? null);
    },
    options,
  ).catch((error: unknown) => failure('stripe', error));
}

/** What became of a Mollie webhook, for the operator's log line; never for the caller. */
export type MollieWebhookCase =
  'processed' | 'duplicate' | 'unknown_payment' | 'no_credentials' | 'unknown_at_mollie' | 'ignored';

/**
 * The answer to every well-formed Mollie webhook we did not fail on. Classic Mollie webhooks are
 * unsigned, so anyone can post any id: the answer must not tell whether that id is a payment of
 * ours, whose it is, or whether its creditor has Mollie credentials. Mollie reads only the status.
 */
export const MOLLIE_ACK: WebhookOutcome = { status: 200, body: 'ok' };

/**
 * POST /webhooks/mollie: a form with `id=tr_...` and nothing we believe besides it. Answers
 * MOLLIE_ACK whatever the id is; a 5xx only when Mollie or we failed (so Mollie retries), a 400
 * only for a body without a well-formed id. Which case it was goes to the log, for the operator.
 */
export async function handleMollieWebhook(
  request: Request,
  options: Options = {},
): Promise<WebhookOutcome & { case?: MollieWebhookCase }> {
  const rawBody = await request.text();
  const id = mollieWebhookId(rawBody);
  if (!id) return { status: 400, body: 'no payment id' };
  const acknowledge = (which: MollieWebhookCase, payment?: Payment) => {
    // The id matched /^tr_[A-Za-z0-9]{4,64}$/, so it cannot forge a log line; no credentials are named.
    if (which !== 'processed' && which !== 'duplicate')
      console.warn(
        `mollie webhook ${id}: ${which}` +
          (payment ? ` (payment ${payment.id}, organization ${payment.organizationId})` : '') +
          '; answered 200, nothing changed',
      );
    return { ...MOLLIE_ACK, case: which };
  };
  let payment = await findPayment('mollie', eq(payments.providerPaymentId, id));
  if (!payment) {
    // Our id travels in the webhook URL, for a payment whose Mollie id we failed to store; Mollie's answer decides.
    const ours = new URL(request.url).searchParams.get('payment');
    const candidate = isUuid(ours) ? await findPayment('mollie', eq(payments.id, ours)) : null;
    if (candidate && (!candidate.providerPaymentId || candidate.providerPaymentId === id)) payment = candidate;
  }
  if (!payment) return acknowledge('unknown_payment');
  const config = await providerConfigFor(payment.organizationId, 'mollie');
  if (!config) return acknowledge('no_credentials', payment);
  const found = payment;
  try {
    const adapter = adapterFor(config, options);
    const parsed = await adapter.parseWebhook({ rawBody, headers: request.headers });
    if (parsed.kind === 'rejected') return { status: 400, body: 'no payment id' };
    if (parsed.kind === 'ignored') return acknowledge('unknown_at_mollie', found);
    const outcome = await handleParsed('mollie', parsed, adapter, async () => true, options, found);
    if (outcome.status !== 200) return outcome;
    return acknowledge(
      outcome.body === 'processed' ? 'processed' : outcome.body === 'duplicate' ? 'duplicate' : 'ignored',
      found,
    );
  } catch (error) {
    return failure('mollie', error);
  }
}

/** POST /webhooks/demo: the demo provider's signed delivery (not in production). */
export async function handleDemoWebhook(request: Request, options: Options = {}): Promise<WebhookOutcome> {
  if (!demoProviderAllowed()) return { status: 404, body: 'Not found' };
  const rawBody = await request.text();
  const adapter = adapterFor({ provider: 'demo', source: 'demo' }, options);
  try {
    const parsed = await adapter.parseWebhook({ rawBody, headers: request.headers });
    return await handleParsed('demo', parsed, adapter, async (payment) => payment.provider === 'demo', options);
  } catch (error) {
    return failure('demo', error);
  }
}

/** The provider retries what we could not process: say so with a 5xx, never with details. */
function failure(provider: ProviderName, error: unknown): WebhookOutcome {
  if (error instanceof ProviderUnavailableError) return { status: 503, body: 'provider unavailable, retry later' };
  console.error(`${provider} webhook failed`, error);
  return { status: 500, body: 'could not process, retry later' };
}
