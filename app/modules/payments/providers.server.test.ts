import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvents, organizations } from '~db/schema';
import { createOrganization, createStaff } from '~test/factories';
import { MOLLIE_TEST_KEY, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET } from '~test/factories-payments';
import { getDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import {
  getProviderSettings,
  maskSecret,
  openCredentials,
  resolveProviderConfig,
  saveProviderSettings,
} from './providers.server';

afterEach(() => {
  delete process.env.MOLLIE_API_KEY;
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  resetEnv();
});

describe('maskSecret', () => {
  it('keeps the kind and the last four characters, never the key', () => {
    expect(maskSecret('sk_live_51NabcdefghijklmnopQRST')).toBe('sk_live_••••QRST');
    expect(maskSecret('whsec_abcdefghijklmnop1234')).toBe('whsec_••••1234');
    expect(maskSecret('test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM')).toBe('test_••••lXsM');
    expect(maskSecret('short')).toBe('••••');
    expect(maskSecret(null)).toBeNull();
  });
});

describe('provider settings per organization', () => {
  it('stores credentials sealed, shows them masked, and resolves the chosen provider', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const saved = await saveProviderSettings(
      org.id,
      {
        provider: 'stripe',
        stripeSecretKey: STRIPE_TEST_KEY,
        stripeWebhookSecret: STRIPE_WEBHOOK_SECRET,
        mollieApiKey: MOLLIE_TEST_KEY,
      },
      { actor: { type: 'staff', id: admin.id } },
    );
    expect(saved.ok).toBe(true);
    const [row] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(row.paymentProvider).toBe('stripe');
    expect(row.providerCredentials).toMatch(/^v1\./);
    expect(row.providerCredentials).not.toContain(STRIPE_TEST_KEY);
    expect(row.providerCredentials).not.toContain(MOLLIE_TEST_KEY);
    expect(openCredentials(org.id, row.providerCredentials)).toEqual({
      stripe: { secretKey: STRIPE_TEST_KEY, webhookSecret: STRIPE_WEBHOOK_SECRET },
      mollie: { apiKey: MOLLIE_TEST_KEY },
    });
    // Sealed for this organization only: copied onto another row it does not open.
    const other = await createOrganization();
    expect(() => openCredentials(other.id, row.providerCredentials)).toThrow();

    const view = await getProviderSettings(org.id);
    expect(view).toMatchObject({
      provider: 'stripe',
      effective: { provider: 'stripe', source: 'organization' },
      stripe: {
        secretKey: 'sk_test_••••0000',
        webhookSecret: 'whsec_••••0000',
        webhookUrl: `http://voldaan.test/webhooks/stripe?org=${org.id}`,
      },
      mollie: { apiKey: 'test_••••lXsM' },
    });
    expect(JSON.stringify(view)).not.toContain(STRIPE_TEST_KEY);
    const [event] = await getDb().select().from(auditEvents).where(eq(auditEvents.entityId, org.id));
    expect(event.action).toBe('organization.payment_provider_changed');
    expect(JSON.stringify(event.data)).not.toContain(STRIPE_TEST_KEY);

    // Blank keeps the stored secret; switching provider keeps the other's credentials for old payments.
    expect(
      (
        await saveProviderSettings(
          org.id,
          { provider: 'mollie', stripeSecretKey: '' },
          { actor: { type: 'staff', id: admin.id } },
        )
      ).ok,
    ).toBe(true);
    expect(await resolveProviderConfig(org.id)).toMatchObject({ provider: 'mollie', apiKey: MOLLIE_TEST_KEY });
    const again = await getProviderSettings(org.id);
    expect(again.stripe.secretKey).toBe('sk_test_••••0000');

    expect(
      (
        await saveProviderSettings(
          org.id,
          { provider: null, clear: ['mollie', 'stripe'] },
          { actor: { type: 'staff', id: admin.id } },
        )
      ).ok,
    ).toBe(true);
    const [cleared] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(cleared.providerCredentials).toBeNull();
  });

  it('refuses malformed keys and a provider without credentials', async () => {
    const org = await createOrganization();
    const actor = { type: 'system' as const };
    const bad = await saveProviderSettings(
      org.id,
      { provider: 'stripe', stripeSecretKey: 'pk_test_publishable' },
      { actor },
    );
    expect(bad).toMatchObject({ ok: false, errors: { stripeSecretKey: expect.any(String) } });
    const none = await saveProviderSettings(org.id, { provider: 'mollie' }, { actor });
    expect(none).toMatchObject({ ok: false, errors: { mollieApiKey: expect.stringMatching(/^no /) } });
    const orphan = await saveProviderSettings(
      org.id,
      { provider: null, stripeWebhookSecret: STRIPE_WEBHOOK_SECRET },
      { actor },
    );
    expect(orphan).toMatchObject({ ok: false, errors: { stripeSecretKey: expect.stringContaining('webhook secret') } });
    const [row] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(row.providerCredentials).toBeNull();
  });

  it('falls back to the environment, then (outside production) to the demo provider', async () => {
    const org = await createOrganization();
    expect(await resolveProviderConfig(org.id)).toEqual({ provider: 'demo', source: 'demo' });
    process.env.STRIPE_SECRET_KEY = 'sk_test_fromenvironment000000';
    process.env.STRIPE_WEBHOOK_SECRET = 'whsec_fromenvironment00000';
    resetEnv();
    expect(await resolveProviderConfig(org.id)).toMatchObject({
      provider: 'stripe',
      source: 'environment',
      webhookSecret: 'whsec_fromenvironment00000',
    });
    process.env.MOLLIE_API_KEY = MOLLIE_TEST_KEY;
    resetEnv();
    expect(await resolveProviderConfig(org.id)).toMatchObject({ provider: 'mollie', source: 'environment' });
    // An explicit choice is kept to, with the environment's key when the organization has none.
    await getDb().update(organizations).set({ paymentProvider: 'stripe' }).where(eq(organizations.id, org.id));
    expect(await resolveProviderConfig(org.id)).toMatchObject({ provider: 'stripe', source: 'environment' });
  });
});
