import { describe, expect, it } from 'vitest';
import { makeBetalingskenmerk, makeOgm, makeRfReference } from '~/modules/payments/payment-reference';
import {
  classifyStructuredRef,
  extractIbans,
  extractInvoiceNumberCandidates,
  extractStructuredRefs,
  extractStructuredRefsDetailed,
  invoiceNumberVariants,
  normaliseInvoiceNumber,
  normaliseStructuredRef,
} from './references';

const KENMERK = '5000056789012345'; // the Currence example
const RF = 'RF18539007547034'; // the ISO 11649 example, printed "RF18 5390 0754 7034"
const OGM = makeOgm('3124013980'); // +++312/4013/98067+++ style
const OGM_DIGITS = OGM.replace(/[^0-9]/g, '');

describe('normaliseStructuredRef / classifyStructuredRef', () => {
  it.each([
    ['5000 0567 8901 2345', KENMERK, 'betalingskenmerk'],
    [KENMERK, KENMERK, 'betalingskenmerk'],
    ['rf18 5390 0754 7034', RF, 'rf'],
    [RF, RF, 'rf'],
    [OGM, OGM_DIGITS, 'ogm'],
    [OGM.replace(/\+/g, '*'), OGM_DIGITS, 'ogm'],
    [OGM_DIGITS, OGM_DIGITS, 'ogm'],
    [OGM.slice(3, -3), OGM_DIGITS, 'ogm'],
  ])('%s -> %s (%s)', (input, value, kind) => {
    expect(normaliseStructuredRef(input)).toBe(value);
    expect(classifyStructuredRef(input)).toEqual({ kind, value });
  });

  it.each([
    ['5000056789012346', 'betalingskenmerk with a wrong check digit'],
    ['RF19539007547034', 'RF with wrong check digits'],
    [OGM_DIGITS.slice(0, 10) + '00', 'OGM with a wrong check'],
    ['12345', 'too short for anything'],
    ['NL91ABNA0417164300', 'an IBAN'],
  ])('refuses %s (%s)', (input) => {
    expect(classifyStructuredRef(input)).toBeNull();
  });
});

describe('extractStructuredRefs', () => {
  const ours = makeBetalingskenmerk('2026000000042');
  const rf2 = makeRfReference('F20260142');
  it.each<[string, string[]]>([
    [`Betalingskenmerk ${KENMERK}`, [KENMERK]],
    ['kenmerk 5000 0567 8901 2345 dank u', [KENMERK]],
    [`/REMI/${RF}/`, [RF]],
    ['RF18 5390 0754 7034 factuur 12', [RF]],
    ['Ref: rf18539007547034.', [RF]],
    [`${OGM} betaling`, [OGM_DIGITS]],
    [`mededeling ${OGM.replace(/\+/g, '*')}`, [OGM_DIGITS]],
    [`mededeling ${OGM_DIGITS}`, [OGM_DIGITS]],
    [`twee: ${ours} en ${rf2}, nogmaals ${ours}`, [ours, rf2]],
  ])('finds the references in %j', (text, expected) => {
    expect(extractStructuredRefs(text)).toEqual(expected);
  });

  it('gives the kinds', () => {
    expect(extractStructuredRefsDetailed(`${KENMERK} ${RF} ${OGM}`)).toEqual([
      { kind: 'betalingskenmerk', value: KENMERK },
      { kind: 'rf', value: RF },
      { kind: 'ogm', value: OGM_DIGITS },
    ]);
  });

  it.each<[string, string]>([
    ['NL91ABNA0417164300', 'a Dutch IBAN'],
    ['BE68539007547034', 'a Belgian IBAN (its 12 digits pass the OGM check)'],
    ['BE68 5390 0754 7034', 'a printed Belgian IBAN'],
    ['IBAN BE68539007547034 BIC GKCCBEBB', 'a labelled Belgian IBAN'],
    ['5000056789012346', 'a 16-digit number with a wrong check digit'],
    ['1500056789012345678', 'a longer digit run containing a valid kenmerk'],
    ['x5000056789012345', 'a kenmerk glued to a letter'],
    ['betaald op 2026-03-01 bedrag 1.234,56', 'a date and an amount'],
    ['RF19539007547034', 'an RF with wrong check digits'],
    ['', 'nothing'],
  ])('finds none in %j (%s)', (text) => {
    expect(extractStructuredRefs(text)).toEqual([]);
  });

  it('takes null and undefined', () => {
    expect(extractStructuredRefs(null)).toEqual([]);
    expect(extractStructuredRefs(undefined)).toEqual([]);
  });
});

