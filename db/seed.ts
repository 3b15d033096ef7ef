/**
 * Demo data: a Dutch installer, Veldkamp Installatietechniek, that has used Voldaan for a year up
 * to the moment of the first start. The organisation and its staff accounts are made here (there
 * is no sign-up flow); everything after that goes through the product's own code with a clock that
 * moves through the year (db/seed/simulate.ts): the logo through the branding settings, the bank
 * account through the bank module, debtors and invoices through the intake, every reminder by the
 * dunning engine at its hours and stored in the outbox as sent, payments through the demo provider's
 * checkout and webhook or daily camt.053 statements, a plan, a promise and a dispute through their
 * modules. The story itself (who owes what and does what) is db/seed/story.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { addBankAccount } from '../app/modules/bank/index.server';
import { saveBranding } from '../app/modules/backoffice/index.server';
import {
  DEFAULT_DUNNING_POLICY,
  DEFAULT_PLAN_POLICY,
  DEFAULT_PORTAL_SETTINGS,
} from '../app/modules/dunning/default-policy';
import { migrateJobQueue } from '../app/modules/jobs/index.server';
import { demoProviderAllowed } from '../app/modules/payments/index.server';
import { hashPassword } from '../app/modules/staff/password.server';
import { amsterdamDate, amsterdamInstant, fixedClock, systemClock } from '../app/utils/clock';
import { closeDb, getDb } from '../app/utils/db.server';
import { getEnv, resetEnv } from '../app/utils/env.server';
import { organizations, staffUsers } from './schema';
import { demoLogoPng } from './seed/logo';
import { simulate, type SimulationSummary } from './seed/simulate';
import { demoStory } from './seed/story';

export const DEMO_PASSWORD = 'voldaan-demo-2026';
export const DEMO_ORG_SLUG = 'veldkamp';
export const demoStaffEmails = [
  { role: 'admin', email: 'admin@veldkamp.example', name: 'Anouk Veldkamp' },
  { role: 'finance', email: 'finance@veldkamp.example', name: 'Bram de Jong' },
  { role: 'support', email: 'support@veldkamp.example', name: 'Chantal Bakker' },
] as const;
/** The debtor whose link `npm start` prints: a consumer with overdue invoices. */
export const DEMO_DEBTOR_EMAIL = 'sanne.devries@example.nl';

const DEMO_IBAN = 'NL91ABNA0417164300';

type SeedOptions = {
  onlyIfEmpty?: boolean;
  /** The end of the demo's year: the moment of the first start. Nothing is dated after it. */
  now?: Date;
};

export type DemoSeeded = SimulationSummary & { organizationId: string; from: string; to: string };

/**
 * Seeds the demo creditor. Returns what it made, or null when data already exists and
 * onlyIfEmpty is set. Needs graphile-worker's schema (the outbox queues its sends there), and must
 * run before app/server/tasks.server registers the send checks: those judge a message by the
 * system clock, while the story sends each one at the moment it was queued. A failure removes the
 * half-made creditor again, so the next start tries afresh.
 */
export async function seedDemo({
  onlyIfEmpty = false,
  now = systemClock.now(),
}: SeedOptions = {}): Promise<DemoSeeded | null> {
  const db = getDb();
  if (onlyIfEmpty) {
    const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(organizations);
    if (count > 0) return null;
  }
  // Its portal payments go through the demo provider (checkout and signed webhook), which production does not offer.
  if (!demoProviderAllowed()) {
    throw new Error(
      'The demo data is made with the demo payment provider, which production does not offer: seed a development or test database.',
    );
  }
  const story = demoStory(amsterdamDate(now));
  const openedAt = amsterdamInstant(story.start, 9);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const { org, staff } = await db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({
        slug: DEMO_ORG_SLUG,
        name: 'Veldkamp Installatietechniek',
        legalName: 'Veldkamp Installatietechniek B.V.',
        kvkNumber: '68750110',
        vatNumber: 'NL857391612B01',
        iban: DEMO_IBAN,
        bic: 'ABNANL2A',
        email: 'debiteuren@veldkamp.example',
        phone: '+31 20 123 4567',
        website: 'https://veldkamp.example',
        addressLine: 'Industrieweg 14',
        postalCode: '3542 AD',
        city: 'Utrecht',
        brandColor: '#0b5d4b',
        senderName: 'Veldkamp Installatietechniek',
        replyTo: 'debiteuren@veldkamp.example',
        dunningPolicy: DEFAULT_DUNNING_POLICY,
        planPolicy: DEFAULT_PLAN_POLICY,
        portalSettings: DEFAULT_PORTAL_SETTINGS,
        createdAt: openedAt,
        updatedAt: openedAt,
      })
      .returning();
    const rows = await tx
      .insert(staffUsers)
      .values(
        demoStaffEmails.map((s) => ({
          organizationId: org.id,
          email: s.email,
          name: s.name,
          role: s.role,
          passwordHash,
          createdAt: openedAt,
          updatedAt: openedAt,
        })),
      )
      .returning();
    const of = (role: string) => {
      const row = rows.find((r) => r.role === role)!;
      return { id: row.id, organizationId: org.id, name: row.name };
    };
    return { org, staff: { admin: of('admin'), finance: of('finance'), support: of('support') } };
  });

  try {
    // The first morning: the admin uploads the logo and registers the account the statements come from.
    const clock = fixedClock(new Date(openedAt.getTime() + 20 * 60_000));
    await saveBranding(
      staff.admin,
      { brandColor: org.brandColor, senderName: org.senderName, replyTo: org.replyTo },
      { logo: { bytes: demoLogoPng(), filename: 'veldkamp-logo.png' } },
      { clock },
    );
    clock.set(new Date(openedAt.getTime() + 30 * 60_000));
    await addBankAccount(
      org.id,
      { iban: DEMO_IBAN, label: 'ABN AMRO zakelijk' },
      { type: 'staff', id: staff.admin.id },
      { clock },
    );

    const summary = await withoutCommitWaits(() =>
      simulate({ story, organizationId: org.id, accountIban: DEMO_IBAN, staff, end: now }),
    );
    return { ...summary, organizationId: org.id, from: story.start, to: story.today };
  } catch (error) {
    // A fresh handle: the pool the seed began with was closed and reopened meanwhile.
    await getDb().delete(organizations).where(eq(organizations.id, org.id));
    throw error;
  }
}

/**
 * Demo data needs no durability per transaction: while the year is played (a few thousand small
 * transactions), commits do not wait for the disk (`synchronous_commit=off`, which postgres.js
 * sets on each connection from the URL; a crash could only lose the last moments, never
 * corrupt). The pool is reopened as it was afterwards.
 */
async function withoutCommitWaits<T>(work: () => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) return work();
  const fast = new URL(url);
  fast.searchParams.set('synchronous_commit', 'off');
  await closeDb();
  process.env.DATABASE_URL = fast.toString();
  resetEnv();
  try {
    return await work();
  } finally {
    await closeDb();
    process.env.DATABASE_URL = url;
    resetEnv();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  (async () => {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: npm run db:seed seeds the database it names');
    await migrateJobQueue(url);
    const seeded = await seedDemo({ onlyIfEmpty: true, now: systemClock.now() });
    console.log(
      seeded
        ? `demo data created: ${seeded.from} to ${seeded.to}, ${seeded.invoices} invoices, ${seeded.emails} emails`
        : 'data already present: nothing seeded',
    );
  })()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => closeDb());
}
