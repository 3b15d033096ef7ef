/**
 * An invoice without a PDF from the creditor still has one: drawn from the invoice data (branding,
 * lines, VAT per rate, totals, what is owed, the payment reference and the transfer page's own QR
 * code), in the reader's language, the same bytes for the same data. A stored PDF is served as sent.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { files, invoices, organizations, type InvoiceLine } from '~db/schema';
import { epcQrModules, transferPayloadFor } from '~/modules/payments/index.server';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { pdfText as sanitize } from '~/utils/pdf.server';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { pdfRects, pdfText } from '~test/pdf-text';
import { getInvoicePdf } from './invoice-pdf.server';
import { renderInvoicePdf, vatByRate, type InvoicePdfInput } from './render-pdf.server';

const clock = fixedClock('2026-11-20T10:00:00Z');

const LINES: InvoiceLine[] = [
  { description: 'Onderhoud cv-ketel', quantity: 1, unitPriceCents: 10_000, vatRatePercent: 21, amountCents: 10_000 },
  { description: 'Filters', quantity: 3, unitPriceCents: 1_500, vatRatePercent: 21, amountCents: 4_500 },
  { description: 'Vakblad', quantity: 1, unitPriceCents: 2_000, vatRatePercent: 9, amountCents: 2_000 },
];
// 145,00 × 21% = 30,45; 20,00 × 9% = 1,80; total 165,00 + 32,25 = 197,25
const TOTAL = 19_725;

function input(overrides: Partial<InvoicePdfInput> = {}): InvoicePdfInput {
  return {
    locale: 'nl',
    asOf: clock.now(),
    creditor: {
      name: 'Installatiebedrijf Warm',
      legalName: 'Warm Installaties B.V.',
      kvkNumber: '12345678',
      vatNumber: 'NL123456789B01',
      iban: 'NL91ABNA0417164300',
      bic: 'ABNANL2A',
      email: 'debiteuren@warm.example',
      phone: '020 123 4567',
      website: 'warm.example',
      address: { addressLine: 'Ovenweg 3', postalCode: '1234 AB', city: 'Zwolle', country: 'NL' },
      logo: null,
    },
    debtor: {
      name: 'Jansen Bouw',
      contactName: 'P. Jansen',
      addressLine: 'Dorpsstraat 1',
      postalCode: '1234 AB',
      city: 'Ergens',
      country: 'NL',
      vatNumber: null,
    },
    invoice: {
      number: 'VK-2026-0042',
      description: 'Onderhoud november',
      issueDate: '2026-10-15',
      dueDate: '2026-11-14',
      currency: 'EUR',
      totalCents: TOTAL,
      openCents: TOTAL,
      costsCents: 0,
      interestCents: 0,
      status: 'open',
      paymentReference: '5000000000000426',
      lines: LINES,
    },
    ...overrides,
  };
}

const render = (i: InvoicePdfInput) => renderInvoicePdf(i, { compress: false });

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('an invoice drawn from its data', () => {
  it('is a PDF with the creditor, the debtor, the lines, VAT per rate, the totals and what is owed', async () => {
    const pdf = await render(input());
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'Warm Installaties B.V.',
      'KvK 12345678',
      'Ovenweg 3',
      '1234 AB  Zwolle',
      'Btw-nummer NL123456789B01',
      'IBAN NL91 ABNA 0417 1643 00',
      'Jansen Bouw',
      'Dorpsstraat 1',
      'Factuurnummer',
      'VK-2026-0042',
      '15 oktober 2026',
      '14 november 2026',
      '5000000000000426',
      'Onderhoud cv-ketel',
      'Totaal exclusief btw',
      '€ 165,00',
      'Btw 21% over € 145,00',
      '€ 30,45',
      'Btw 9% over € 20,00',
      '€ 1,80',
      'Totaal inclusief btw',
      '€ 197,25',
      'Nog te betalen op 20 november 2026',
      'Zo betaalt u',
    ]) {
      expect(text, expected).toContain(expected);
    }
  });

  it('carries the same EPC QR code as the transfer page, for what is still owed', async () => {
    const partlyPaid = input();
    partlyPaid.invoice = { ...partlyPaid.invoice, openCents: 9_725, costsCents: 4_000 };
    const pdf = await render(partlyPaid);
    // Owed: open 97,25 + costs 40,00 = 137,25; that is what the transfer page's payload asks.
    expect(pdfText(pdf)).toContain('€ 137,25');
    const { payload } = transferPayloadFor(
      { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', legalName: 'Warm Installaties B.V.' },
      { number: 'VK-2026-0042', paymentReference: '5000000000000426' },
      13_725,
    );
    expect(payload).toContain('EUR137.25');
    const qr = epcQrModules(payload);
    const cell = 120 / (qr.size + 8);
    const rects = pdfRects(pdf).filter((r) => Math.abs(r.h - cell) < 0.001);
    expect(rects.length).toBeGreaterThan(0);
    const x0 = Math.min(...rects.map((r) => r.x));
    const y0 = Math.min(...rects.map((r) => r.y));
    const drawn = new Set<string>();
    for (const r of rects) {
      const row = Math.round((r.y - y0) / cell);
      const col = Math.round((r.x - x0) / cell);
      for (let n = 0; n < Math.round(r.w / cell); n++) drawn.add(`${row}:${col + n}`);
    }
    const expected = new Set<string>();
    for (let row = 0; row < qr.size; row++)
      for (let col = 0; col < qr.size; col++) if (qr.dark(row, col)) expected.add(`${row}:${col}`);
    expect(drawn).toEqual(expected);
  });

  it('is in English for an English reader', async () => {
    const text = pdfText(await render(input({ locale: 'en' })));
    expect(text).toContain('Invoice number');
    expect(text).toContain('VAT 21% on €145.00');
    expect(text).toContain('Total including VAT');
    expect(text).toContain('How to pay');
    expect(text).not.toContain('Factuurnummer');
  });

  it('gives the same bytes for the same data (no clock inside), other bytes for another moment', async () => {
    const a = await render(input());
    const b = await render(input());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const later = await render(input({ asOf: new Date('2026-11-21T10:00:00Z') }));
    expect(Buffer.from(a).equals(Buffer.from(later))).toBe(false);
  });

  it('says a settled invoice is paid and asks for no transfer', async () => {
    const paid = input();
    paid.invoice = { ...paid.invoice, openCents: 0, status: 'paid' };
    const text = pdfText(await render(paid));
    expect(text).toContain('Deze factuur is betaald');
    expect(text).not.toContain('Zo betaalt u');
    expect(pdfRects(await render(paid))).toEqual([]);
  });

  it('without lines shows the total as one line; without a valid IBAN no transfer', async () => {
    const bare = input();
    bare.invoice = { ...bare.invoice, lines: null, description: null };
    bare.creditor = { ...bare.creditor, iban: 'NL00BANK0000000000' };
    const text = pdfText(await render(bare));
    expect(text).toContain('Factuur VK-2026-0042');
    expect(text).toContain('€ 197,25');
    expect(text).not.toContain('Btw 21%');
    expect(text).not.toContain('Zo betaalt u');
  });

  it('draws a PNG logo and leaves out one it cannot draw (WebP, broken bytes)', async () => {
    const withLogo = await render(input({ creditor: { ...input().creditor, logo: PNG } }));
    expect(Buffer.from(withLogo).toString('latin1')).toMatch(/\/Subtype \/Image/);
    const webp = Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1');
    const broken = Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(20)]);
    for (const logo of [webp, broken]) {
      const pdf = await render(input({ creditor: { ...input().creditor, logo } }));
      expect(Buffer.from(pdf).toString('latin1')).not.toMatch(/\/Subtype \/Image/);
      expect(pdfText(pdf)).toContain('VK-2026-0042');
    }
  });

  it('writes names outside the standard fonts as their base letters, never as wrong bytes', async () => {
    expect(sanitize('Łódź Müller – ½ 中')).toBe('Lódz Müller – ½ ?');
    const text = pdfText(await render(input({ debtor: { ...input().debtor, name: 'Łukasz Wójcik' } })));
    expect(text).toContain('Lukasz Wójcik');
  });
});

describe('VAT per rate', () => {
  it('adds up to the invoice total: a rounding cent goes to the largest rate', () => {
    const lines: InvoiceLine[] = [
      { description: 'a', quantity: 1, unitPriceCents: 333, vatRatePercent: 21, amountCents: 333 },
      { description: 'b', quantity: 1, unitPriceCents: 333, vatRatePercent: 21, amountCents: 333 },
      { description: 'c', quantity: 1, unitPriceCents: 100, vatRatePercent: 9, amountCents: 100 },
    ];
    // Per line the creditor rounded 69,93 → 70 twice and 9 once: total 666 + 140 + 100 + 9 = 915.
    const groups = vatByRate(lines, 915);
    expect(groups).toEqual([
      { ratePercent: 9, baseCents: 100, vatCents: 9 },
      { ratePercent: 21, baseCents: 666, vatCents: 140 },
    ]);
    expect(groups.reduce((s, g) => s + g.baseCents + g.vatCents, 0)).toBe(915);
  });
});

describe('getInvoicePdf', () => {
  it('serves the stored PDF as sent, else draws one; only within the organisation and the debtor', async () => {
    const org = await createOrganization({ kvkNumber: '87654321' });
    const debtor = await createDebtor(org, { locale: 'en' });
    const other = await createDebtor(org);
    const drawn = await createInvoice(org, debtor, { totalCents: 12_100, lines: null });
    const sent = await createInvoice(org, debtor);
    const stored = Buffer.from('%PDF-1.4\n%the creditor’s own\n', 'latin1');
    const [file] = await getDb()
      .insert(files)
      .values({
        organizationId: org.id,
        filename: 'own.pdf',
        contentType: 'application/pdf',
        sizeBytes: stored.length,
        sha256: 'x',
        data: stored,
      })
      .returning();
    await getDb().update(invoices).set({ pdfFileId: file.id }).where(eq(invoices.id, sent.id));

    const own = await getInvoicePdf({ organizationId: org.id, debtorId: debtor.id }, { id: sent.id }, { clock });
    expect(own).toMatchObject({ generated: false, filename: `${sent.number}.pdf` });
    expect(Buffer.from(own!.bytes).equals(stored)).toBe(true);

    const generated = await getInvoicePdf(
      { organizationId: org.id, debtorId: debtor.id },
      { id: drawn.id },
      { clock, locale: 'nl', compress: false },
    );
    expect(generated).toMatchObject({ generated: true, number: drawn.number });
    expect(pdfText(generated!.bytes)).toContain(drawn.number);
    expect(pdfText(generated!.bytes)).toContain('KvK 87654321');
    expect(pdfText(generated!.bytes)).toContain('€ 121,00');

    // Without a locale (the API) the debtor's own language.
    const byNumber = await getInvoicePdf(
      { organizationId: org.id },
      { number: drawn.number },
      { clock, compress: false },
    );
    expect(pdfText(byNumber!.bytes)).toContain('Invoice number');

    // Another debtor, another organisation, an id of another shape: nothing.
    expect(await getInvoicePdf({ organizationId: org.id, debtorId: other.id }, { id: drawn.id }, { clock })).toBeNull();
    const otherOrg = await createOrganization();
    expect(await getInvoicePdf({ organizationId: otherOrg.id }, { id: drawn.id }, { clock })).toBeNull();
    expect(await getInvoicePdf({ organizationId: otherOrg.id }, { number: drawn.number }, { clock })).toBeNull();
    expect(await getInvoicePdf({ organizationId: org.id }, { id: 'not-a-uuid' }, { clock })).toBeNull();
  });

  it("draws the creditor's PNG logo from files, and skips an SVG one", async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    const logo = async (data: Buffer, contentType: string) => {
      const [row] = await getDb()
        .insert(files)
        .values({ organizationId: org.id, filename: 'logo', contentType, sizeBytes: data.length, sha256: 'l', data })
        .returning();
      await getDb().update(organizations).set({ logoFileId: row.id }).where(eq(organizations.id, org.id));
    };
    const bytesOf = async () =>
      Buffer.from(
        (await getInvoicePdf({ organizationId: org.id }, { id: invoice.id }, { clock, locale: 'nl', compress: false }))!
          .bytes,
      ).toString('latin1');
    await logo(PNG, 'image/png');
    expect(await bytesOf()).toMatch(/\/Subtype \/Image/);
    await logo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
    expect(await bytesOf()).not.toMatch(/\/Subtype \/Image/);
  });
});
