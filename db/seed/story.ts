/**
 * The demo creditor's year, as data: who its debtors are, which invoices it sent them on which
 * day, and what each debtor did (paid early by bank transfer, paid from a reminder in the portal,
 * paid part, asked for a plan, promised a date, disputed, or did nothing). Pure and deterministic:
 * the same `today` gives the same story, every date relative to it, none after it. What the
 * dunning engine, the ledger and the outbox make of it is not written here; the simulation
 * (./simulate.ts) lets the product's own code do that, day by day.
 */
import { addDays } from '../../app/utils/clock';
import type { InvoiceLine } from '../schema';

export type StoryDebtor = {
  ref: string;
  kind: 'consumer' | 'business';
  name: string;
  email: string;
  locale: 'nl' | 'en';
  contactName: string | null;
  phone: string | null;
  addressLine: string;
  postalCode: string;
  city: string;
  country: 'NL' | 'BE';
  vatNumber: string | null;
  /** The account the debtor pays from (named on their bank transfers). */
  iban: string;
};

export type StoryPayment =
  | { via: 'transfer'; day: string; remittance: 'reference' | 'number' }
  | { via: 'portal'; day: string; method: 'ideal' | 'creditcard'; amountCents?: number };

export type StoryInvoice = {
  key: string;
  debtorRef: string;
  issueDate: string;
  dueDate: string;
  lines: InvoiceLine[];
  description: string;
  totalCents: number;
  /** VK-<issue year>-<sequence>, numbered in the order the invoices were issued. */
  number: string;
  payment: StoryPayment | null;
};

export type StoryScript =
  | {
      kind: 'plan';
      debtorRef: string;
      invoiceKeys: string[];
      proposedOn: string;
      approvedOn: string;
      firstDate: string;
      installmentCount: number;
      reason: string;
      firstInstallmentPaidOn: string;
    }
  | { kind: 'promise'; debtorRef: string; invoiceKeys: string[]; madeOn: string; date: string }
  | {
      /**
       * One transfer for several invoices from an account nobody knows, naming neither invoice:
       * it waits in finance's match queue.
       */
      kind: 'unmatched-transfer';
      debtorRef: string;
      invoiceKeys: string[];
      day: string;
      text: string;
      payerName: string;
      payerIban: string;
    }
  | {
      kind: 'dispute';
      debtorRef: string;
      invoiceKey: string;
      openedOn: string;
      repliedOn: string;
      message: string;
      reply: string;
    };

export type Story = {
  today: string;
  /** The day the creditor started with Voldaan: a year ago. */
  start: string;
  debtors: StoryDebtor[];
  invoices: StoryInvoice[];
  scripts: StoryScript[];
};

/** How long the demo creditor has used Voldaan. */
export const HISTORY_DAYS = 365;
const TERM_DAYS = { consumer: 14, business: 30 } as const;
const VAT_PERCENT = 21;

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

