import {
  MAX_NAME_CHARS,
  MAX_REMITTANCE_CHARS,
  checkedDate,
  cleanRef,
  cleanText,
  decimalToCents,
  fail,
  ibanOrNull,
  quote,
} from './parse-common';
import { classifyStructuredRef, extractIbans, normaliseStructuredRef } from './references';
import type { ParsedFile, ParsedLine, ParsedStatement } from './statement-types';

/**
 * SWIFT MT940 customer statements as Dutch banks deliver them (ING, Rabobank, ABN AMRO and the
 * like), into ParsedFile. Pure and synchronous. Our own parser rather than an npm package: the
 * packages on offer return amounts as floating point numbers and dates as local Date objects,
 * carry no types, and do not read the Dutch :86: variants; MT940 is small enough to read exactly.
 *
 * - Optional SWIFT envelope: {1:…}{2:…}{3:…}{4: … -}{5:…}, one or several messages.
 * - :20: starts a statement; :25: account (an IBAN, possibly with a BIC before it or the currency
 *   after it: "NL91ABNA0417164300EUR"; an account that is not an IBAN is refused); :28C: number;
 *   :60F:/:60M: opening balance (currency, period start); :61: statement line; :86: its details;
 *   :62F:/:62M: closing balance (period end). Opening + lines must equal closing, or the file is
 *   refused (a truncated or altered file).
 * - :61: value date YYMMDD, optional entry date MMDD (the booking date), mark C, D, RC (reversal
 *   of a credit: money out) or RD (reversal of a debit: money in), optional funds code, amount with
 *   a decimal comma, transaction type (N/S/F + 3), the owner's reference, "//" + the bank's
 *   reference (our entry reference), and a second line that some banks use for the counterparty IBAN.
 * - :86: structured with /CODE/ subfields (/EREF/, /REMI/, /NAME/, /IBAN/, /BIC/, /CNTP/ (ING:
 *   IBAN/BIC/name/city), /ORDP//NAME/ and /BENM//NAME/ (Rabobank), /RTRN/, /CSID/, /MARF/, …);
 *   /REMI/USTD//text/ or plain /REMI/text is the remittance; /REMI/STRD/CUR/ref/, CDTRREF/ref or
 *   "ISSUER: CUR REF: ref" is the structured reference. ABN AMRO's labelled text ("IBAN: … NAAM: …
 *   OMSCHRIJVING: …") and free text are read too.
 */

export type Mt940Options = { maxEntries: number };

type Field = { tag: string; value: string; line: number };

const SWIFT_ENVELOPE = [/\{1:[^}]*\}/g, /\{2:[^}]*\}/g, /\{3:(?:\{[^}]*\})*\}/g, /\{5:(?:\{[^}]*\})*\}/g, /\{4:/g];

/** The fields of the text in order, with the line each starts on; continuation lines joined. */
function readFields(text: string): Field[] {
  let body = text.replace(/\r\n?/g, '\n');
  // The envelope sits around the fields; blank it out without moving line numbers.
  for (const pattern of SWIFT_ENVELOPE) body = body.replace(pattern, (m) => m.replace(/[^\n]/g, ''));
  body = body.replace(/^-\}/gm, '-');
  const fields: Field[] = [];
  let current: { tag: string; lines: string[]; line: number } | null = null;
  const flush = () => {
    if (current) fields.push({ tag: current.tag, value: joinLines(current.tag, current.lines), line: current.line });
    current = null;
  };
  const lines = body.split('\n');
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    // Trailing spaces stay: structured :86: text wraps hard at 65 characters, also after a space.
    const line = raw;
    const tag = /^:([0-9]{2}[A-Z]?):(.*)$/.exec(line);
    const bare = line.trim();
    if (tag) {
      flush();
      current = { tag: tag[1], lines: [tag[2]], line: lineNo };
    } else if (bare === '-' || bare === '') {
      // End of a message (or an empty line): what follows belongs to no field until the next tag.
      if (bare === '-') flush();
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  return fields;
}

