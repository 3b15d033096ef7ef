/** Factories and helpers for the back-office tests (dashboard, debtors, settings, team). */
import { randomBytes } from 'node:crypto';
import {
  disputes,
  paymentAllocations,
  paymentPlans,
  payments,
  type Debtor,
  type Invoice,
  type Organization,
  type StaffUser,
} from '~db/schema';
import { getDb } from '~/utils/db.server';
import { action as loginAction } from '~/routes/login';
import { TEST_PASSWORD } from './factories';
import { cookieFrom, formRequest, routeArgs, settle } from './http';

/** Signs the staff member in through the login form (each from its own address, so the login throttle stays out of the way). */
export async function staffCookie(staff: Pick<StaffUser, 'email'>) {
  const ip = `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join('.')}`;
  const response = (await settle(() =>
    loginAction(routeArgs(formRequest('/login', { email: staff.email, password: TEST_PASSWORD }, { ip }))),
  )) as Response;
  if (!(response instanceof Response) || response.status !== 302) throw new Error('sign-in failed in a test');
  return cookieFrom(response);
}

/** A payment with its allocations to the given invoices (amounts per invoice). */
export async function createPayment(
  org: Pick<Organization, 'id'>,
  debtor: Pick<Debtor, 'id'>,
  input: {
    amountCents: number;
    provider?: 'mollie' | 'stripe' | 'demo' | 'bank_transfer' | 'external' | 'credit_note';
    status?: 'open' | 'pending' | 'paid' | 'failed' | 'canceled' | 'expired' | 'refunded' | 'charged_back';
    paidAt?: Date | null;
    /** When the payment was started; default its paidAt, else the day the factories' invoices are issued. */
    createdAt?: Date;
    refundedCents?: number;
    allocations?: { invoice: Pick<Invoice, 'id'>; amountCents: number; createdAt?: Date }[];
  },
) {
  const db = getDb();
  const createdAt = input.createdAt ?? input.paidAt ?? new Date('2026-10-15T10:00:00Z');
  const [payment] = await db
    .insert(payments)
    .values({
      organizationId: org.id,
      debtorId: debtor.id,
      provider: input.provider ?? 'demo',
      providerPaymentId: `test-${randomBytes(6).toString('hex')}`,
      amountCents: input.amountCents,
      refundedCents: input.refundedCents ?? 0,
      status: input.status ?? 'paid',
      paidAt: input.paidAt ?? null,
      createdAt,
    })
    .returning();
  for (const a of input.allocations ?? []) {
    await db.insert(paymentAllocations).values({
      organizationId: org.id,
      paymentId: payment.id,
      invoiceId: a.invoice.id,
      amountCents: a.amountCents,
      createdAt: a.createdAt ?? createdAt,
    });
  }
  return payment;
}

export async function createPlan(
  org: Pick<Organization, 'id'>,
  debtor: Pick<Debtor, 'id'>,
  input: { status: (typeof paymentPlans.$inferInsert)['status']; totalCents: number },
) {
  const [plan] = await getDb()
    .insert(paymentPlans)
    .values({
      organizationId: org.id,
      debtorId: debtor.id,
      status: input.status,
      totalCents: input.totalCents,
      installmentCount: 3,
      frequency: 'monthly',
      firstDueDate: '2026-12-01',
    })
    .returning();
  return plan;
}

export async function createDispute(
  org: Pick<Organization, 'id'>,
  debtor: Pick<Debtor, 'id'>,
  invoice: Pick<Invoice, 'id' | 'openCents'>,
  input: { status: (typeof disputes.$inferInsert)['status']; createdAt: Date; lastDebtorMessageAt?: Date | null },
) {
  const [dispute] = await getDb()
    .insert(disputes)
    .values({
      organizationId: org.id,
      debtorId: debtor.id,
      invoiceId: invoice.id,
      reason: 'amount_wrong',
      status: input.status,
      disputedCents: invoice.openCents,
      createdAt: input.createdAt,
      lastDebtorMessageAt: input.lastDebtorMessageAt ?? null,
    })
    .returning();
  return dispute;
}
