import { inArray, sql } from 'drizzle-orm';
import { staffUsers } from '~db/schema';
import { DEMO_DEBTOR_EMAIL, DEMO_ORG_SLUG, DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { issuePortalLink } from '~/modules/links/index.server';
import { findDebtorsByIdOrEmail } from '~/modules/debtors/index.server';
import { getDb } from '~/utils/db.server';
import type { Env } from '~/utils/env.server';

/** What the start text says about the demo data; in production no password and no live link. */
export type WelcomeFacts = {
  seeded: boolean;
  /** Demo staff accounts found in the database (they sign in with the published demo password). */
  demoStaff: { role: string; email: string }[];
  /** The demo debtor and, in development only, a fresh portal link for it. */
  demoDebtor: { name: string; portalUrl: string | null } | null;
};

/**
 * Whether a start creates the demo creditor in an empty database: in development and test only. A
 * production database starts empty of it (its staff would sign in with the published password, and
 * its payments need the demo provider, which production does not offer).
 */
export function seedsDemoOnStart(env: Pick<Env, 'NODE_ENV'>): boolean {
  return env.NODE_ENV !== 'production';
}

/** The SQL that removes the demo creditor and everything of it (the foreign keys cascade). */
export const REMOVE_DEMO_SQL = `delete from organizations where slug = '${DEMO_ORG_SLUG}';`;

/**
 * The block printed once the app listens. Development: where to sign in, with what, and a working
 * debtor link. Production: no password and no link (a start log is read by more people than the
 * operator, and kept); only that demo data is present and how to remove it.
 */
export function welcomeText(env: Pick<Env, 'APP_URL' | 'NODE_ENV'>, facts: WelcomeFacts): string {
  const lines = [
    '',
    `Voldaan is running at ${env.APP_URL}`,
    facts.seeded
      ? "  Demo data was created on this first start: a year of a creditor's history, up to now."
      : '  Using the data from earlier starts.',
    '',
    `  Back office:   ${env.APP_URL}/login`,
  ];
  if (env.NODE_ENV === 'production') {
    if (facts.demoStaff.length > 0 || facts.demoDebtor)
      lines.push(
        '',
        `  Demo data is present: the demo creditor (slug "${DEMO_ORG_SLUG}") and its staff accounts`,
        `     ${facts.demoStaff.map((s) => s.email).join(', ') || '(none left)'}`,
        '     sign in with the demo password published in the source code. Remove it before real use:',
        `     ${REMOVE_DEMO_SQL}`,
      );
    lines.push('', '  A portal link for a debtor: npm run link -- <email or id>');
    return lines.join('\n');
  }
  lines.push(...facts.demoStaff.map((e) => `     ${e.role.padEnd(8)} ${e.email}  /  ${DEMO_PASSWORD}`));
  if (facts.demoDebtor?.portalUrl)
    lines.push(
      '',
      `  Portal (demo debtor ${facts.demoDebtor.name}):`,
      `     ${facts.demoDebtor.portalUrl}`,
      '',
      `  Emails (the local outbox, with the demo's reminders): ${env.APP_URL}/dev/mail`,
      '  Another debtor: npm run link -- <email or id>',
    );
  return lines.join('\n');
}

/** Reads what the start text needs; issues the demo debtor's portal link in development only. */
export async function welcomeFacts(env: Pick<Env, 'NODE_ENV'>, { seeded }: { seeded: boolean }): Promise<WelcomeFacts> {
  const db = getDb();
  const found = await db
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .where(
      inArray(
        sql`lower(${staffUsers.email})`,
        demoStaffEmails.map((s) => s.email.toLowerCase()),
      ),
    );
  const present = new Set(found.map((f) => f.email.toLowerCase()));
  const demoStaff = demoStaffEmails
    .filter((s) => present.has(s.email.toLowerCase()))
    .map(({ role, email }) => ({ role, email }));
  const [demo] = await findDebtorsByIdOrEmail(db, DEMO_DEBTOR_EMAIL);
  if (!demo) return { seeded, demoStaff, demoDebtor: null };
  if (env.NODE_ENV === 'production') return { seeded, demoStaff, demoDebtor: { name: demo.name, portalUrl: null } };
  const link = await db.transaction((tx) =>
    issuePortalLink(tx, { organizationId: demo.organizationId, debtorId: demo.id, purpose: 'staff' }),
  );
  return { seeded, demoStaff, demoDebtor: { name: demo.name, portalUrl: link.url } };
}

/** What a newcomer needs after `npm start`; what an operator needs after a production start. */
export async function printWelcome(env: Env, { seeded }: { seeded: boolean }) {
  console.log(welcomeText(env, await welcomeFacts(env, { seeded })));
}