const CONSUMERS = [
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

const BUSINESSES = [
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

const BELGIAN = new Set(['Antwerpen', 'Gent', 'Brugge']);

/** What a consumer is invoiced for: description and price excluding VAT, in cents. */
const CONSUMER_ITEMS = [
  ['Jaarlijks onderhoud cv-ketel', 9_500],
  ['Slimme thermostaat, geleverd en gemonteerd', 18_900],
  ['Lekkage verholpen', 6_500],
  ['Radiatorkranen vervangen (6 stuks)', 24_500],
  ['Storingsdienst weekend', 14_500],
  ['Vervanging expansievat', 14_500],
  ['Badkamer leidingwerk', 64_000],
  ['Cv-ketel vervangen (HR-combiketel)', 185_000],
] as const;

const BUSINESS_ITEMS = [
  ['Onderhoudscontract installaties (kwartaal)', 48_000],
  ['Luchtbehandeling: filters vervangen', 32_000],
  ['Storing koelinstallatie verholpen', 27_500],
  ['Legionellapreventie, halfjaarlijkse controle', 21_500],
  ['Vervanging boilerinstallatie', 129_000],
  ['Airconditioning kantoor, onderhoud', 38_500],
] as const;

const LABOUR = {
  consumer: ['Arbeid monteur (per uur)', 5_950],
  business: ['Arbeid monteur (per uur)', 6_450],
} as const;
const CALL_OUT = ['Voorrijkosten', 3_500] as const;

function line(description: string, unitPriceCents: number, quantity = 1): InvoiceLine {
  return { description, quantity, unitPriceCents, vatRatePercent: VAT_PERCENT, amountCents: unitPriceCents * quantity };
}

/** Net plus VAT per rate (rounded once per rate, as on the invoice). */
function totalOf(lines: InvoiceLine[]): number {
  const net = new Map<number, number>();
  for (const l of lines) net.set(l.vatRatePercent, (net.get(l.vatRatePercent) ?? 0) + l.amountCents);
  let total = 0;
  for (const [rate, cents] of net) total += cents + Math.round((cents * rate) / 100);
  return total;
}

/** An IBAN with valid check digits: NL (bank code and ten digits) or BE (twelve digits, national check). */
function makeIban(country: 'NL' | 'BE', random: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  let bban: string;
  if (country === 'NL') {
    const banks = ['RABO', 'INGB', 'ABNA', 'SNSB', 'ASNB', 'TRIO', 'KNAB', 'BUNQ'];
    bban = banks[Math.floor(random() * banks.length)] + digits(10);
  } else {
    const account = digits(10);
    const check = Number(BigInt(account) % 97n) || 97;
    bban = account + String(check).padStart(2, '0');
  }
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  const check = 98 - Number(BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();
/** Banks book transfers on business days: a Saturday or Sunday moves to the Monday. */
const bookingDay = (day: string) => (weekday(day) === 6 ? addDays(day, 2) : weekday(day) === 0 ? addDays(day, 1) : day);

/** The last day before `day` on which a bank books (a weekday). */
function lastBookingDayBefore(day: string): string {
  let d = addDays(day, -1);
  while (weekday(d) === 0 || weekday(d) === 6) d = addDays(d, -1);
  return d;
}

type Draft = Omit<StoryInvoice, 'number'>;

/**
 * The story for a demo whose history ends on `today` (YYYY-MM-DD, Europe/Amsterdam). Every
 * debtor action happens on a day before today; only the dunning engine may act on today itself
 * (the simulation runs it up to the moment of the first start).
 */
export function demoStory(today: string): Story {
  const random = prng(20261123);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const day = (offset: number) => addDays(today, offset);
  const yesterday = day(-1);

  const debtors: StoryDebtor[] = [
    ...CONSUMERS.map(([name, city], i): StoryDebtor => {
      const country = BELGIAN.has(city) ? 'BE' : 'NL';
      return {
        ref: `C-${1001 + i}`,
        kind: 'consumer',
        name,
        email: i === 0 ? 'sanne.devries@example.nl' : `${asciiName(name).replace(/[^a-z]+/g, '.')}@example.nl`,
        locale: 'nl',
        contactName: null,
        phone: country === 'NL' ? `06 ${between(1000, 9999)} ${between(1000, 9999)}` : null,
        addressLine: `${pick(['Kerkstraat', 'Dorpsweg', 'Molenlaan', 'Stationsweg', 'Lindelaan', 'Beukenlaan'])} ${between(1, 180)}`,
        postalCode:
          country === 'NL'
            ? `${between(1000, 9999)} ${pick(['AB', 'CD', 'KL', 'RT', 'XZ', 'GH'])}`
            : `${between(2000, 9999)}`,
        city,
        country,
        vatNumber: null,
        iban: makeIban(country, random),
      };
    }),
    ...BUSINESSES.map(([name, city], i): StoryDebtor => {
      const country = BELGIAN.has(city) ? 'BE' : 'NL';
      return {
        ref: `B-${2001 + i}`,
        kind: 'business',
        name,
        email: `administratie@${asciiName(name).replace(/[^a-z]+/g, '')}.example`,
        // One business reads English (an architects' office with international staff).
        locale: i === 3 ? 'en' : 'nl',
        contactName: pick(['M. de Graaf', 'J. Willems', 'P. van den Berg', 'R. Koster', 'S. Yilmaz']),
        phone: country === 'NL' ? `0${between(10, 79)} ${between(100, 999)} ${between(1000, 9999)}` : null,
        addressLine: `${pick(['Industrieweg', 'Handelskade', 'Ambachtstraat', 'Nijverheidsweg'])} ${between(1, 90)}`,
        postalCode:
          country === 'NL' ? `${between(1000, 9999)} ${pick(['HV', 'PN', 'GE', 'TB'])}` : `${between(2000, 9999)}`,
        city,
        country,
        vatNumber: country === 'NL' ? `NL${between(100000000, 999999999)}B01` : `BE0${between(100000000, 999999999)}`,
        iban: makeIban(country, random),
      };
    }),
  ];
  const byRef = new Map(debtors.map((d) => [d.ref, d]));
  const drafts: Draft[] = [];
  const scripts: StoryScript[] = [];

  const invoice = (
    key: string,
    ref: string,
    issueOffset: number,
    lines: InvoiceLine[],
    payment: StoryPayment | null = null,
  ): Draft => {
    const debtor = byRef.get(ref)!;
    const issueDate = day(issueOffset);
    const draft: Draft = {
      key,
      debtorRef: ref,
      issueDate,
      dueDate: addDays(issueDate, TERM_DAYS[debtor.kind]),
      lines,
      description: lines[0].description,
      totalCents: totalOf(lines),
      payment,
    };
    drafts.push(draft);
    return draft;
  };
  const transfer = (dayOffset: number, remittance: 'reference' | 'number' = 'reference'): StoryPayment => ({
    via: 'transfer',
    day: bookingDay(day(dayOffset)),
    remittance,
  });
  const paymentOn = (p: PaymentDraft): StoryPayment =>
    p.via === 'transfer'
      ? { via: 'transfer', day: bookingDay(day(p.offset)), remittance: p.remittance }
      : { via: 'portal', day: day(p.offset), method: p.method };
  const c = (i: number) => `C-${1001 + i}`;
  const b = (i: number) => `B-${2001 + i}`;

  // Sanne de Vries, the debtor whose link `npm start` prints: a customer for two months, three
  // invoices overdue (9, 24 and 38 days: one, two and three reminders) and one not yet due.
  invoice('sanne-1', c(0), -52, [line('Jaarlijks onderhoud cv-ketel', 9_500), line('Vervanging expansievat', 14_500)]);
  invoice('sanne-2', c(0), -38, [
    line('Lekkage verholpen', 6_500),
    line(LABOUR.consumer[0], LABOUR.consumer[1], 2),
    line(...CALL_OUT),
  ]);
  invoice('sanne-3', c(0), -23, [line('Slimme thermostaat, geleverd en gemonteerd', 18_900)]);
  invoice('sanne-4', c(0), -2, [line('Radiatorkranen vervangen (6 stuks)', 24_500)]);

  // Daan Jansen: a heat pump he could not pay at once. After the final notice he proposed a plan
  // longer than the policy allows; finance approved it the next morning; the first installment is paid.
  invoice('daan-0', c(1), -230, [line('Jaarlijks onderhoud cv-ketel', 9_500)], transfer(-222));
  invoice('daan-1', c(1), -90, [line('Warmtepomp geleverd en geplaatst, termijn 1 van 2', 125_000)]);
  invoice('daan-2', c(1), -64, [line('Jaarlijks onderhoud warmtepomp', 14_500), line(...CALL_OUT)]);
  scripts.push({
    kind: 'plan',
    debtorRef: c(1),
    invoiceKeys: ['daan-1', 'daan-2'],
    proposedOn: day(-30),
    approvedOn: day(-29),
    firstDate: day(-25),
    installmentCount: 14,
    reason: 'De warmtepomp was een grote uitgave; met een maandbedrag kan ik het netjes afbetalen.',
    firstInstallmentPaidOn: day(-25),
  });

  // Emma Visser: paid before, now a week late; after the first reminder she promised a date.
  invoice('emma-0', c(2), -180, [line('Jaarlijks onderhoud cv-ketel', 9_500)], transfer(-170));
  invoice('emma-1', c(2), -120, [line('Vervanging expansievat', 14_500), line(...CALL_OUT)], {
    via: 'portal',
    day: day(-97),
    method: 'ideal',
  });
  invoice('emma-2', c(2), -26, [line('Storingsdienst weekend', 14_500), line('Lekkage verholpen', 6_500)]);
  scripts.push({ kind: 'promise', debtorRef: c(2), invoiceKeys: ['emma-2'], madeOn: day(-3), date: day(7) });

  // Lucas Smit: disputes the hours on his last invoice; support answered the next morning.
  invoice('lucas-0', c(3), -300, [line('Cv-ketel vervangen (HR-combiketel)', 185_000)], transfer(-290));
  invoice('lucas-1', c(3), -29, [
    line(LABOUR.consumer[0], LABOUR.consumer[1], 2),
    line('Radiatorkranen vervangen (6 stuks)', 24_500),
  ]);
  scripts.push({
    kind: 'dispute',
    debtorRef: c(3),
    invoiceKey: 'lucas-1',
    openedOn: day(-6),
    repliedOn: day(-5),
    message:
      'Op de factuur staan twee uur arbeid, maar de monteur is maar een uur bij ons geweest. Wilt u dat corrigeren?',
    reply:
      'Dank voor uw bericht. We vragen de werkbon op bij de monteur en laten u uiterlijk vrijdag weten wat we aanpassen. Tot die tijd sturen we over deze factuur geen herinneringen.',
  });

  // Julia Meijer: paid part of a large invoice from the second reminder; the final notice followed for the rest.
  invoice('julia-0', c(4), -160, [line('Jaarlijks onderhoud cv-ketel', 9_500)], transfer(-150, 'number'));
  invoice('julia-1', c(4), -50, [line('Badkamer leidingwerk', 64_000)], {
    via: 'portal',
    day: day(-13),
    method: 'ideal',
    amountCents: 25_000,
  });

  // Milan de Groot: never reacted; after the fourteen-day letter the claim went to the collection agency.
  invoice('milan-0', c(7), -260, [line('Lekkage verholpen', 6_500), line(...CALL_OUT)], transfer(-240));
  invoice('milan-1', c(7), -100, [
    line('Storingsdienst weekend', 14_500),
    line('Vervanging expansievat', 14_500),
    line(...CALL_OUT),
  ]);

  // Bouwbedrijf Kramer: paid only after the final notice, costs and interest included, by bank transfer.
  invoice(
    'kramer-1',
    b(7),
    -110,
    [line('Onderhoudscontract installaties (kwartaal)', 48_000), line('Materialen volgens werkbon', 21_000)],
    transfer(-41),
  );
  // Restaurant Het Houten Hert: at the final notice now, with costs and interest.
  invoice('hert-1', b(5), -75, [
    line('Storing koelinstallatie verholpen', 27_500),
    line(LABOUR.business[0], LABOUR.business[1], 3),
  ]);

  // Drukkerij Lettervorm's owner paid its two newest invoices early from his own account, in one
  // transfer that names neither: the line waits in finance's match queue.
  invoice('lettervorm-1', b(8), -24, [line('Airconditioning kantoor, onderhoud', 38_500)]);
  invoice('lettervorm-2', b(8), -13, [
    line('Luchtbehandeling: filters vervangen', 32_000),
    line(LABOUR.business[0], LABOUR.business[1], 2),
  ]);
  scripts.push({
    kind: 'unmatched-transfer',
    debtorRef: b(8),
    invoiceKeys: ['lettervorm-1', 'lettervorm-2'],
    day: lastBookingDayBefore(today),
    text: 'Betaling facturen onderhoud',
    payerName: 'J.P. Verhoef',
    payerIban: makeIban('NL', random),
  });

  // Everyone else: a year of ordinary invoices. Three customers never needed a reminder.
  const punctual = new Set([c(9), b(0), b(11)]);
  const scripted = new Set([c(0), c(1), c(2), c(3), c(4), c(7), b(5), b(7)]);
  for (const debtor of debtors) {
    const count = scripted.has(debtor.ref)
      ? debtor.ref === b(5) || debtor.ref === b(7)
        ? between(2, 3)
        : 0
      : debtor.kind === 'consumer'
        ? between(1, 2)
        : between(2, 4);
    const offsets = spreadOffsets(count, random);
    for (const [n, issueOffset] of offsets.entries()) {
      const lines = randomLines(debtor.kind, random);
      const term = TERM_DAYS[debtor.kind];
      // The punctual customers, and the scripted businesses' other invoices, were paid on time.
      const planned =
        punctual.has(debtor.ref) || scripted.has(debtor.ref)
          ? earlyTransfer(issueOffset, term, between)
          : randomPayment(issueOffset, term, random, between);
      invoice(`${debtor.ref}-${n}`, debtor.ref, issueOffset, lines, planned && paymentOn(planned));
    }
  }

  // Nothing a debtor does falls on today or later: such a payment simply has not happened yet.
  for (const d of drafts) if (d.payment && d.payment.day > yesterday) d.payment = null;

  // Invoice numbers follow the order of issue, per calendar year.
  drafts.sort((x, y) => x.issueDate.localeCompare(y.issueDate) || x.key.localeCompare(y.key));
  const sequence = new Map<string, number>();
  const invoices = drafts.map((d): StoryInvoice => {
    const year = d.issueDate.slice(0, 4);
    const n = (sequence.get(year) ?? 0) + 1;
    sequence.set(year, n);
    return { ...d, number: `VK-${year}-${String(n).padStart(4, '0')}` };
  });
  return { today, start: day(-HISTORY_DAYS), debtors, invoices, scripts };
}

function asciiName(name: string) {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** `count` issue days (offsets from today) spread over the year, at least ten days apart. */
function spreadOffsets(count: number, random: () => number): number[] {
  if (count === 0) return [];
  const span = HISTORY_DAYS - 20;
  const slot = Math.floor(span / count);
  return Array.from({ length: count }, (_, i) => -HISTORY_DAYS + 10 + i * slot + Math.floor(random() * (slot - 10)));
}

function randomLines(kind: 'consumer' | 'business', random: () => number): InvoiceLine[] {
  const items = kind === 'consumer' ? CONSUMER_ITEMS : BUSINESS_ITEMS;
  const [description, price] = items[Math.floor(random() * items.length)];
  const lines = [line(description, price)];
  if (random() < 0.45)
    lines.push(line(LABOUR[kind][0], LABOUR[kind][1], 1 + Math.floor(random() * (kind === 'consumer' ? 2 : 4))));
  if (kind === 'business' && random() < 0.35)
    lines.push(line('Materialen volgens werkbon', 2_500 * (2 + Math.floor(random() * 12))));
  if (kind === 'consumer' && random() < 0.5) lines.push(line(...CALL_OUT));
  return lines;
}

type PaymentDraft =
  | { via: 'transfer'; offset: number; remittance: 'reference' | 'number' }
  | { via: 'portal'; offset: number; method: 'ideal' | 'creditcard' };

function earlyTransfer(issueOffset: number, term: number, between: (min: number, max: number) => number): PaymentDraft {
  return { via: 'transfer', offset: between(issueOffset + 2, issueOffset + term - 1), remittance: 'reference' };
}

/**
 * What an ordinary debtor did with an invoice: most paid before the due date by bank transfer;
 * others after the first, second or final reminder, mostly from the reminder's link in the portal;
 * a few not at all (yet).
 */
function randomPayment(
  issueOffset: number,
  term: number,
  random: () => number,
  between: (min: number, max: number) => number,
): PaymentDraft | null {
  const due = issueOffset + term;
  const r = random();
  const portalOr = (share: number): 'portal' | 'transfer' => (random() < share ? 'portal' : 'transfer');
  let offset: number;
  let via: 'portal' | 'transfer';
  if (r < 0.46) return earlyTransfer(issueOffset, term, between);
  if (r < 0.54) [offset, via] = [between(due + 1, due + 6), 'transfer'];
  else if (r < 0.76) [offset, via] = [between(due + 8, due + 17), portalOr(0.75)];
  else if (r < 0.86) [offset, via] = [between(due + 22, due + 32), portalOr(0.65)];
  else if (r < 0.92 || due < -60) [offset, via] = [between(due + 36, due + 48), portalOr(0.4)];
  else return null;
  return via === 'portal'
    ? { via, offset, method: random() < 0.85 ? 'ideal' : 'creditcard' }
    : { via, offset, remittance: random() < 0.7 ? 'reference' : 'number' };
}
