import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { camt053 } from '~test/fixtures/bank/build-camt';
import { looksLikeMt940, parseStatementFile } from './parse';
import { StatementParseError, type ParsedFile, type ParsedLine } from './statement-types';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/bank');
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const utf8 = (text: string) => new TextEncoder().encode(text);

function parseError(bytes: Uint8Array, opts?: { maxEntries?: number }): StatementParseError {
  try {
    parseStatementFile(bytes, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(StatementParseError);
    return error as StatementParseError;
  }
  throw new Error('expected the file to be refused');
}

/** A camt.053.001.02 document around the given Stmt content. */
function camtDoc(stmtInner: string, ns = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'): Uint8Array {
  return utf8(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="${ns}"><BkToCstmrStmt><GrpHdr><MsgId>T</MsgId><CreDtTm>2026-03-02T10:00:00</CreDtTm></GrpHdr>
<Stmt>${stmtInner}</Stmt></BkToCstmrStmt></Document>`);
}

const ACCT = '<Id>T-1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>';

function entry(opts: { amt?: string; ind?: string; date?: string; extra?: string } = {}): string {
  const amt = opts.amt === undefined ? '<Amt Ccy="EUR">10.00</Amt>' : opts.amt;
  return `<Ntry>${amt}<CdtDbtInd>${opts.ind ?? 'CRDT'}</CdtDbtInd><BookgDt><Dt>${opts.date ?? '2026-03-02'}</Dt></BookgDt>${opts.extra ?? ''}</Ntry>`;
}

const lines = (file: ParsedFile) => file.statements.flatMap((s) => s.lines);

describe('camt.053.001.02 (ING/Rabobank-like fixture)', () => {
  const file = parseStatementFile(fixture('camt053-001-02.xml'));
  const [statement] = file.statements;

  it('reads the statement', () => {
    expect(file.format).toBe('camt.053.001.02');
    expect(file.statements).toHaveLength(1);
    expect(statement).toMatchObject({
      id: '20260302-NL91ABNA0417164300',
      accountIban: 'NL91ABNA0417164300',
      currency: 'EUR',
      fromDate: '2026-03-02',
      toDate: '2026-03-02',
      skippedEntries: 1, // the pending entry
    });
    expect(statement.lines).toHaveLength(8);
  });

  it('reads a transfer with a structured reference, every field', () => {
    expect(statement.lines[0]).toEqual<ParsedLine>({
      entryRef: 'ACC-20260302-0001',
      txIndex: 0,
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      amountCents: 12_100,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      counterpartyName: 'Jansen & Zonen B.V.',
      counterpartyIban: 'NL44RABO0123456789',
      structuredRef: '7000202600000001',
      remittance: null,
      endToEndId: 'E2E-JANSEN-0001',
    });
  });

  it('joins the Ustrd lines, takes NtryRef without AcctSvcrRef, ignores NOTPROVIDED', () => {
    expect(statement.lines[1]).toMatchObject({
      entryRef: 'NTRY-0002',
      valueDate: '2026-03-01',
      bookingDate: '2026-03-02',
      amountCents: 25_000,
      remittance: 'Betaling facturen 2026-0002 en 2026-0003, dank u wel',
      structuredRef: null,
      endToEndId: null,
      counterpartyIban: 'NL36INGB0007654321',
    });
  });

  it('takes the creditor side as the counterparty of a debit', () => {
    expect(statement.lines[2]).toMatchObject({
      direction: 'debit',
      amountCents: 4_550,
      counterpartyName: 'Kantoorartikelen Noord B.V.',
      counterpartyIban: 'NL63TRIO0212345678',
      reversal: false,
    });
  });

  it('splits a batch entry into one line per transaction with their own amounts', () => {
    const batch = statement.lines.filter((l) => l.entryRef === 'ACC-20260302-0004');
    expect(batch.map((l) => [l.txIndex, l.amountCents, l.structuredRef, l.counterpartyName])).toEqual([
      [0, 10_000, '5000202600000002', 'Jansen & Zonen B.V.'],
      [1, 20_000, '3000202600000003', 'P. de Vries'],
    ]);
  });

  it('marks a reversal (RvslInd) and keeps the original payer as the counterparty', () => {
    expect(statement.lines[5]).toMatchObject({
      entryRef: 'ACC-20260302-0005',
      direction: 'debit',
      reversal: true,
      amountCents: 12_100,
      counterpartyIban: 'NL44RABO0123456789',
      endToEndId: 'E2E-JANSEN-0001',
    });
  });

  it('uses the entry description when there are no transaction details', () => {
    expect(statement.lines[6]).toMatchObject({
      amountCents: 7_525,
      remittance: 'OVERBOEKING factuur F2026-0142 klantnr 5512',
      counterpartyName: null,
      counterpartyIban: null,
    });
  });

  it('keeps a batch without transaction amounts as one line with all references', () => {
    expect(statement.lines[7]).toMatchObject({
      txIndex: 0,
      amountCents: 8_000,
      structuredRef: 'RF85F20260142',
      structuredRefs: ['RF85F20260142', '7000202600000001'],
      counterpartyName: 'Bakkerij Het Anker',
    });
  });
});

describe('camt.053.001.08 with two statements', () => {
  const file = parseStatementFile(fixture('camt053-001-08-two-statements.xml'));

  it('reads both statements and accounts through the namespace prefix', () => {
    expect(file.format).toBe('camt.053.001.08');
    expect(file.statements.map((s) => [s.id, s.accountIban, s.lines.length])).toEqual([
      ['0008-STMT-A', 'NL91ABNA0417164300', 1],
      ['0008-STMT-B', 'NL20INGB0001234567', 2],
    ]);
  });

  it('reads the 001.08 shapes: Pty/Nm, TxDtls/Amt, BookgDt/DtTm, a spaced IBAN and RF', () => {
    expect(file.statements[0].lines[0]).toMatchObject({
      entryRef: '0008-A-0001',
      bookingDate: '2026-03-02',
      amountCents: 163_273,
      counterpartyName: 'Brouwerij De Gouden Leeuw',
      counterpartyIban: 'NL63TRIO0212345678',
      structuredRef: 'RF85F20260142',
      endToEndId: 'INV-2026-0142',
    });
  });

  it('normalises a Belgian OGM to its 12 digits and prefers Dbtr over UltmtDbtr', () => {
    expect(file.statements[1].lines[0]).toMatchObject({
      counterpartyName: 'Dupont SPRL',
      counterpartyIban: 'BE68539007547034',
      structuredRef: '312401398067',
      endToEndId: null,
    });
  });

  it('reads a bank-cost debit without details or value date', () => {
    expect(file.statements[1].lines[1]).toMatchObject({
      direction: 'debit',
      amountCents: 1_210,
      valueDate: null,
      remittance: 'Kosten betalingsverkeer februari',
    });
  });

  it('falls back to the booking days when the statement has no period', () => {
    expect(file.statements[1]).toMatchObject({ fromDate: '2026-03-02', toDate: '2026-03-02' });
  });
});

describe('camt.054', () => {
  it('reads a notification (Ntfctn) like a statement', () => {
    const file = parseStatementFile(fixture('camt054-001-08.xml'));
    expect(file.format).toBe('camt.054.001.08');
    expect(file.statements).toHaveLength(1);
    expect(file.statements[0]).toMatchObject({ id: 'NTF-77', accountIban: 'NL91ABNA0417164300' });
    expect(file.statements[0].lines[0]).toMatchObject({
      amountCents: 6_050,
      counterpartyName: 'M. Bakker',
      counterpartyIban: 'NL66ASNB0707070707',
      remittance: 'factuur 2026-0007 klant 311',
    });
  });

  it('names versions it reads without a version of their own as plain camt.053', () => {
    const file = parseStatementFile(camtDoc(ACCT + entry(), 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.04'));
    expect(file.format).toBe('camt.053');
    expect(lines(file)).toHaveLength(1);
  });
});

describe('unsafe and broken XML', () => {
  it('refuses a billion-laughs document before parsing it', () => {
    const error = parseError(fixture('billion-laughs.xml'));
    expect(error.code).toBe('doctype_forbidden');
    expect(error.detail).toBe('line 2: <!DOCTYPE');
  });

  it('refuses an external entity (SYSTEM "file:///etc/passwd")', () => {
    const error = parseError(fixture('external-entity.xml'));
    expect(error.code).toBe('doctype_forbidden');
    expect(error.message).not.toContain('root:'); // nothing of /etc/passwd was read
  });

  it.each([
    ['a lower-case doctype', '<!doctype Document>'],
    ['an ENTITY declaration without a DOCTYPE', '<!ENTITY x "y">'],
  ])('refuses %s', (_name, declaration) => {
    const xml = `<?xml version="1.0"?>\n${declaration}\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>`;
    expect(parseError(utf8(xml)).code).toBe('doctype_forbidden');
  });

  it('refuses a cut-off file as malformed, naming the line', () => {
    const error = parseError(fixture('malformed.xml'));
    expect(error.code).toBe('malformed');
    expect(error.detail).toMatch(/^line 13, column \d+: /);
  });

  it.each([
    ['crossed tags', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><A><B></A></B></Document>'],
    ['two roots', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/><Document/>'],
    ['a bare ampersand', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><A>a & b</A></Document>'],
    ['an unterminated comment', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><!-- x</Document>'],
    ['an unquoted attribute', '<Document xmlns=urn:x><A/></Document>'],
  ])('refuses %s as malformed', (_name, xml) => {
    expect(parseError(utf8(xml)).code).toBe('malformed');
  });

  it('refuses a camt.052 report as an unsupported format, naming its namespace', () => {
    const error = parseError(fixture('unknown-namespace.xml'));
    expect(error.code).toBe('unsupported_format');
    expect(error.detail).toBe('<Document> in "urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"');
    expect(error.message).toContain('camt.053.001.02');
  });

  it.each([
    ['no namespace', '<Document><BkToCstmrStmt/></Document>'],
    ['another namespace', '<Document xmlns="urn:example:statement"/>'],
    ['camt.053.001.01', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"/>'],
    ['another root', '<Invoice xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>'],
  ])('refuses %s as an unsupported format', (_name, xml) => {
    expect(parseError(utf8(xml)).code).toBe('unsupported_format');
  });

  it('refuses a document without a statement', () => {
    const error = parseError(
      utf8('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'),
    );
    expect(error.code).toBe('malformed');
    expect(error.detail).toBe('Stmt');
  });
});

describe('values in a camt entry', () => {
  it('refuses an amount with three decimals, naming the entry', () => {
    const error = parseError(fixture('bad-amount.xml'));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toBe('Stmt 1, Ntry 2: Amt "12.345"');
    expect(error.message).toContain('Stmt 1, Ntry 2');
  });

  it.each<[string, number]>([
    ['12.5', 1_250],
    ['12.500', 1_250],
    ['0012.34', 1_234],
    ['12', 1_200],
    ['999999999.99', 99_999_999_999],
    ['0.01', 1],
  ])('reads %s as %i cents', (amount, cents) => {
    const file = parseStatementFile(camtDoc(ACCT + entry({ amt: `<Amt Ccy="EUR">${amount}</Amt>` })));
    expect(lines(file)[0].amountCents).toBe(cents);
  });

  it.each([
    ['-5.00', 'a negative amount'],
    ['5,00', 'a decimal comma'],
    ['1000000000.00', 'more than 999,999,999.99'],
    ['1e3', 'an exponent'],
    ['12.001', 'a fraction of a cent'],
    [' ', 'an empty amount'],
  ])('refuses %j (%s)', (amount) => {
    const error = parseError(camtDoc(ACCT + entry({ amt: `<Amt Ccy="EUR">${amount}</Amt>` })));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toMatch(/^Stmt 1, Ntry 1: Amt/);
  });

  it('skips an entry of zero (nothing to book) and counts it', () => {
    const file = parseStatementFile(camtDoc(ACCT + entry({ amt: '<Amt Ccy="EUR">0.00</Amt>' }) + entry()));
    expect(lines(file)).toHaveLength(1);
    expect(file.statements[0].skippedEntries).toBe(1);
  });

  it.each([
    ['a missing amount', entry({ amt: '' }), 'Stmt 1, Ntry 1: Amt'],
    ['an amount without currency', entry({ amt: '<Amt>1.00</Amt>' }), 'Stmt 1, Ntry 1: Amt/@Ccy'],
    [
      'a missing direction',
      '<Ntry><Amt Ccy="EUR">1.00</Amt><BookgDt><Dt>2026-03-02</Dt></BookgDt></Ntry>',
      'Stmt 1, Ntry 1: CdtDbtInd',
    ],
    ['an unknown direction', entry({ ind: 'CRED' }), 'Stmt 1, Ntry 1: CdtDbtInd "CRED"'],
    ['a date that does not exist', entry({ date: '2026-02-30' }), 'Stmt 1, Ntry 1: BookgDt "2026-02-30"'],
    ['a date in another format', entry({ date: '02-03-2026' }), 'Stmt 1, Ntry 1: BookgDt "02-03-2026"'],
    ['a date out of range', entry({ date: '1899-12-31' }), 'Stmt 1, Ntry 1: BookgDt "1899-12-31"'],
    [
      'no booking and no value date',
      '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>',
      'Stmt 1, Ntry 1: BookgDt',
    ],
    [
      'a control character in a name',
      entry({ extra: '<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>A&#1;B</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>' }),
      'Stmt 1, Ntry 1, TxDtls 1: RltdPties/Dbtr/Nm',
    ],
  ])('refuses %s', (_name, ntry, detail) => {
    const error = parseError(camtDoc(ACCT + ntry));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toBe(detail);
  });

  it.each([
    ['no account', '<Id>T-1</Id>', 'Stmt 1: Acct/Id/IBAN'],
    [
      'an account that is not an IBAN',
      '<Id>T-1</Id><Acct><Id><Othr><Id>0417164300</Id></Othr></Id></Acct>',
      'Stmt 1: Acct/Id/IBAN "0417164300"',
    ],
    [
      'an IBAN with a wrong check',
      '<Id>T-1</Id><Acct><Id><IBAN>NL92ABNA0417164300</IBAN></Id></Acct>',
      'Stmt 1: Acct/Id/IBAN "NL92ABNA0417164300"',
    ],
    ['no statement Id', '<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>', 'Stmt 1: Id'],
  ])('refuses a statement with %s', (_name, header, detail) => {
    const error = parseError(camtDoc(header + entry()));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toBe(detail);
  });

  it('takes the currency from the entries when the account has none', () => {
    const file = parseStatementFile(
      camtDoc('<Id>T-1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>' + entry()),
    );
    expect(file.statements[0].currency).toBe('EUR');
  });

  it('decodes entities, character references and CDATA in text, and no others', () => {
    const extra =
      '<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Caf&#233; &lt;De Hoek&gt; &amp; Zn</Nm></Dbtr></RltdPties>' +
      '<RmtInf><Ustrd><![CDATA[factuur <1> &amp;]]></Ustrd><Ustrd>&amp;lt;</Ustrd></RmtInf></TxDtls></NtryDtls>';
    const [line] = lines(parseStatementFile(camtDoc(ACCT + entry({ extra }))));
    expect(line.counterpartyName).toBe('Café <De Hoek> & Zn');
    expect(line.remittance).toBe('factuur <1> &amp; &lt;');
  });

  it('cuts the remittance at 1,000 characters', () => {
    const long = Array.from({ length: 10 }, () => `<Ustrd>${'x'.repeat(140)}</Ustrd>`).join('');
    const [line] = lines(
      parseStatementFile(
        camtDoc(ACCT + entry({ extra: `<NtryDtls><TxDtls><RmtInf>${long}</RmtInf></TxDtls></NtryDtls>` })),
      ),
    );
    expect(line.remittance!.length).toBeLessThanOrEqual(1_000);
  });

  it('reads a file with a byte-order mark and leading blank lines', () => {
    const bytes = camtDoc(ACCT + entry());
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, 0x20, ...bytes]);
    expect(lines(parseStatementFile(withBom))).toHaveLength(1);
  });
});

describe('maxEntries', () => {
  it('refuses more entries than allowed before building anything', () => {
    const error = parseError(fixture('camt053-001-02.xml'), { maxEntries: 5 });
    expect(error.code).toBe('too_many_entries');
    expect(error.detail).toBe('8 Ntry');
    expect(parseError(fixture('camt053-001-08-two-statements.xml'), { maxEntries: 2 }).detail).toBe('3 Ntry');
  });

  it('counts the lines a batch splits into', () => {
    const batch =
      '<Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls>' +
      ['1.00', '1.00', '1.00'].map((a) => `<TxDtls><Amt Ccy="EUR">${a}</Amt></TxDtls>`).join('') +
      '</NtryDtls></Ntry>';
    const error = parseError(camtDoc(ACCT + batch), { maxEntries: 2 });
    expect(error.code).toBe('too_many_entries');
    expect(parseStatementFile(camtDoc(ACCT + batch), { maxEntries: 3 }).statements[0].lines).toHaveLength(3);
  });

  it('reads a generated statement of 10,000 entries completely', () => {
    const xml = camt053({
      statementId: 'BIG',
      accountIban: 'NL91ABNA0417164300',
      bookingDate: '2026-03-02',
      entries: Array.from({ length: 10_000 }, (_, i) => ({
        amountCents: 100 + i,
        entryRef: `E-${i}`,
        debtorName: `Debiteur ${i}`,
        debtorIban: 'NL44RABO0123456789',
        structuredRef: i % 2 === 0 ? '7000202600000001' : null,
        remittance: `Factuur 2026-${i}`,
      })),
    });
    const file = parseStatementFile(utf8(xml));
    const all = lines(file);
    expect(all).toHaveLength(10_000);
    expect(all.reduce((sum, l) => sum + l.amountCents, 0)).toBe(10_000 * 100 + (9_999 * 10_000) / 2);
    expect(all[9_999]).toMatchObject({ entryRef: 'E-9999', remittance: 'Factuur 2026-9999', structuredRef: null });
  });
});

describe('MT940, ING (SWIFT envelope, CRLF)', () => {
  const file = parseStatementFile(fixture('mt940-ing.940'));
  const [statement] = file.statements;

  it('reads the statement inside the envelope', () => {
    expect(file.format).toBe('mt940');
    expect(statement).toMatchObject({
      id: 'P260302000000001/00061',
      accountIban: 'NL91ABNA0417164300', // from "NL91ABNA0417164300EUR"
      currency: 'EUR',
      fromDate: '2026-03-01',
      toDate: '2026-03-02',
    });
    expect(statement.lines).toHaveLength(4);
  });

  it('reads /CNTP/ and /REMI/STRD/, joining the wrapped :86: lines', () => {
    expect(statement.lines[0]).toEqual<ParsedLine>({
      entryRef: '00000000001001',
      txIndex: 0,
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      amountCents: 12_100,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      counterpartyName: 'JANSEN EN ZONEN B.V.',
      counterpartyIban: 'NL44RABO0123456789',
      structuredRef: '7000202600000001',
      remittance: null,
      endToEndId: 'E2E-JANSEN-0001',
    });
  });

  it('reads /REMI/USTD// text and drops NOTPROVIDED', () => {
    expect(statement.lines[1]).toMatchObject({
      remittance: 'Betaling facturen 2026-0002 en 2026-0003',
      endToEndId: null,
      counterpartyName: 'P. DE VRIES',
    });
  });

  it('reads a debit and an RC reversal (money out) with /RTRN/', () => {
    expect(statement.lines[2]).toMatchObject({ direction: 'debit', reversal: false, amountCents: 4_550 });
    expect(statement.lines[3]).toMatchObject({
      direction: 'debit',
      reversal: true,
      amountCents: 12_100,
      endToEndId: 'E2E-JANSEN-0001',
      counterpartyIban: 'NL44RABO0123456789',
    });
  });
});

describe('MT940, ABN AMRO', () => {
  const file = parseStatementFile(fixture('mt940-abn.sta'));
  const [statement] = file.statements;

  it('skips the bank header lines and reads :28:', () => {
    expect(statement).toMatchObject({ id: 'ABN AMRO BANK NV/19001/1', accountIban: 'NL91ABNA0417164300' });
    expect(statement.lines).toHaveLength(3);
  });

  it('reads /TRTP/ subfields with a "/" inside the remittance', () => {
    expect(statement.lines[0]).toMatchObject({
      entryRef: null, // NONREF
      counterpartyName: 'JANSEN EN ZONEN BV',
      counterpartyIban: 'NL44RABO0123456789',
      remittance: 'Factuur 2026-0001 en 2026/0004',
      endToEndId: 'E2E-ABN-1',
    });
  });

  it('reads the labelled text form (IBAN: NAAM: OMSCHRIJVING:)', () => {
    expect(statement.lines[1]).toMatchObject({
      amountCents: 7_525,
      counterpartyName: 'P DE VRIES',
      counterpartyIban: 'NL36INGB0007654321',
      remittance: 'FACTUUR F2026-0142',
    });
  });

  it('reads free text as the remittance', () => {
    expect(statement.lines[2]).toMatchObject({
      direction: 'debit',
      remittance: 'ABN AMRO Bank N.V. ACCOUNT KOSTEN',
      counterpartyIban: null,
    });
  });
});

describe('MT940, Rabobank', () => {
  const [statement] = parseStatementFile(fixture('mt940-rabo.txt')).statements;

  it('takes the counterparty IBAN from the second :61: line and the name from /ORDP//NAME/', () => {
    expect(statement.lines[0]).toMatchObject({
      amountCents: 9_995,
      counterpartyName: 'M. Bakker',
      counterpartyIban: 'NL66ASNB0707070707',
      structuredRef: '5000202600000002', // CDTRREF
      endToEndId: 'E2E-RABO-1',
    });
  });

  it('reads an RD reversal as money in', () => {
    expect(statement.lines[1]).toMatchObject({ direction: 'credit', reversal: true, amountCents: 2_000 });
  });

  it('uses the entry date as the booking date and /BENM//NAME/ for money out', () => {
    expect(statement.lines[2]).toMatchObject({
      direction: 'debit',
      valueDate: '2026-03-02',
      bookingDate: '2026-03-03',
      counterpartyName: 'Rabobank',
    });
  });
});

describe('MT940 details and errors', () => {
  function mt940(
    body: string[],
    {
      account = 'NL91ABNA0417164300',
      opening = 'C260301EUR0,00',
      closing,
    }: { account?: string; opening?: string; closing: string },
  ) {
    return utf8(
      [':20:TEST', `:25:${account}`, ':28C:1', `:60F:${opening}`, ...body, `:62F:${closing}`, '-'].join('\n'),
    );
  }

  it.each<[string, string, string]>([
    ['251231', '0102', '2026-01-02'],
    ['260102', '1231', '2025-12-31'],
    ['260315', '0316', '2026-03-16'],
  ])('books value date %s with entry date %s on %s', (value, entryDate, booking) => {
    const [line] = lines(
      parseStatementFile(mt940([`:61:${value}${entryDate}C1,00NTRFNONREF`], { closing: 'C260316EUR1,00' })),
    );
    expect(line.bookingDate).toBe(booking);
  });

  it('reads an amount without decimals and a funds code', () => {
    const [line] = lines(
      parseStatementFile(mt940([':61:260302CR100,NTRFNONREF//B1'], { closing: 'C260302EUR100,00' })),
    );
    expect(line).toMatchObject({ amountCents: 10_000, entryRef: 'B1', direction: 'credit' });
  });

  it('reads a free-text :86: with an IBAN, never our own', () => {
    const file = parseStatementFile(
      mt940(
        [
          ':61:260302C5,00NTRFNONREF',
          ':86:OVERBOEKING NL36INGB0007654321 P DE VRIES FACTUUR 2026-0009',
          ':61:260302C5,00NTRFNONREF',
          ':86:TERUG VAN NL91ABNA0417164300',
        ],
        { closing: 'C260302EUR10,00' },
      ),
    );
    expect(lines(file).map((l) => l.counterpartyIban)).toEqual(['NL36INGB0007654321', null]);
    expect(lines(file)[0].remittance).toBe('OVERBOEKING NL36INGB0007654321 P DE VRIES FACTUUR 2026-0009');
  });

  it('reads text that opens with an unknown /CODE/ as free text', () => {
    const [line] = lines(
      parseStatementFile(
        mt940([':61:260302C5,00NTRFNONREF', ':86:/XYZ/factuur 2026-0011'], { closing: 'C260302EUR5,00' }),
      ),
    );
    expect(line.remittance).toBe('/XYZ/factuur 2026-0011');
  });

  it('takes a remittance that is only a valid reference as the structured reference', () => {
    const [line] = lines(
      parseStatementFile(
        mt940([':61:260302C5,00NTRFNONREF', ':86:/REMI/RF85F20260142/EREF/X1'], { closing: 'C260302EUR5,00' }),
      ),
    );
    expect(line).toMatchObject({ structuredRef: 'RF85F20260142', endToEndId: 'X1' });
  });

  it('reads several statements and several envelopes in one file', () => {
    const one = [
      ':20:A',
      ':25:NL91ABNA0417164300',
      ':28C:1',
      ':60F:C260301EUR0,00',
      ':61:260302C1,00NTRFNONREF',
      ':62F:C260302EUR1,00',
      '-}',
    ];
    const two = [
      ':20:B',
      ':25:NL20INGB0001234567',
      ':28C:2',
      ':60F:C260301EUR0,00',
      ':61:260302D1,00NTRFNONREF',
      ':62F:D260302EUR1,00',
      '-}',
    ];
    const text = `{1:F01X}{2:I940X}{4:\n${one.join('\n')}{5:{CHK:1}}\n{1:F01X}{2:I940X}{4:\n${two.join('\n')}`;
    const file = parseStatementFile(utf8(text));
    expect(file.statements.map((s) => [s.id, s.accountIban, s.lines[0].direction])).toEqual([
      ['A/1', 'NL91ABNA0417164300', 'credit'],
      ['B/2', 'NL20INGB0001234567', 'debit'],
    ]);
  });

  it('reads Windows-1252 text (older exports)', () => {
    const head = utf8(
      ':20:T\n:25:NL91ABNA0417164300\n:28C:1\n:60F:C260301EUR0,00\n:61:260302C1,00NTRFNONREF\n:86:/NAME/Caf',
    );
    const tail = utf8('/REMI/x\n:62F:C260302EUR1,00\n');
    const [line] = lines(parseStatementFile(new Uint8Array([...head, 0xe9, ...tail])));
    expect(line.counterpartyName).toBe('Café');
  });

  it('refuses an account that is not an IBAN, naming it', () => {
    const error = parseError(mt940([], { account: '0417164300EUR', closing: 'C260302EUR0,00' }));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toBe('statement 1 (line 1): :25: "0417164300EUR"');
  });

  it('accepts a BIC before the IBAN in :25:', () => {
    const file = parseStatementFile(mt940([], { account: 'ABNANL2A/NL91ABNA0417164300', closing: 'C260302EUR0,00' }));
    expect(file.statements[0].accountIban).toBe('NL91ABNA0417164300');
  });

  it('refuses balances that do not add up (a truncated or altered file)', () => {
    const error = parseError(mt940([':61:260302C1,00NTRFNONREF'], { closing: 'C260302EUR2,00' }));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toContain(':60F: + :61: ≠ :62F:');
  });

  it('refuses a statement without a closing balance', () => {
    const text = utf8(':20:T\n:25:NL91ABNA0417164300\n:28C:1\n:60F:C260301EUR0,00\n:61:260302C1,00NTRFNONREF\n');
    expect(parseError(text).code).toBe('malformed');
  });

  it.each([
    [':61:260302C1,005NTRFNONREF', 'three decimals'],
    [':61:260230C1,00NTRFNONREF', 'a date that does not exist'],
    [':61:260302X1,00NTRFNONREF', 'no C/D mark'],
    [':61:260302C1,00', 'no transaction type'],
  ])('refuses %s (%s), naming the line', (field) => {
    const error = parseError(mt940([field], { closing: 'C260302EUR1,00' }));
    expect(error.code).toBe('invalid_value');
    expect(error.detail).toMatch(/^line 5 \(:61:\)/);
  });

  it('refuses more lines than allowed', () => {
    const body = [':61:260302C1,00NTRFNONREF', ':61:260302C1,00NTRFNONREF', ':61:260302C1,00NTRFNONREF'];
    const error = parseError(mt940(body, { closing: 'C260302EUR3,00' }), { maxEntries: 2 });
    expect(error.code).toBe('too_many_entries');
    expect(error.detail).toBe('line 7 (:61:)');
  });
});

describe('format detection', () => {
  it.each([
    ['an empty file', ''],
    ['plain text', 'Hello, this is not a statement'],
    ['JSON', '{"statement": []}'],
    ['CSV', 'date,amount,description\n2026-03-02,10.00,test'],
    ['MT940 without balances', ':20:X\n:25:NL91ABNA0417164300\n:61:260302C1,00NTRFNONREF'],
  ])('refuses %s as an unsupported format', (_name, text) => {
    const error = parseError(utf8(text));
    expect(error.code).toBe('unsupported_format');
    expect(error.message).toContain('camt.053');
    expect(error.message).toContain('MT940');
  });

  it('recognises MT940 by its fields, also inside an envelope', () => {
    expect(looksLikeMt940(':20:X\n:25:Y\n:60F:C260301EUR0,00')).toBe(true);
    expect(looksLikeMt940('{1:F01}{2:I940}{4::20:X\n:25:Y\n:62F:C260301EUR0,00')).toBe(true);
    expect(looksLikeMt940('<Document/>')).toBe(false);
  });
});