/** Structured :86: text wraps at 65 characters mid-value; free text wraps between words. */
function joinLines(tag: string, lines: string[]): string {
  if (tag !== '86') return lines.join('\n');
  if (lines[0].startsWith('/')) return lines.join('');
  let out = lines[0];
  for (let i = 1; i < lines.length; i++) out += (lines[i - 1].length >= 65 ? '' : ' ') + lines[i];
  return out;
}

type Draft = {
  ref20: string;
  line: number;
  number: string | null;
  account: string | null;
  opening: { cents: number; currency: string; date: string } | null;
  closing: { cents: number; date: string } | null;
  lines: (ParsedLine & { signed: number; supplementary: string })[];
  skipped: number;
};

export function parseMt940(text: string, { maxEntries }: Mt940Options): ParsedFile {
  const fields = readFields(text);
  const drafts: Draft[] = [];
  let draft: Draft | null = null;
  let lastTag = '';
  let total = 0;
  for (const field of fields) {
    const where = `line ${field.line} (:${field.tag}:)`;
    if (field.tag === '20') {
      draft = {
        ref20: cleanRef(field.value, where) ?? '',
        line: field.line,
        number: null,
        account: null,
        opening: null,
        closing: null,
        lines: [],
        skipped: 0,
      };
      drafts.push(draft);
      lastTag = field.tag;
      continue;
    }
    if (draft === null) continue; // anything before the first :20: (bank headers)
    switch (field.tag) {
      case '25':
        draft.account = field.value.trim();
        break;
      case '28':
      case '28C':
        draft.number = cleanRef(field.value, where);
        break;
      case '60F':
      case '60M': {
        const balance = readBalance(field.value, where);
        draft.opening = { cents: balance.cents, currency: balance.currency, date: balance.date };
        break;
      }
      case '62F':
      case '62M': {
        const balance = readBalance(field.value, where);
        draft.closing = { cents: balance.cents, date: balance.date };
        break;
      }
      case '61': {
        if (draft.opening === null) fail('malformed', 'A statement line comes before the opening balance', where);
        const line = readStatementLine(field, draft.opening.currency, where);
        if (line === null) {
          draft.skipped++;
          lastTag = 'skipped61';
          continue;
        }
        total++;
        if (total > maxEntries) fail('too_many_entries', `The file has more than ${maxEntries} lines`, where);
        draft.lines.push(line);
        break;
      }
      case '86': {
        if (lastTag === 'skipped61') break;
        if (lastTag !== '61' && lastTag !== '86') break; // information about the whole statement
        const line = draft.lines[draft.lines.length - 1];
        if (line) applyDetails(line, field.value, draft, where);
        break;
      }
      default:
        break;
    }
    lastTag = field.tag;
  }
  if (drafts.length === 0) return fail('malformed', 'No MT940 statement found', ':20:');
  return { format: 'mt940', statements: drafts.map(finish) };
}

function readBalance(value: string, where: string) {
  const match = /^([CD])([0-9]{6})([A-Z]{3})([0-9][0-9,]*)$/.exec(value.trim());
  if (match === null)
    return fail('invalid_value', 'Balance is not D/C + YYMMDD + currency + amount', `${where} ${quote(value)}`);
  const cents = decimalToCents(match[4], ',', where);
  return { cents: match[1] === 'C' ? cents : -cents, currency: match[3], date: yymmdd(match[2], where) };
}

function yymmdd(digits: string, where: string): string {
  const yy = Number(digits.slice(0, 2));
  return checkedDate(
    yy >= 90 ? 1900 + yy : 2000 + yy,
    Number(digits.slice(2, 4)),
    Number(digits.slice(4, 6)),
    digits,
    where,
  );
}

