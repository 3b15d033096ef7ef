/**
 * Factories for the payments tests: organizations with provider credentials (sealed the real
 * way), overdue invoices with a dunning schedule, and a payment started as the portal starts one.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { organizations, payments, type Debtor, type Organization, type Payment } from '~db/schema';
import { pauseInvoices } from '~/modules/dunning/pauses.server';
import { sealCredentials, type StoredCredentials } from '~/modules/payments/providers.server';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization } from './factories';

export const STRIPE_TEST_KEY = 'sk_test_51VoldaanTestKey0000000000';
export const STRIPE_WEBHOOK_SECRET = 'whsec_voldaantestsecret0000000000';
export const MOLLIE_TEST_KEY = 'test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM';

export async function withProvider(org: Organization, provider: 'stripe' | 'mollie', credentials?: StoredCredentials) {
  const stored: StoredCredentials =
    credentials ??
    (provider === 'stripe'
      ? { stripe: { secretKey: STRIPE_TEST_KEY, webhookSecret: STRIPE_WEBHOOK_SECRET } }
      : { mollie: { apiKey: MOLLIE_TEST_KEY } });
  const [updated] = await getDb()
    .update(organizations)
    .set({ paymentProvider: provider, providerCredentials: sealCredentials(org.id, stored) })
    .where(eq(organizations.id, org.id))
    .returning();
  return updated;
}

/**
 * An organization and a debtor with invoices due `daysOverdue` days before `today` (stage 1 done,
 * next reminder planned). `today` defaults to the system's today in Amsterdam, for tests that go
 * through the portal's routes (which read the system clock); tests on a fixed clock pass its day.
 */
export async function debtorWithOverdue(
  amounts: number[],
  {
    org,
    today = amsterdamDate(systemClock.now()),
    daysOverdue = 20,
    debtor,
  }: { org?: Organization; today?: string; daysOverdue?: number; debtor?: Debtor } = {},
) {
  const organization = org ?? (await createOrganization());
  const owner = debtor ?? (await createDebtor(organization));
  const due = new Date(`${today}T00:00:00Z`);
  const invoices = [];
  for (const [i, amount] of amounts.entries()) {
    const dueDate = new Date(due.getTime() - (daysOverdue + amounts.length - i) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    invoices.push(
      await createInvoice(organization, owner, { totalCents: amount, openCents: amount, dueDate, dunningStage: 1 }),
    );
  }
  return { org: organization, debtor: owner, invoices };
}

/** A payment as the portal starts one: status open, the intent, and the payment_pending pause on its invoices. */
export async function startedPayment(
  org: Pick<Organization, 'id'>,
  debtor: Pick<Debtor, 'id'>,
  intent: { invoiceId: string; amountCents: number }[],
  {
    provider = 'stripe',
    providerPaymentId,
    clock,
  }: { provider?: Payment['provider']; providerPaymentId?: string; clock?: Clock } = {},
) {
  const now = (clock ?? systemClock).now();
  return getDb().transaction(async (tx) => {
    const [payment] = await tx
      .insert(payments)
      .values({
        organizationId: org.id,
        debtorId: debtor.id,
        provider,
        providerPaymentId: providerPaymentId ?? `${provider}_${randomBytes(8).toString('hex')}`,
        amountCents: intent.reduce((s, i) => s + i.amountCents, 0),
        intent: intent.length ? intent : null,
        status: 'open',
        expiresAt: new Date(now.getTime() + 30 * 60_000),
        createdAt: now,
      })
      .returning();
    await pauseInvoices(
      tx,
      {
        organizationId: org.id,
        invoiceIds: intent.map((i) => i.invoiceId),
        reason: 'payment_pending',
        sourceId: payment.id,
        until: new Date(now.getTime() + 45 * 60_000),
        actor: { type: 'debtor', id: debtor.id },
      },
      { clock },
    );
    return payment;
  });
}
