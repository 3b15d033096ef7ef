import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoStaffEmails, seedDemo } from '~db/seed';
import { getDb } from '~/utils/db.server';
import { REMOVE_DEMO_SQL, seedsDemoOnStart, welcomeFacts, welcomeText, type WelcomeFacts } from './welcome';

const APP_URL = 'https://pay.example.com';
const facts: WelcomeFacts = {
  seeded: false,
  demoStaff: demoStaffEmails.map(({ role, email }) => ({ role, email })),
  demoDebtor: { name: 'Sanne de Vries', portalUrl: `${APP_URL}/l/eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0.c2ln` },
};

describe('the start text', () => {
  it('in development: the back office, the demo accounts with their password, and a working portal link', () => {
    const text = welcomeText({ APP_URL, NODE_ENV: 'development' }, facts);
    expect(text).toContain(`Voldaan is running at ${APP_URL}`);
    expect(text).toContain(`Back office:   ${APP_URL}/login`);
    for (const { email } of demoStaffEmails) expect(text).toContain(`${email}  /  ${DEMO_PASSWORD}`);
    expect(text).toContain(facts.demoDebtor!.portalUrl);
    expect(text).toContain(`${APP_URL}/dev/mail`);
    expect(text).toContain('Another debtor: npm run link -- <email or id>');
    expect(welcomeText({ APP_URL, NODE_ENV: 'development' }, { ...facts, seeded: true })).toContain(
      "a year of a creditor's history, up to now",
    );
  });

  it('in production: that demo data is present and how to remove it, without the password or a portal link', () => {
    const text = welcomeText(
      { APP_URL, NODE_ENV: 'production' },
      { ...facts, demoDebtor: { name: 'x', portalUrl: null } },
    );
    expect(text).not.toContain(DEMO_PASSWORD);
    expect(text).not.toMatch(/\/l\//);
    expect(text).not.toContain('/dev/mail');
    expect(text).toContain('Demo data is present');
    expect(text).toContain(REMOVE_DEMO_SQL);
    for (const { email } of demoStaffEmails) expect(text).toContain(email);
    // Even if a link were at hand, production does not print it.
    expect(welcomeText({ APP_URL, NODE_ENV: 'production' }, facts)).not.toContain(facts.demoDebtor!.portalUrl);
    const clean = welcomeText({ APP_URL, NODE_ENV: 'production' }, { seeded: false, demoStaff: [], demoDebtor: null });
    expect(clean).not.toContain('Demo data');
    expect(clean).toContain(`Back office:   ${APP_URL}/login`);
  });

  // Seeding plays the demo's year through the product's code: longer than the default test time on a busy machine.
  it('reads the facts from the database: a link only in development, and the printed removal removes the demo data', async () => {
    await seedDemo({ now: new Date('2026-11-10T10:00:00Z') });
    const links = async () =>
      (await getDb().execute<{ n: number }>(sql`select count(*)::int as n from portal_links`))[0].n;
    const before = await links();
    const production = await welcomeFacts({ NODE_ENV: 'production' }, { seeded: true });
    expect(production.demoStaff.map((s) => s.email)).toEqual(demoStaffEmails.map((s) => s.email));
    expect(production.demoDebtor).toMatchObject({ portalUrl: null });
    expect(await links()).toBe(before);

    const development = await welcomeFacts({ NODE_ENV: 'development' }, { seeded: true });
    expect(development.demoDebtor!.portalUrl).toMatch(/\/l\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await links()).toBe(before + 1);

    await getDb().execute(sql.raw(REMOVE_DEMO_SQL));
    expect(await welcomeFacts({ NODE_ENV: 'production' }, { seeded: false })).toEqual({
      seeded: false,
      demoStaff: [],
      demoDebtor: null,
    });
  }, 300_000);
});

describe('demo data on start', () => {
  it('is created on an empty database in development and test, never in production', () => {
    expect(seedsDemoOnStart({ NODE_ENV: 'development' })).toBe(true);
    expect(seedsDemoOnStart({ NODE_ENV: 'test' })).toBe(true);
    expect(seedsDemoOnStart({ NODE_ENV: 'production' })).toBe(false);
  });
});