const STATEMENT_LINE = /^([0-9]{6})([0-9]{4})?(RC|RD|C|D)([A-Z])?([0-9][0-9,]*)([NSF][A-Z0-9]{3})(.*)$/;

function readStatementLine(field: Field, currency: string, where: string): Draft['lines'][number] | null {
  const [first, ...rest] = field.value.split('\n');
  const match = STATEMENT_LINE.exec(first.trim());
  if (match === null) {
    return fail(
      'invalid_value',
      'Statement line is not date + C/D + amount + type + reference',
      `${where} ${quote(first)}`,
    );
  }
  const [, value, entry, mark, , amount, , refs] = match;
  const valueDate = yymmdd(value, where);
  let bookingDate = valueDate;
  if (entry) {
    // The entry date has no year: the one closest to the value date (a line booked on 31 December
    // can have its value date in January).
    const valueYear = Number(valueDate.slice(0, 4));
    const month = Number(entry.slice(0, 2));
    const shift = month - Number(valueDate.slice(5, 7));
    const year = shift > 6 ? valueYear - 1 : shift < -6 ? valueYear + 1 : valueYear;
    bookingDate = checkedDate(year, month, Number(entry.slice(2, 4)), entry, where);
  }
  const amountCents = decimalToCents(amount, ',', where);
  if (amountCents === 0) return null;
  const direction = mark === 'C' || mark === 'RD' ? 'credit' : 'debit';
  const slash = refs.indexOf('//');
  const bankRef = slash === -1 ? null : cleanRef(refs.slice(slash + 2), where);
  const supplementary = rest.join(' ');
  return {
    entryRef: bankRef !== null && !/^NONREF$/i.test(bankRef) ? bankRef : null,
    txIndex: 0,
    bookingDate,
    valueDate,
    amountCents,
    currency,
    direction,
    reversal: mark === 'RC' || mark === 'RD',
    counterpartyName: null,
    counterpartyIban: null,
    structuredRef: null,
    remittance: null,
    endToEndId: null,
    signed: direction === 'credit' ? amountCents : -amountCents,
    supplementary,
  };
}

// Subfield codes of structured :86: text (ING, ABN AMRO, Rabobank and the Dutch MT940 guidelines).
const CODES = [
  'TRTP',
  'IBAN',
  'BIC',
  'NAME',
  'REMI',
  'EREF',
  'MARF',
  'CSID',
  'CNTP',
  'ORDP',
  'BENM',
  'ULTC',
  'ULTD',
  'ULTB',
  'PURP',
  'RTRN',
  'PREF',
  'ISDT',
  'CREF',
  'SVCL',
  'FX',
  'OAMT',
  'CHGS',
  'EXCH',
  'ADDR',
  'ID',
  'BUSP',
  'RTYP',
  'TRCD',
  'KREF',
  'NRTX',
];
const SUBFIELD = new RegExp(`/(${CODES.join('|')})/`, 'g');
const SUBFIELD_AT_START = new RegExp(`^/(${CODES.join('|')})/`);

type Details = {
  name: string | null;
  iban: string | null;
  remittance: string | null;
  refs: string[];
  endToEndId: string | null;
  returned: boolean;
};

