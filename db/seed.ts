/**
 * Demo data: one Dutch creditor, a staff user per role, 30 debtors (consumers and businesses)
 * and 120 invoices relative to today: not yet due, overdue 1-90 days, and paid.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import {
  DEFAULT_DUNNING_POLICY,
  DEFAULT_PLAN_POLICY,
  DEFAULT_PORTAL_SETTINGS,
} from '../app/modules/dunning/default-policy';
import { nextActionFor, stagesPassed } from '../app/modules/dunning/schedule';
import { makeBetalingskenmerk } from '../app/modules/payments/payment-reference';
import { hashPassword } from '../app/modules/staff/password.server';
import { addDays, amsterdamDate } from '../app/utils/clock';
import { closeDb, getDb } from '../app/utils/db.server';
import {
  bankAccounts,
  debtors,
  invoices,
  organizations,
  paymentAllocations,
  payments,
  staffUsers,
  type InvoiceLine,
  type NewDebtor,
  type NewInvoice,
} from './schema';

export const DEMO_PASSWORD = 'voldaan-demo-2026';
export const DEMO_ORG_SLUG = 'veldkamp';
export const demoStaffEmails = [
  { role: 'admin', email: 'admin@veldkamp.example', name: 'Anouk Veldkamp' },
  { role: 'finance', email: 'finance@veldkamp.example', name: 'Bram de Jong' },
  { role: 'support', email: 'support@veldkamp.example', name: 'Chantal Bakker' },
] as const;
/** The debtor whose link `npm start` prints: a consumer with overdue invoices. */
export const DEMO_DEBTOR_EMAIL = 'sanne.devries@example.nl';

function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const consumers = [
  ['Sanne de Vries', 'Amsterdam'],
  ['Daan Jansen', 'Utrecht'],
  ['Emma Visser', 'Rotterdam'],
  ['Lucas Smit', 'Den Haag'],
  ['Julia Meijer', 'Eindhoven'],
  ['Sem de Boer', 'Groningen'],
  ['Tess Mulder', 'Tilburg'],
  ['Milan de Groot', 'Almere'],
  ['Zoë Bos', 'Breda'],
  ['Levi Vos', 'Nijmegen'],
  ['Fenna Peters', 'Haarlem'],
  ['Noah Hendriks', 'Arnhem'],
  ['Lotte van Dijk', 'Zwolle'],
  ['Finn Dekker', 'Leiden'],
  ['Saar Brouwer', 'Maastricht'],
  ['Jesse de Wit', 'Delft'],
  ['Anna Dijkstra', 'Antwerpen'],
  ['Thijs Smits', 'Gent'],
] as const;
const businesses = [
  ['Bakkerij Van Leeuwen', 'Amersfoort'],
  ['Hoveniersbedrijf Groenrijk B.V.', 'Apeldoorn'],
  ['De Koffiebranderij Utrecht', 'Utrecht'],
  ['Studio Noord Architecten', 'Amsterdam'],
  ['Fietsenmaker De Spaak', 'Leeuwarden'],
  ['Restaurant Het Houten Hert', 'Deventer'],
  ['Tandartspraktijk Zuid', 'Rotterdam'],
  ['Bouwbedrijf Kramer & Zn.', 'Enschede'],
  ['Drukkerij Lettervorm', 'Gouda'],
  ['Autobedrijf Oosterhout', 'Oosterhout'],
  ['Brasserie Den Anker', 'Brugge'],
  ['Kinderopvang De Vlieger', 'Hilversum'],
] as const;

const items = [
  ['Onderhoud cv-ketel', 9500],
  ['Vervanging thermostaat', 18900],
  ['Installatie warmtepomp (termijn)', 125000],
  ['Lekkage verholpen, voorrijkosten', 6500],
  ['Zonnepanelen, montage', 89000],
  ['Radiatorkranen vervangen', 24500],
  ['Badkamer leidingwerk', 64000],
  ['Storingsdienst weekend', 14500],
] as const;

type SeedOptions = { onlyIfEmpty?: boolean; now?: Date };

