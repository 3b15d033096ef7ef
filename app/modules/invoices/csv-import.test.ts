import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCsvUpload, detectDelimiter, parseInvoiceCsv, type ImportIssue } from './csv-import';
import { parseImportDate } from './import-dates';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');

const header = 'invoice_number,debtor_ref,debtor_name,debtor_email,debtor_kind,issue_date,due_date,amount';
const row = (amount: string, overrides: Partial<Record<'issue' | 'due' | 'number', string>> = {}) =>
  `${overrides.number ?? 'F-1'},K-1,Jan,jan@example.nl,consumer,${overrides.issue ?? '2026-03-01'},${overrides.due ?? '2026-03-31'},${amount}`;

function issuesOf(csv: string): ImportIssue[] {
  const result = parseInvoiceCsv(csv);
  return [...result.fileIssues, ...result.rows.flatMap((r) => r.issues)];
}

describe('parseInvoiceCsv', () => {
  it('reads the semicolon fixture: comma decimals, day-first dates, any header case, quoted separators', () => {
    const result = parseInvoiceCsv(fixture('invoices-valid.csv'));
    expect(result.delimiter).toBe(';');
    expect(result.fileIssues).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.rows.map((r) => r.value?.amountCents)).toEqual([123_456, 8_995, 123_456, 123_456]);
    expect(result.rows[1].value).toMatchObject({
      issueDate: '2026-03-02',
      dueDate: '2026-03-16',
      debtorKind: 'consumer',
    });
    expect(result.rows[2].value?.description).toBe('Materiaal; leidingwerk');
    expect(result.rows[3].value).toMatchObject({ debtorKind: 'business', currency: 'EUR', description: null });
    expect(result.rows.map((r) => r.row)).toEqual([2, 3, 4, 5]);
  });

  it('accepts a UTF-8 byte order mark and refuses another encoding', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(`${header}\n${row('10.00')}\n`)]);
    const decoded = decodeCsvUpload(withBom);
    expect(decoded.ok).toBe(true);
    expect(parseInvoiceCsv(decoded.ok ? decoded.text : '').ok).toBe(true);
    // "Café" in Windows-1252, as Excel saves "CSV" on many Dutch machines.
    expect(decodeCsvUpload(new Uint8Array([0x43, 0x61, 0x66, 0xe9]))).toEqual({
      ok: false,
      issue: { code: 'notUtf8' },
    });
  });

  it('names missing and unknown columns', () => {
    const issues = issuesOf(
      'invoice_number;debtor;debtor_name;debtor_email;debtor_kind;issue_date;due_date;bedrag\n1;2;3;4;5;6;7;8\n',
    );
    expect(issues).toEqual([
      { code: 'missingColumns', params: { columns: 'debtor_ref, amount' } },
      {
        code: 'unknownColumns',
        params: { columns: 'debtor, bedrag', allowed: expect.stringContaining('invoice_number, debtor_ref') },
      },
    ]);
  });

  it('reports each bad cell with its row number', () => {
    const result = parseInvoiceCsv(fixture('invoices-with-errors.csv'));
    expect(result.delimiter).toBe(',');
    expect(result.ok).toBe(false);
    expect(result.rows[0].issues).toEqual([]);
    expect(result.rows[0].value?.amountCents).toBe(123_456);
    const codes = (n: number) => result.rows.find((r) => r.row === n)!.issues.map((i) => [i.column, i.code]);
    expect(codes(3)).toEqual([['issue_date', 'dateFormat']]);
    expect(codes(4)).toEqual([['issue_date', 'dateImpossible']]);
    expect(codes(5)).toEqual([['amount', 'amountAmbiguous']]);
    expect(result.rows.find((r) => r.row === 5)!.issues[0]).toMatchObject({ row: 5, params: { value: '1,234' } });
    expect(codes(6)).toEqual([
      ['debtor_email', 'emailInvalid'],
      ['debtor_kind', 'kindInvalid'],
      ['due_date', 'dueBeforeIssue'],
      ['amount', 'amountNotPositive'],
    ]);
  });

  it('accepts the unambiguous notations of an amount and refuses the ambiguous ones', () => {
    const cents = (amount: string) => parseInvoiceCsv(`${header}\n${row(amount)}\n`).rows[0];
    expect(cents('"1.234,56"').value?.amountCents).toBe(123_456);
    expect(cents('"1234,56"').value?.amountCents).toBe(123_456);
    expect(cents('1234.56').value?.amountCents).toBe(123_456);
    expect(cents('"1,234.56"').value?.amountCents).toBe(123_456);
    expect(cents('"€ 12,50"').value?.amountCents).toBe(1_250);
    expect(cents('"1,234"').issues).toMatchObject([{ code: 'amountAmbiguous', row: 2 }]);
    expect(cents('1.234').issues).toMatchObject([{ code: 'amountAmbiguous', row: 2 }]);
    expect(cents('12.345').issues).toMatchObject([{ code: 'amountAmbiguous' }]);
    expect(cents('-5').issues).toMatchObject([{ code: 'amountInvalid' }]);
    expect(cents('"1.2.3,4"').issues).toMatchObject([{ code: 'amountInvalid' }]);
  });

  it('refuses a number twice in one file and one debtor reference with two different names', () => {
    const csv = [
      header,
      row('10.00', { number: 'F-1' }),
      row('11.00', { number: 'F-1' }),
      'F-2,K-1,Jan Jansen,jan@example.nl,consumer,2026-03-01,2026-03-31,5.00',
    ].join('\n');
    const result = parseInvoiceCsv(csv);
    expect(result.rows[1].issues).toEqual([
      { row: 3, code: 'duplicateNumber', column: 'invoice_number', params: { number: 'F-1', firstRow: 2 } },
    ]);
    expect(result.rows[2].issues).toEqual([
      { row: 4, code: 'debtorConflict', column: 'debtor_ref', params: { ref: 'K-1', firstRow: 2 } },
    ]);
  });

  it('refuses an empty file, a header without rows, a broken quote, and a short row', () => {
    expect(issuesOf('')).toEqual([{ code: 'empty' }]);
    expect(issuesOf(`${header}\n`)).toEqual([{ code: 'noRows' }]);
    expect(issuesOf(`${header}\n"F-1,K-1\n`)).toMatchObject([{ code: 'malformed' }]);
    expect(issuesOf(`${header}\nF-1,K-1,Jan\n`)[0]).toMatchObject({ code: 'cellCount', row: 2 });
  });

  it('detects the separator from the header only', () => {
    expect(detectDelimiter('a;b;c\n1,2,3,4,5')).toBe(';');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
  });
});

describe('parseImportDate', () => {
  it('takes ISO and day-first dates and refuses everything else', () => {
    expect(parseImportDate('2024-02-29')).toEqual({ ok: true, date: '2024-02-29' });
    expect(parseImportDate('29-02-2024')).toEqual({ ok: true, date: '2024-02-29' });
    expect(parseImportDate('29-02-2023')).toEqual({ ok: false, reason: 'impossible' });
    expect(parseImportDate('2026-13-01')).toEqual({ ok: false, reason: 'impossible' });
    expect(parseImportDate('31-04-2026')).toEqual({ ok: false, reason: 'impossible' });
    for (const text of ['2026/03/01', '01/03/2026', '1-3-2026', '03-01-26', '2026-3-1', 'maart 2026']) {
      expect(parseImportDate(text)).toEqual({ ok: false, reason: 'format' });
    }
  });
});
