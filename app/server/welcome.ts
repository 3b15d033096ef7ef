import { DEMO_DEBTOR_EMAIL, DEMO_PASSWORD, demoStaffEmails } from '../../db/seed';
import { findDebtorsByIdOrEmail } from '../modules/links/debtor-lookup.server';
import { issuePortalLink } from '../modules/links/links.server';
import { getDb } from '../utils/db.server';
import type { Env } from '../utils/env.server';

/** What a newcomer needs after `npm start`: where to sign in, with what, and a working debtor link. */
export async function printWelcome(env: Env, { seeded }: { seeded: boolean }) {
  const lines = [
    '',
    `Voldaan is running at ${env.APP_URL}`,
    seeded ? '  Demo data was created on this first start.' : '  Using the data from earlier starts.',
    '',
    `  Back office:   ${env.APP_URL}/login`,
    ...demoStaffEmails.map((e) => `     ${e.role.padEnd(8)} ${e.email}  /  ${DEMO_PASSWORD}`),
  ];
  const [demo] = await findDebtorsByIdOrEmail(getDb(), DEMO_DEBTOR_EMAIL);
  if (demo) {
    const link = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: demo.organizationId, debtorId: demo.id, purpose: 'staff' }),
    );
    lines.push(
      '',
      `  Portal (demo debtor ${demo.name}):`,
      `     ${link.url}`,
      '',
      '  Another debtor: npm run link -- <email or id>',
    );
  }
  console.log(lines.join('\n'));
}