/** Seeds the demo creditor. Returns false when data already exists and onlyIfEmpty is set. */
export async function seedDemo({ onlyIfEmpty = false, now = new Date() }: SeedOptions = {}): Promise<boolean> {
  const db = getDb();
  if (onlyIfEmpty) {
    const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(organizations);
    if (count > 0) return false;
  }
  const random = prng(20261123);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const today = amsterdamDate(now);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({
        slug: DEMO_ORG_SLUG,
        name: 'Veldkamp Installatietechniek',
        legalName: 'Veldkamp Installatietechniek B.V.',
        kvkNumber: '68750110',
        vatNumber: 'NL857391612B01',
        iban: 'NL91ABNA0417164300',
        bic: 'ABNANL2A',
        email: 'debiteuren@veldkamp.example',
        phone: '+31 20 123 4567',
        website: 'https://veldkamp.example',
        brandColor: '#0b5d4b',
        senderName: 'Veldkamp Installatietechniek',
        replyTo: 'debiteuren@veldkamp.example',
        dunningPolicy: DEFAULT_DUNNING_POLICY,
        planPolicy: DEFAULT_PLAN_POLICY,
        portalSettings: DEFAULT_PORTAL_SETTINGS,
      })
      .returning();

    // The account the transfer page's QR names is the account whose statements /app/bank reads.
    await tx.insert(bankAccounts).values({ organizationId: org.id, iban: org.iban!, label: 'ABN AMRO zakelijk' });

    await tx.insert(staffUsers).values(
      demoStaffEmails.map((s) => ({
        organizationId: org.id,
        email: s.email,
        name: s.name,
        role: s.role,
        passwordHash,
      })),
    );

    const debtorRows: NewDebtor[] = [
      ...consumers.map(([name, city], i) => ({
        organizationId: org.id,
        externalRef: `C-${1001 + i}`,
        kind: 'consumer' as const,
        name,
        email: i === 0 ? DEMO_DEBTOR_EMAIL : `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.nl`,
        locale: 'nl',
        addressLine: `${pick(['Kerkstraat', 'Dorpsweg', 'Molenlaan', 'Stationsplein', 'Lindelaan'])} ${between(1, 180)}`,
        postalCode: `${between(1000, 9999)} ${pick(['AB', 'CD', 'KL', 'RT', 'XZ'])}`,
        city,
        country: ['Antwerpen', 'Gent'].includes(city) ? 'BE' : 'NL',
      })),
      ...businesses.map(([name, city], i) => ({
        organizationId: org.id,
        externalRef: `B-${2001 + i}`,
        kind: 'business' as const,
        name,
        contactName: pick(['M. de Graaf', 'J. Willems', 'P. van den Berg', 'R. Koster']),
        email: `administratie@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
        locale: i === 3 ? 'en' : 'nl',
        addressLine: `${pick(['Industrieweg', 'Handelskade', 'Ambachtstraat'])} ${between(1, 90)}`,
        postalCode: `${between(1000, 9999)} ${pick(['HV', 'PN', 'GE'])}`,
        city,
        country: city === 'Brugge' ? 'BE' : 'NL',
        vatNumber: `NL${between(100000000, 999999999)}B01`,
      })),
    ];
    const insertedDebtors = await tx.insert(debtors).values(debtorRows).returning();

    let sequence = 0;
    const invoiceRows: NewInvoice[] = [];
    const paidInvoiceNumbers = new Set<string>();
    for (const [index, debtor] of insertedDebtors.entries()) {
      const policy = DEFAULT_DUNNING_POLICY[debtor.kind];
      for (let k = 0; k < 4; k++) {
        sequence += 1;
        // The demo debtor always has overdue invoices at different stages, so the portal has something to show.
        const kind =
          index === 0
            ? (['overdue', 'overdue', 'overdue', 'not_due'] as const)[k]
            : pick(['not_due', 'overdue', 'overdue', 'paid', 'paid', 'overdue', 'not_due'] as const);
        const daysOverdue =
          index === 0
            ? [9, 24, 38, -12][k]
            : kind === 'overdue'
              ? between(1, 90)
              : kind === 'not_due'
                ? -between(1, 30)
                : between(-10, 60);
        const dueDate = addDays(today, -daysOverdue);
        const issueDate = addDays(dueDate, debtor.kind === 'consumer' ? -14 : -30);
        const lineCount = between(1, 3);
        const lines: InvoiceLine[] = [];
        for (let l = 0; l < lineCount; l++) {
          const [description, base] = pick(items);
          const quantity = between(1, 2);
          const unit = Math.round((base * (0.8 + random() * 0.6)) / 5) * 5 * (debtor.kind === 'business' ? 2 : 1);
          lines.push({ description, quantity, unitPriceCents: unit, vatRatePercent: 21, amountCents: unit * quantity });
        }
        const net = lines.reduce((s, l) => s + l.amountCents, 0);
        const total = net + Math.round(net * 0.21);
        const number = `VK-${dueDate.slice(0, 4)}-${String(sequence).padStart(4, '0')}`;
        const paid = kind === 'paid';
        if (paid) paidInvoiceNumbers.add(number);
        const done = paid || daysOverdue < 0 ? 0 : stagesPassed(policy, daysOverdue);
        invoiceRows.push({
          organizationId: org.id,
          debtorId: debtor.id,
          number,
          description: lines[0].description,
          issueDate,
          dueDate,
          totalCents: total,
          openCents: paid ? 0 : total,
          status: paid ? 'paid' : 'open',
          paymentReference: makeBetalingskenmerk(String(202600000 + sequence)),
          lines,
          dunningStage: done,
          nextActionAt: paid ? null : nextActionFor(policy, dueDate, done),
          settledAt: paid ? new Date(`${addDays(dueDate, -between(0, 5))}T10:00:00Z`) : null,
        });
      }
    }
    const insertedInvoices = await tx.insert(invoices).values(invoiceRows).returning();

    for (const invoice of insertedInvoices.filter((i) => paidInvoiceNumbers.has(i.number))) {
      const [payment] = await tx
        .insert(payments)
        .values({
          organizationId: org.id,
          debtorId: invoice.debtorId,
          provider: 'bank_transfer',
          providerPaymentId: `seed-${invoice.number}`,
          method: 'banktransfer',
          amountCents: invoice.totalCents,
          status: 'paid',
          paidAt: invoice.settledAt,
          createdAt: invoice.settledAt ?? now,
        })
        .returning();
      await tx.insert(paymentAllocations).values({
        organizationId: org.id,
        paymentId: payment.id,
        invoiceId: invoice.id,
        amountCents: invoice.totalCents,
      });
    }
  });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  seedDemo({ onlyIfEmpty: true })
    .then((seeded) => console.log(seeded ? 'demo data created' : 'data already present: nothing seeded'))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => closeDb());
}
