import type { Env } from '../utils/env.server';
import { DEMO_PASSWORD, demoStaffEmails } from '../../db/seed';

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
  console.log(lines.join('\n'));
}