describe('extractIbans', () => {
  it('finds compact and printed IBANs, valid ones only', () => {
    expect(extractIbans('van NL91 ABNA 0417 1643 00 en BE68539007547034 niet NL91ABNA0417164301')).toEqual([
      'NL91ABNA0417164300',
      'BE68539007547034',
    ]);
  });
  it('does not swallow a following word', () => {
    expect(extractIbans('IBAN NL91ABNA0417164300 NAAM JANSEN')).toEqual(['NL91ABNA0417164300']);
  });
});

describe('normaliseInvoiceNumber / invoiceNumberVariants', () => {
  it.each([
    ['2026-0003', '20260003'],
    ['inv 2026 0003', 'INV20260003'],
    ['F2026/0142', 'F20260142'],
    ['fact.nr. 2026.0003', 'FACTNR20260003'],
    ['A_12#3', 'A123'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseInvoiceNumber(input)).toBe(expected);
  });

  it.each<[string, string[]]>([
    ['2026-0003', ['20260003', '20263']],
    ['F-0042', ['F0042', 'F42']],
    ['20260003', ['20260003']],
    ['INV-7', ['INV7']],
    ['000', ['000', '0']],
  ])('variants of %s', (input, expected) => {
    expect(invoiceNumberVariants(input)).toEqual(expected);
  });
});

describe('extractInvoiceNumberCandidates', () => {
  it.each<[string, string[]]>([
    ['2026-0003', ['20260003']],
    ['factuur 2026-0003', ['20260003']],
    ['Factuur: 2026-0003.', ['20260003']],
    ['INV 2026 0003', ['INV20260003']],
    ['fact.nr. 20260003', ['20260003']],
    ['2026/0003', ['20260003']],
    ['F2026-0142', ['F20260142']],
    ['factuurnummer F 2026 0142', ['F20260142']],
  ])('%j yields %j (among its candidates)', (text, expected) => {
    const candidates = extractInvoiceNumberCandidates(text);
    for (const e of expected) expect(candidates).toContain(e);
  });

  it('gives the variant without leading zeros too', () => {
    expect(extractInvoiceNumberCandidates('factuur 2026-0003')).toEqual(['20260003', '20263']);
  });

  it('finds several invoices in one text', () => {
    const candidates = extractInvoiceNumberCandidates('Facturen 2026-0003, 2026-0004 en 2026/0007');
    expect(candidates).toEqual(expect.arrayContaining(['20260003', '20260004', '20260007']));
  });

  it('puts known prefixes in front of numbers without them', () => {
    expect(extractInvoiceNumberCandidates('betaling 2026-0142', ['F'])).toEqual(
      expect.arrayContaining(['20260142', 'F20260142']),
    );
    expect(extractInvoiceNumberCandidates('INV-2026-0003', ['inv-'])).toContain('INV20260003');
  });

  it.each<[string, string]>([
    ['NL91ABNA0417164300', 'an IBAN'],
    ['van NL91 ABNA 0417 1643 00', 'a printed IBAN'],
    ['BE68539007547034', 'a Belgian IBAN'],
    ['betaald 2026-03-01', 'an ISO date'],
    ['datum 01-03-2026', 'a Dutch date'],
    ['op 1/3/26', 'a short date'],
    ['2026-03-01T10:15:00+01:00', 'a timestamp'],
    ['om 10:15', 'a time'],
    ['bedrag 1.234,56', 'a Dutch amount'],
    ['bedrag 1234,56', 'an amount with a decimal comma'],
    ['EUR 1500', 'an amount after a currency'],
    ['€ 12.50', 'an amount after a euro sign'],
    ['1500 euro', 'an amount before a currency'],
    ['1,234.56', 'an English amount'],
    ['januari 2026', 'a lone year'],
    ['nummer 0003', 'a lone number with leading zeros'],
    ['nr 12', 'a short number'],
    ['factuur', 'a label only'],
    [`kenmerk ${KENMERK}`, 'a betalingskenmerk'],
    ['RF18 5390 0754 7034', 'an RF reference'],
  ])('no candidate from %j (%s)', (text) => {
    expect(extractInvoiceNumberCandidates(text)).toEqual([]);
  });

  it('keeps an invoice number next to an amount and a date apart from them', () => {
    const candidates = extractInvoiceNumberCandidates('Factuur 2026-0003 d.d. 01-03-2026 EUR 1.234,56');
    expect(candidates).toContain('20260003');
    for (const c of candidates) {
      expect(c).not.toMatch(/123456|01032026|1234/);
    }
  });

  it('takes null and empty text', () => {
    expect(extractInvoiceNumberCandidates(null)).toEqual([]);
    expect(extractInvoiceNumberCandidates('')).toEqual([]);
  });
});
