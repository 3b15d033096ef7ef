import { and, eq, inArray } from 'drizzle-orm';
import {
  auditEvents,
  communications,
  dunningPauses,
  organizations,
  portalLinks,
  type Debtor,
  type Organization,
  type PlanPolicy,
} from '~db/schema';
import { DEFAULT_PLAN_POLICY } from '~/modules/dunning/default-policy';
import type { DebtorSession } from '~/modules/links/session.server';
import { pauseActiveAt } from '~/modules/dunning/pauses.server';
import { getDb } from '~/utils/db.server';
import { randomBytes } from 'node:crypto';
import { action as loginAction } from '~/routes/login';
import { createDebtor, createInvoice, createOrganization, createStaff, TEST_PASSWORD } from './factories';
import { cookieFrom, formRequest, routeArgs, settle } from './http';

/** A policy with round numbers that tests can sit exactly on. */
export const TEST_PLAN_POLICY: Required<PlanPolicy> = {
  ...DEFAULT_PLAN_POLICY,
  maxInstallments: 6,
  maxDurationDays: 200,
  minInstallmentCents: 2_500,
  maxTotalCents: 200_000,
  minDownPaymentPercent: 0,
  promiseMaxDays: 14,
  graceDays: 7,
  firstPaymentMaxDays: 30,
};

/** What the plan services need of a portal session, without going through a link. */
export function sessionOf(
  org: Organization,
  debtor: Debtor,
): Pick<DebtorSession, 'organizationId' | 'debtorId' | 'debtor' | 'organization'> {
  return {
    organizationId: org.id,
    debtorId: debtor.id,
    debtor: {
      id: debtor.id,
      name: debtor.name,
      email: debtor.email,
      kind: debtor.kind,
      locale: debtor.locale,
      creditCents: debtor.creditCents,
    },
    organization: {
      ...org,
      portalSettings: org.portalSettings,
      planPolicy: org.planPolicy,
      dunningPolicy: org.dunningPolicy,
    },
  };
}

/** A creditor with finance staff and a debtor owing two overdue invoices (EUR 300.00 + 150.00). */
export async function planWorld(policy: Partial<PlanPolicy> = {}, debtorOverrides: Partial<Debtor> = {}) {
  const org = await createOrganization({ planPolicy: { ...TEST_PLAN_POLICY, ...policy } });
  const finance = await createStaff(org, 'finance');
  const debtor = await createDebtor(org, { locale: 'en', ...debtorOverrides });
  const a = await createInvoice(org, debtor, { dueDate: '2026-10-01', totalCents: 30_000, dunningStage: 1 });
  const b = await createInvoice(org, debtor, { dueDate: '2026-10-20', totalCents: 15_000 });
  return { org, finance, debtor, invoices: [a, b], session: sessionOf(org, debtor) };
}

export async function setPlanPolicy(orgId: string, policy: PlanPolicy) {
  await getDb().update(organizations).set({ planPolicy: policy }).where(eq(organizations.id, orgId));
}

/** Active pause reasons per invoice at `now`. */
export async function pausesAt(invoiceIds: string[], now: Date) {
  const rows = await getDb()
    .select({
      invoiceId: dunningPauses.invoiceId,
      reason: dunningPauses.reason,
      sourceId: dunningPauses.sourceId,
      until: dunningPauses.until,
    })
    .from(dunningPauses)
    .where(and(inArray(dunningPauses.invoiceId, invoiceIds), pauseActiveAt(now)));
  return rows;
}

export async function mailsTo(debtorId: string) {
  return (
    getDb()
      .select({
        template: communications.template,
        toAddress: communications.toAddress,
        props: communications.props,
        linkJti: communications.linkJti,
        locale: communications.locale,
      })
      .from(communications)
      .where(eq(communications.debtorId, debtorId))
      // Messages written in one transaction share created_at: the template name breaks the tie.
      .orderBy(communications.createdAt, communications.template)
  );
}

export async function linkTarget(jti: string | null) {
  if (!jti) return null;
  const [row] = await getDb().select({ target: portalLinks.target }).from(portalLinks).where(eq(portalLinks.jti, jti));
  return row?.target ?? null;
}

export async function auditActions(entityId: string) {
  const rows = await getDb()
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, entityId))
    .orderBy(auditEvents.createdAt);
  return rows.map((r) => r.action);
}

/** Signs a staff member in through the login form and returns the session cookie. */
export async function staffCookie(staff: { email: string }) {
  const ip = `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const response = (await settle(() =>
    loginAction(routeArgs(formRequest('/login', { email: staff.email, password: TEST_PASSWORD }, { ip }))),
  )) as Response;
  if (!(response instanceof Response) || response.status !== 302) throw new Error('sign-in failed in a test');
  return cookieFrom(response);
}
