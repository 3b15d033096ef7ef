import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { organizations } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { audit, type Actor } from '~/modules/audit/index.server';
import { open, seal } from './crypto.server';
import { createDemoAdapter, demoProviderAllowed } from './demo.server';
import { createMollieAdapter } from './mollie.server';
import type { PaymentProviderAdapter, ProviderName } from './provider';
import { createStripeAdapter } from './stripe.server';

/**
 * Which provider an organization pays through, with which credentials:
 *  1. the organization's own choice and credentials (sealed in organizations.provider_credentials);
 *  2. else the environment (STRIPE_SECRET_KEY + STRIPE_WEBHOOK_SECRET, MOLLIE_API_KEY): one creditor per deployment;
 *  3. else, outside production only, the demo provider;
 *  4. else none: the portal offers bank transfer only.
 */

export type StoredCredentials = {
  mollie?: { apiKey: string };
  stripe?: { secretKey: string; webhookSecret?: string | null };
};

export type ProviderConfig =
  | { provider: 'mollie'; source: 'organization' | 'environment'; apiKey: string }
  | { provider: 'stripe'; source: 'organization' | 'environment'; secretKey: string; webhookSecret: string | null }
  | { provider: 'demo'; source: 'demo' };

const credentialsContext = (organizationId: string) => `organizations:${organizationId}:provider_credentials`;

export function sealCredentials(organizationId: string, credentials: StoredCredentials): string {
  return seal(JSON.stringify(credentials), credentialsContext(organizationId));
}

export function openCredentials(organizationId: string, sealed: string | null): StoredCredentials {
  if (!sealed) return {};
  return JSON.parse(open(sealed, credentialsContext(organizationId))) as StoredCredentials;
}

/** "sk_test_…4242": enough to recognise a key, never enough to use it. */
export function maskSecret(secret: string | null | undefined): string | null {
  if (!secret) return null;
  const prefix = /^([a-z]+_(?:(?:live|test)_)?)/i.exec(secret)?.[1] ?? '';
  if (secret.length - prefix.length < 8) return `${prefix}••••`;
  return `${prefix}••••${secret.slice(-4)}`;
}

async function loadOrganization(tx: Tx, organizationId: string) {
  const [org] = await tx
    .select({
      id: organizations.id,
      paymentProvider: organizations.paymentProvider,
      providerCredentials: organizations.providerCredentials,
    })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org ?? null;
}

function fromEnvironment(provider: 'mollie' | 'stripe'): ProviderConfig | null {
  const env = getEnv();
  if (provider === 'mollie' && env.MOLLIE_API_KEY)
    return { provider, source: 'environment', apiKey: env.MOLLIE_API_KEY };
  if (provider === 'stripe' && env.STRIPE_SECRET_KEY) {
    return {
      provider,
      source: 'environment',
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? null,
    };
  }
  return null;
}

/** The deployment's Stripe account (environment), for the endpoint without ?org=. */
export function resolveEnvironmentStripe(): ProviderConfig | null {
  return fromEnvironment('stripe');
}

/** Whether the organization has Stripe credentials of its own (then the deployment's webhook secret does not speak for it). */
export function hasOwnStripeAccount(organizationId: string, sealed: string | null): boolean {
  return Boolean(sealed && openCredentials(organizationId, sealed).stripe?.secretKey);
}

function fromStored(provider: 'mollie' | 'stripe', stored: StoredCredentials): ProviderConfig | null {
  if (provider === 'mollie' && stored.mollie?.apiKey)
    return { provider, source: 'organization', apiKey: stored.mollie.apiKey };
  if (provider === 'stripe' && stored.stripe?.secretKey) {
    return {
      provider,
      source: 'organization',
      secretKey: stored.stripe.secretKey,
      webhookSecret: stored.stripe.webhookSecret ?? null,
    };
  }
  return null;
}