function applyDetails(line: Draft['lines'][number], value: string, draft: Draft, where: string) {
  // Structured when it opens with a subfield code we know; anything else is read as text.
  const details =
    /^\/[A-Z]{2,4}\//.test(value) && SUBFIELD_AT_START.test(value)
      ? structuredDetails(value, line.direction)
      : textDetails(value);
  const ownIban = accountIbanOf(draft.account);
  const ibanFromLine = extractIbans(line.supplementary).find((iban) => iban !== ownIban) ?? null;
  const iban = ibanOrNull(details.iban) ?? ibanFromLine;
  line.counterpartyIban = iban !== null && iban !== ownIban ? iban : line.counterpartyIban;
  line.counterpartyName = cleanText(details.name, MAX_NAME_CHARS, `${where}: name`) ?? line.counterpartyName;
  const remittance = cleanText(details.remittance, MAX_REMITTANCE_CHARS, `${where}: remittance`);
  line.remittance =
    line.remittance === null
      ? remittance
      : cleanText(`${line.remittance} ${remittance ?? ''}`, MAX_REMITTANCE_CHARS, where);
  const refs = [...details.refs];
  // A remittance that is nothing but a valid structured reference is one.
  const whole = remittance === null ? null : classifyStructuredRef(remittance);
  if (whole !== null) refs.push(whole.value);
  const distinct = [
    ...new Set([...(line.structuredRefs ?? (line.structuredRef ? [line.structuredRef] : [])), ...refs]),
  ];
  line.structuredRef = distinct[0] ?? null;
  if (distinct.length > 1) line.structuredRefs = distinct;
  const e2e = cleanRef(details.endToEndId, `${where}: /EREF/`);
  if (e2e !== null && !/^NOT ?PROVIDED$/i.test(e2e)) line.endToEndId = e2e;
  if (details.returned) line.reversal = true;
}

