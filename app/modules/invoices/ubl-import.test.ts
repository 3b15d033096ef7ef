import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValidBetalingskenmerk } from '~/modules/payments/payment-reference';
import { decimalToCents, parseUblInvoice } from './ubl-import';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const invoiceXml = fixture('ubl/peppol-bis3-invoice.xml');

describe('parseUblInvoice', () => {
  it('reads the Peppol BIS 3.0 fixture to the right numbers', () => {
    const result = parseUblInvoice(invoiceXml);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { invoice, warnings } = result;
    expect(warnings).toEqual([]);
    expect(invoice).toMatchObject({
      number: 'F2026-0142',
      issueDate: '2026-03-02',
      dueDate: '2026-04-01',
      currency: 'EUR',
      payableCents: 165_287,
      paymentReference: '9000000020260142',
      description: 'Onderhoud ovens & koelcellen, maart 2026',
      customer: {
        externalRef: '0106:87654321',
        name: 'Bakkerij Van Dijk B.V.',
        email: 'administratie@bakkerij-vandijk.example',
        contactName: 'Mieke van Dijk',
        addressLine: 'Lange Nieuwstraat 12, Achteringang',
        postalCode: '3512 PH',
        city: 'Utrecht',
        country: 'NL',
        vatNumber: 'NL987654321B01',
      },
    });
    expect(isValidBetalingskenmerk(invoice.paymentReference!)).toBe(true);
    expect(invoice.lines).toEqual([
      {
        description: 'Onderhoud dekoven',
        quantity: 6,
        unitPriceCents: 15_000,
        vatRatePercent: 21,
        amountCents: 90_000,
      },
      {
        description: 'Vervangen thermostaat koelcel',
        quantity: 3,
        unitPriceCents: 12_550,
        vatRatePercent: 21,
        amountCents: 37_650,
      },
      { description: 'Voorrijkosten', quantity: 1, unitPriceCents: 4_500, vatRatePercent: 21, amountCents: 4_500 },
      {
        description: 'Reinigingsmiddel voedselveilig 5 l',
        quantity: 4,
        unitPriceCents: 1_235,
        vatRatePercent: 9,
        amountCents: 4_940,
      },
    ]);
    // The lines add up to the document's LineExtensionAmount (1370.90).
    expect(invoice.lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(137_090);
    expect(invoice.pdf?.filename).toBe('F2026-0142.pdf');
    expect(Buffer.from(invoice.pdf!.bytes.subarray(0, 8)).toString('latin1')).toBe('%PDF-1.4');
    expect(Buffer.from(invoice.pdf!.bytes)).toEqual(
      readFileSync(new URL('../../../test/fixtures/invoice-F2026-0142.pdf', import.meta.url)),
    );
  });

  it('refuses a credit note, whether by root element or by type code', () => {
    expect(parseUblInvoice(fixture('ubl/peppol-bis3-creditnote.xml'))).toEqual({
      ok: false,
      issues: [{ code: 'creditNote' }],
    });
    const typed381 = invoiceXml.replace('<cbc:InvoiceTypeCode>380<', '<cbc:InvoiceTypeCode>381<');
    expect(parseUblInvoice(typed381)).toEqual({ ok: false, issues: [{ code: 'creditNote' }] });
  });

  it('refuses what is not UBL, not an invoice, or not XML at all', () => {
    expect(parseUblInvoice('<note><to>Tove</to></note>')).toEqual({
      ok: false,
      issues: [{ code: 'notUbl', params: { root: 'note' } }],
    });
    expect(
      parseUblInvoice('<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>'),
    ).toEqual({ ok: false, issues: [{ code: 'notInvoice', params: { root: 'Order' } }] });
    // An element called Invoice in someone else's namespace is not a UBL invoice.
    expect(parseUblInvoice('<Invoice xmlns="urn:example:invoice"><ID>1</ID></Invoice>')).toMatchObject({
      ok: false,
      issues: [{ code: 'notUbl' }],
    });
    expect(parseUblInvoice('invoice_number;amount\n1;2')).toEqual({ ok: false, issues: [{ code: 'notXml' }] });
    expect(parseUblInvoice('<Invoice><cbc:ID>1</Invoice>')).toEqual({ ok: false, issues: [{ code: 'notXml' }] });
  });

  it('refuses a DOCTYPE, so entity expansion can never happen', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${invoiceXml.replace(/^<\?xml[^>]*>/, '').replace('<cbc:ID>F2026-0142</cbc:ID>', '<cbc:ID>&lol2;</cbc:ID>')}`;
    expect(parseUblInvoice(bomb)).toEqual({ ok: false, issues: [{ code: 'doctype' }] });
  });

  it('names every missing required field', () => {
    const stripped = invoiceXml
      .replace('<cbc:ID>F2026-0142</cbc:ID>', '')
      .replace(/<cac:LegalMonetaryTotal>[\s\S]*<\/cac:LegalMonetaryTotal>/, '');
    const result = parseUblInvoice(stripped);
    expect(result).toEqual({
      ok: false,
      issues: [
        { code: 'missingField', params: { field: 'cbc:ID' } },
        { code: 'missingField', params: { field: 'cac:LegalMonetaryTotal/cbc:PayableAmount' } },
      ],
    });
  });

  it('falls back to the payment terms for a missing due date, and refuses when there are none', () => {
    const noDue = invoiceXml.replace('<cbc:DueDate>2026-04-01</cbc:DueDate>', '');
    const result = parseUblInvoice(noDue);
    expect(result).toMatchObject({
      ok: true,
      invoice: { dueDate: '2026-04-01' },
      warnings: [{ code: 'dueDateFromTerms' }],
    });
    const noTerms = noDue.replace(/<cac:PaymentTerms>[\s\S]*<\/cac:PaymentTerms>/, '');
    expect(parseUblInvoice(noTerms)).toEqual({ ok: false, issues: [{ code: 'missingDueDate' }] });
  });

  it('works with other namespace prefixes and refuses other currencies and a broken PDF', () => {
    const prefixed = invoiceXml
      .replace('xmlns:cac=', 'xmlns:a=')
      .replace('xmlns:cbc=', 'xmlns:b=')
      .replaceAll('cac:', 'a:')
      .replaceAll('cbc:', 'b:');
    expect(parseUblInvoice(prefixed)).toMatchObject({ ok: true, invoice: { payableCents: 165_287 } });

    const dollars = invoiceXml.replace('<cbc:DocumentCurrencyCode>EUR<', '<cbc:DocumentCurrencyCode>USD<');
    expect(parseUblInvoice(dollars)).toEqual({
      ok: false,
      issues: [{ code: 'currencyUnsupported', params: { currency: 'USD' } }],
    });

    const brokenPdf = invoiceXml.replace(
      /(filename="F2026-0142.pdf">)[^<]+/,
      `$1${Buffer.from('GIF89a').toString('base64')}`,
    );
    expect(parseUblInvoice(brokenPdf)).toEqual({ ok: false, issues: [{ code: 'pdfInvalid' }] });
  });
});

describe('decimalToCents', () => {
  it('converts UBL decimals exactly and refuses sub-cent precision', () => {
    expect(decimalToCents('1656.25')).toBe(165_625);
    expect(decimalToCents('1300')).toBe(130_000);
    expect(decimalToCents('-1500')).toBe(-150_000);
    expect(decimalToCents('0.1')).toBe(10);
    expect(decimalToCents('12.3400')).toBe(1_234);
    expect(decimalToCents('12.345')).toBeNull();
    expect(decimalToCents('1,50')).toBeNull();
  });
});