/** The provider new checkouts of this organization go through, or null (bank transfer only). */
export async function resolveProviderConfig(organizationId: string, tx: Tx = getDb()): Promise<ProviderConfig | null> {
  const org = await loadOrganization(tx, organizationId);
  if (!org) return null;
  const stored = openCredentials(org.id, org.providerCredentials);
  const chosen = org.paymentProvider === 'mollie' || org.paymentProvider === 'stripe' ? org.paymentProvider : null;
  // An explicit choice is kept to: never silently another provider than the one the creditor picked.
  if (chosen) return fromStored(chosen, stored) ?? fromEnvironment(chosen);
  // No choice of its own: the deployment's provider, Mollie first (the Dutch default) when both are set.
  const deployment = fromEnvironment('mollie') ?? fromEnvironment('stripe');
  if (deployment) return deployment;
  return demoProviderAllowed() ? { provider: 'demo', source: 'demo' } : null;
}

/**
 * The credentials for a payment made earlier through `provider` (the organization may have
 * switched since; refunds and late webhooks of old payments still need the old keys).
 */
export async function providerConfigFor(
  organizationId: string,
  provider: ProviderName,
  tx: Tx = getDb(),
): Promise<ProviderConfig | null> {
  if (provider === 'demo') return demoProviderAllowed() ? { provider: 'demo', source: 'demo' } : null;
  const org = await loadOrganization(tx, organizationId);
  if (!org) return null;
  return fromStored(provider, openCredentials(org.id, org.providerCredentials)) ?? fromEnvironment(provider);
}

/** Test seam: tests (and only tests) may put an adapter in front of the real ones. */
let adapterOverride: ((config: ProviderConfig) => PaymentProviderAdapter | null) | undefined;
export function setAdapterOverride(next: typeof adapterOverride) {
  adapterOverride = next;
}

export function adapterFor(
  config: ProviderConfig,
  { clock = systemClock }: { clock?: Clock } = {},
): PaymentProviderAdapter {
  const override = adapterOverride?.(config);
  if (override) return override;
  switch (config.provider) {
    case 'mollie':
      return createMollieAdapter({ apiKey: config.apiKey });
    case 'stripe':
      return createStripeAdapter({ secretKey: config.secretKey, webhookSecret: config.webhookSecret });
    case 'demo':
      return createDemoAdapter({ clock });
  }
}

/** Where the provider posts its webhooks (shown in the settings page, sent with every checkout). */
export function webhookUrl(provider: ProviderName, organizationId?: string): string {
  const base = `${getEnv().APP_URL}/webhooks/${provider}`;
  // Stripe signs with a secret per endpoint: an organization with its own secret gets its own endpoint.
  return provider === 'stripe' && organizationId ? `${base}?org=${organizationId}` : base;
}

// -----------------------------------------------------------------------------------------
// Settings, for the back office (admin) page

export type ProviderSettingsView = {
  /** The organization's own choice (null: none, use the deployment's). */
  provider: 'mollie' | 'stripe' | null;
  /** What new checkouts actually go through now. */
  effective: { provider: ProviderName; source: ProviderConfig['source'] } | null;
  mollie: { apiKey: string | null };
  stripe: { secretKey: string | null; webhookSecret: string | null; webhookUrl: string };
  environment: { mollie: boolean; stripe: boolean };
  demoAvailable: boolean;
  mollieWebhookUrl: string;
};

export async function getProviderSettings(organizationId: string, tx: Tx = getDb()): Promise<ProviderSettingsView> {
  const org = await loadOrganization(tx, organizationId);
  if (!org) throw new Error(`no organization ${organizationId}`);
  const stored = openCredentials(org.id, org.providerCredentials);
  const effective = await resolveProviderConfig(organizationId, tx);
  const env = getEnv();
  return {
    provider: org.paymentProvider === 'mollie' || org.paymentProvider === 'stripe' ? org.paymentProvider : null,
    effective: effective ? { provider: effective.provider, source: effective.source } : null,
    mollie: { apiKey: maskSecret(stored.mollie?.apiKey) },
    stripe: {
      secretKey: maskSecret(stored.stripe?.secretKey),
      webhookSecret: maskSecret(stored.stripe?.webhookSecret),
      webhookUrl: webhookUrl('stripe', stored.stripe?.secretKey ? organizationId : undefined),
    },
    environment: { mollie: Boolean(env.MOLLIE_API_KEY), stripe: Boolean(env.STRIPE_SECRET_KEY) },
    demoAvailable: demoProviderAllowed(),
    mollieWebhookUrl: webhookUrl('mollie'),
  };
}