function structuredDetails(value: string, direction: 'credit' | 'debit'): Details {
  const out: Details = { name: null, iban: null, remittance: null, refs: [], endToEndId: null, returned: false };
  const marks = [...value.matchAll(SUBFIELD)];
  // Whose NAME a /NAME/ is: Rabobank puts it under /ORDP/ (the payer) or /BENM/ (the payee).
  let party: 'ORDP' | 'BENM' | 'ULT' | null = null;
  const counterpartyParty = direction === 'credit' ? 'ORDP' : 'BENM';
  for (let i = 0; i < marks.length; i++) {
    const code = marks[i][1];
    const start = marks[i].index + marks[i][0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index : value.length;
    const content = value.slice(start, end).replace(/\/+$/, '').trim();
    switch (code) {
      case 'ORDP':
      case 'BENM':
        party = code;
        break;
      case 'ULTC':
      case 'ULTD':
      case 'ULTB':
        party = 'ULT';
        break;
      case 'NAME':
        if (party === null || party === counterpartyParty) out.name ??= content || null;
        break;
      case 'IBAN':
        if (party === null || party === counterpartyParty) out.iban ??= content || null;
        break;
      case 'CNTP': {
        // ING: IBAN/BIC/name/city
        const [iban, , name] = content.split('/');
        out.iban ??= iban || null;
        out.name ??= name || null;
        break;
      }
      case 'EREF':
        out.endToEndId = content || null;
        break;
      case 'RTRN':
        out.returned = true;
        break;
      case 'REMI': {
        const remi = readRemi(content);
        if (remi.ref) out.refs.push(remi.ref);
        if (remi.text) out.remittance = out.remittance ? `${out.remittance} ${remi.text}` : remi.text;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** /REMI/ content: USTD//text/, STRD/CUR/ref/, …CDTRREF/ref, "ISSUER: CUR REF: ref", or plain text. */
function readRemi(content: string): { text: string | null; ref: string | null } {
  const trimmed = content.replace(/^\/+/, '');
  if (/^USTD\//.test(trimmed)) return { text: trimmed.replace(/^USTD\/+/, '').replace(/\/+$/, '') || null, ref: null };
  const strd = /^STRD\/+(?:[A-Z]{3,4}\/+)?([^/]+)/.exec(trimmed);
  if (strd) return { text: null, ref: normaliseStructuredRef(strd[1]) };
  const cdtrRef = /CDTRREF\/+([^/]+)/.exec(trimmed);
  if (cdtrRef) return { text: null, ref: normaliseStructuredRef(cdtrRef[1]) };
  const issuer = /ISSUER:\s*\S+\s+REF:\s*(\S+)/i.exec(trimmed);
  if (issuer) return { text: null, ref: normaliseStructuredRef(issuer[1]) };
  return { text: trimmed || null, ref: null };
}

// ABN AMRO's labelled free text: "SEPA OVERBOEKING IBAN: … BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …".
const LABELS = /\b(IBAN|BIC|NAAM|NAME|OMSCHRIJVING|BETALINGSKENM\.|KENMERK|MACHTIGING|INCASSANT|ID BEGUNSTIGDE):\s*/gi;

function textDetails(value: string): Details {
  const out: Details = { name: null, iban: null, remittance: null, refs: [], endToEndId: null, returned: false };
  const marks = [...value.matchAll(LABELS)];
  if (marks.some((m) => /^(NAAM|OMSCHRIJVING)$/i.test(m[1]))) {
    for (let i = 0; i < marks.length; i++) {
      const start = marks[i].index + marks[i][0].length;
      const end = i + 1 < marks.length ? marks[i + 1].index : value.length;
      const content = value.slice(start, end).trim();
      switch (marks[i][1].toUpperCase()) {
        case 'IBAN':
          out.iban ??= content;
          break;
        case 'NAAM':
        case 'NAME':
          out.name ??= content;
          break;
        case 'OMSCHRIJVING':
          out.remittance = content;
          break;
        case 'BETALINGSKENM.':
          out.refs.push(normaliseStructuredRef(content));
          break;
        case 'KENMERK':
          out.endToEndId = content;
          break;
        default:
          break;
      }
    }
    return out;
  }
  // Free text: all of it is the remittance; an IBAN in it is the other party's.
  out.remittance = value;
  out.iban = extractIbans(value)[0] ?? null;
  return out;
}

/** The IBAN in a :25: value: "NL91ABNA0417164300", "…EUR", "ABNANL2A/NL91…", "NL91 ABNA 0417 1643 00". */
function accountIbanOf(account: string | null): string | null {
  if (account === null) return null;
  const compact = account.replace(/\s+/g, '').toUpperCase();
  for (const part of compact.split('/')) {
    const direct = ibanOrNull(part);
    if (direct) return direct;
    const withoutCurrency = /^(.*?)([A-Z]{3})$/.exec(part);
    if (withoutCurrency) {
      const iban = ibanOrNull(withoutCurrency[1]);
      if (iban) return iban;
    }
  }
  return null;
}

function finish(draft: Draft, index: number): ParsedStatement {
  const where = `statement ${index + 1} (line ${draft.line})`;
  if (draft.account === null) return fail('malformed', 'The statement has no account (:25:)', where);
  const accountIban = accountIbanOf(draft.account);
  if (accountIban === null) {
    return fail(
      'invalid_value',
      "The statement's account (:25:) is not an IBAN",
      `${where}: :25: ${quote(draft.account)}`,
    );
  }
  if (draft.opening === null) return fail('malformed', 'The statement has no opening balance (:60F:)', where);
  if (draft.closing === null) return fail('malformed', 'The statement has no closing balance (:62F:)', where);
  const moved = draft.lines.reduce((sum, l) => sum + l.signed, 0);
  if (draft.opening.cents + moved !== draft.closing.cents) {
    return fail(
      'invalid_value',
      'Opening balance plus the lines does not give the closing balance (a truncated or altered file?)',
      `${where}: :60F: + :61: ≠ :62F:`,
    );
  }
  const id = draft.number ? `${draft.ref20}/${draft.number}` : draft.ref20;
  if (id === '') return fail('invalid_value', 'The statement has no reference (:20:)', where);
  return {
    id,
    accountIban,
    currency: draft.opening.currency,
    fromDate: draft.opening.date,
    toDate: draft.closing.date,
    lines: draft.lines.map((l) => {
      const { signed: _signed, supplementary, ...line } = l;
      if (line.counterpartyIban === null) {
        line.counterpartyIban = extractIbans(supplementary).find((iban) => iban !== accountIban) ?? null;
      }
      return line;
    }),
    skippedEntries: draft.skipped,
  };
}