const optionalSecret = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || pattern.test(v), message);

export const ProviderSettingsInput = z.object({
  provider: z.enum(['mollie', 'stripe']).nullable(),
  /** Blank keeps the stored value. */
  mollieApiKey: optionalSecret(/^(live|test)_[A-Za-z0-9]{20,}$/, 'a Mollie API key starts with live_ or test_'),
  stripeSecretKey: optionalSecret(
    /^(sk|rk)_(live|test)_[A-Za-z0-9]{10,}$/,
    'a Stripe secret key starts with sk_live_, sk_test_ or rk_',
  ),
  stripeWebhookSecret: optionalSecret(/^whsec_[A-Za-z0-9]{10,}$/, 'a Stripe webhook secret starts with whsec_'),
  /** Forget the stored credentials of these providers. */
  clear: z.array(z.enum(['mollie', 'stripe'])).optional(),
});
export type ProviderSettingsInput = z.input<typeof ProviderSettingsInput>;

export type SaveProviderSettingsResult =
  | { ok: true; settings: ProviderSettingsView }
  | {
      ok: false;
      errors: Partial<Record<'provider' | 'mollieApiKey' | 'stripeSecretKey' | 'stripeWebhookSecret', string>>;
    };

/**
 * Saves the organization's provider choice and credentials (sealed). Blank secrets keep what is
 * stored; choosing a provider without credentials for it (stored or in the environment) is refused.
 */
export async function saveProviderSettings(
  organizationId: string,
  input: ProviderSettingsInput,
  { actor, clock = systemClock }: { actor: Actor; clock?: Clock },
): Promise<SaveProviderSettingsResult> {
  const parsed = ProviderSettingsInput.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'provider')] ??= issue.message;
    return { ok: false, errors };
  }
  const values = parsed.data;
  return getDb().transaction(async (tx) => {
    const [org] = await tx
      .select({ id: organizations.id, providerCredentials: organizations.providerCredentials })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update');
    if (!org) throw new Error(`no organization ${organizationId}`);
    const stored = openCredentials(org.id, org.providerCredentials);
    for (const name of values.clear ?? []) delete stored[name];
    if (values.mollieApiKey) stored.mollie = { apiKey: values.mollieApiKey };
    if (values.stripeSecretKey) stored.stripe = { ...stored.stripe, secretKey: values.stripeSecretKey };
    if (values.stripeWebhookSecret && stored.stripe) stored.stripe.webhookSecret = values.stripeWebhookSecret;
    if (values.stripeWebhookSecret && !stored.stripe) {
      return { ok: false as const, errors: { stripeSecretKey: 'give the Stripe secret key with its webhook secret' } };
    }
    if (values.provider && !fromStored(values.provider, stored) && !fromEnvironment(values.provider)) {
      const field = values.provider === 'mollie' ? 'mollieApiKey' : 'stripeSecretKey';
      return { ok: false as const, errors: { [field]: `no ${values.provider} credentials are stored or configured` } };
    }
    const now = clock.now();
    const hasAny = Boolean(stored.mollie || stored.stripe);
    await tx
      .update(organizations)
      .set({
        paymentProvider: values.provider,
        providerCredentials: hasAny ? sealCredentials(org.id, stored) : null,
        updatedAt: now,
      })
      .where(eq(organizations.id, org.id));
    await audit(tx, {
      organizationId,
      actor,
      action: 'organization.payment_provider_changed',
      entityType: 'organization',
      entityId: organizationId,
      // Which secrets changed, never their values.
      data: {
        provider: values.provider,
        changed: [
          values.mollieApiKey ? 'mollieApiKey' : null,
          values.stripeSecretKey ? 'stripeSecretKey' : null,
          values.stripeWebhookSecret ? 'stripeWebhookSecret' : null,
          ...(values.clear ?? []).map((c) => `cleared:${c}`),
        ].filter(Boolean),
      },
      at: now,
    });
    return { ok: true as const, settings: await getProviderSettings(organizationId, tx) };
  });
}
