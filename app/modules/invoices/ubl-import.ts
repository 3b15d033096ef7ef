import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { InvoiceLine } from '~db/schema';
import { addDays } from '~/utils/clock';
import {
  hasForbiddenControlChars,
  isAmountWithinLimit,
  MAX_AMOUNT_TEXT,
  MAX_DATE,
  MIN_DATE,
  type TextKind,
} from '~/utils/limits';
import { centsToDecimalString, decimalDigitsToCents } from '~/utils/money';
import { isoDate } from './import-dates';
import { PDF_BODY_LIMIT_BYTES } from './limits';

/**
 * Reads a UBL 2.1 invoice (the Peppol BIS Billing 3.0 profile, and the Dutch NLCIUS/SI-UBL
 * which shares its structure) into what Voldaan needs. Pure: nothing is stored here.
 *
 * Safety: entity expansion is off in the parser and any DOCTYPE is refused outright (a UBL
 * document never has one), so entity tricks ("billion laughs", external entities) cannot
 * run; the five predefined XML entities and character references are decoded by hand.
 */

export const UBL_MAX_BYTES = 15 * 1024 * 1024;

const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;
const UBL_DOCUMENT_NS = 'urn:oasis:names:specification:ubl:schema:xsd:';
export const PEPPOL_BIS3_CUSTOMIZATION = 'urn:fdc:peppol.eu:2017:poacc:billing:3.0';

export type UblIssueCode =
  | 'tooLarge'
  | 'notUtf8'
  | 'notXml'
  | 'doctype'
  | 'notUbl'
  | 'notInvoice'
  | 'creditNote'
  | 'missingField'
  | 'invalidDate'
  | 'dateOutOfRange'
  | 'invalidAmount'
  | 'amountTooLarge'
  | 'controlChars'
  | 'linesMismatch'
  | 'currencyUnsupported'
  | 'nothingPayable'
  | 'dueBeforeIssue'
  | 'missingDueDate'
  | 'missingCustomerId'
  | 'pdfInvalid'
  | 'pdfTooLarge';
export type UblWarningCode = 'notPeppol' | 'dueDateFromTerms' | 'customerEmailInvalid';

export type UblIssue = { code: UblIssueCode; params?: Record<string, string | number> };
export type UblWarning = { code: UblWarningCode; params?: Record<string, string | number> };

export type UblCustomer = {
  externalRef: string;
  name: string;
  email: string | null;
  contactName: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  vatNumber: string | null;
};

export type UblInvoice = {
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  payableCents: number;
  customizationId: string | null;
  paymentReference: string | null;
  description: string | null;
  customer: UblCustomer;
  lines: InvoiceLine[];
  pdf: { filename: string; bytes: Uint8Array } | null;
};

export type UblParseResult =
  { ok: true; invoice: UblInvoice; warnings: UblWarning[] } | { ok: false; issues: UblIssue[] };

// --- a small namespace-aware tree -------------------------------------------------------

type XmlNode = { ns: string; name: string; attrs: Record<string, string>; text: string; children: XmlNode[] };
type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references, in one pass (so "&amp;lt;" stays "&lt;"). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function buildTree(items: OrderedNode[], scope: Record<string, string>): XmlNode[] {
  const nodes: XmlNode[] = [];
  for (const item of items) {
    const key = Object.keys(item).find((k) => k !== ':@');
    if (!key || key === '#text' || key === '#cdata') continue;
    const rawAttrs = item[':@'] ?? {};
    const localScope = { ...scope };
    const attrs: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawAttrs)) {
      if (name === 'xmlns') localScope[''] = decodeEntities(value);
      else if (name.startsWith('xmlns:')) localScope[name.slice(6)] = decodeEntities(value);
      else attrs[name.includes(':') ? name.split(':')[1] : name] = decodeEntities(value);
    }
    const [prefix, local] = key.includes(':') ? key.split(':', 2) : ['', key];
    const content = (item[key] as OrderedNode[]) ?? [];
    let text = '';
    for (const part of content) {
      if (typeof part['#text'] === 'string') text += decodeEntities(part['#text']);
      if (Array.isArray(part['#cdata'])) {
        for (const c of part['#cdata'] as { '#text'?: string }[]) text += c['#text'] ?? '';
      }
    }
    nodes.push({
      ns: localScope[prefix] ?? '',
      name: local,
      attrs,
      text: text.trim(),
      children: buildTree(content, localScope),
    });
  }
  return nodes;
}

const PREFIXES: Record<string, string> = { cac: NS.cac, cbc: NS.cbc };

function matches(node: XmlNode, step: string) {
  const [prefix, local] = step.split(':');
  return node.ns === PREFIXES[prefix] && node.name === local;
}

/** All nodes at a path like "cac:Party/cbc:Name" below `node`. */
function all(node: XmlNode | null | undefined, path: string): XmlNode[] {
  if (!node) return [];
  let current = [node];
  for (const step of path.split('/')) current = current.flatMap((n) => n.children.filter((c) => matches(c, step)));
  return current;
}

function first(node: XmlNode | null | undefined, path: string): XmlNode | null {
  return all(node, path)[0] ?? null;
}

function text(node: XmlNode | null | undefined, path: string): string | null {
  const found = first(node, path);
  return found && found.text !== '' ? found.text : null;
}

// --- numbers and dates ------------------------------------------------------------------

/** Exact cents from a UBL decimal ("1656.25", "-1500", "400.00"); more precision is refused. */
export function decimalToCents(value: string): number | null {
  const match = /^([+-]?)(\d{1,15})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const cents = decimalDigitsToCents(match[2], match[3]);
  if (cents === null) return null;
  return match[1] === '-' ? -cents : cents;
}

/** Cents rounded half away from zero, for unit prices which UBL allows with more decimals. */
function decimalToRoundedCents(value: string): number | null {
  const match = /^([+-]?)(\d{1,15})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const fraction = (match[3] ?? '').padEnd(3, '0');
  let cents = Number(match[2]) * 100 + Number(fraction.slice(0, 2));
  if (Number(fraction[2]) >= 5) cents += 1;
  return match[1] === '-' ? -cents : cents;
}

function ublDate(value: string | null): string | null | 'invalid' | 'range' {
  if (value === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'invalid';
  const parsed = isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  return parsed.ok ? parsed.date : parsed.reason === 'range' ? 'range' : 'invalid';
}

function dateIssue(field: string, value: 'invalid' | 'range'): UblIssue {
  return value === 'range'
    ? { code: 'dateOutOfRange', params: { field, min: MIN_DATE, max: MAX_DATE } }
    : { code: 'invalidDate', params: { field } };
}

/** Amounts beyond the one limit (utils/limits.ts) are refused like unreadable ones, with the limit named. */
function amountIssue(field: string, value: string, cents: number | null): UblIssue | null {
  if (cents === null) return { code: 'invalidAmount', params: { field, value } };
  if (!isAmountWithinLimit(cents)) return { code: 'amountTooLarge', params: { field, value, max: MAX_AMOUNT_TEXT } };
  return null;
}

type DateValue = string | null | 'invalid' | 'range';
const isDate = (value: DateValue): value is string => value !== null && value !== 'invalid' && value !== 'range';

/** "Payment within 30 days", "Betaling binnen 14 dagen": the number of days, if stated. */
function termDays(note: string | null): number | null {
  if (!note) return null;
  const match = /(\d{1,3})\s*(?:days?|dagen|dag|jours|tage)\b/i.exec(note);
  return match ? Number(match[1]) : null;
}

// --- the invoice ----------------------------------------------------------------------------

const Email = z.email();

export function decodeUblUpload(bytes: Uint8Array): { ok: true; text: string } | { ok: false; issue: UblIssue } {
  if (bytes.byteLength > UBL_MAX_BYTES) return { ok: false, issue: { code: 'tooLarge', params: { max: '15 MB' } } };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, issue: { code: 'notUtf8' } };
  }
}

export function parseUblInvoice(xml: string): UblParseResult {
  const source = xml.replace(/^\uFEFF/, '');
  const fail = (...issues: UblIssue[]): UblParseResult => ({ ok: false, issues });
  if (/<!DOCTYPE/i.test(source)) return fail({ code: 'doctype' });
  if (source.trim() === '' || XMLValidator.validate(source) !== true) return fail({ code: 'notXml' });

  let roots: XmlNode[];
  try {
    roots = buildTree(parser.parse(source) as OrderedNode[], {});
  } catch {
    return fail({ code: 'notXml' });
  }
  const root = roots[0];
  if (!root) return fail({ code: 'notXml' });
  if (root.ns === NS.creditNote) return fail({ code: 'creditNote' });
  if (!root.ns.startsWith(UBL_DOCUMENT_NS)) return fail({ code: 'notUbl', params: { root: root.name } });
  if (root.ns !== NS.invoice || root.name !== 'Invoice')
    return fail({ code: 'notInvoice', params: { root: root.name } });

  const issues: UblIssue[] = [];
  const warnings: UblWarning[] = [];
  const missing = (field: string) => issues.push({ code: 'missingField', params: { field } });

  // 381 is the credit note type code; in Invoice syntax it is a credit note all the same.
  if (text(root, 'cbc:InvoiceTypeCode') === '381') return fail({ code: 'creditNote' });
  const customizationId = text(root, 'cbc:CustomizationID');
  if (!customizationId?.includes(PEPPOL_BIS3_CUSTOMIZATION)) {
    warnings.push({ code: 'notPeppol', params: { customization: customizationId ?? '' } });
  }

  const number = text(root, 'cbc:ID');
  if (!number) missing('cbc:ID');

  const issueDate: DateValue = ublDate(text(root, 'cbc:IssueDate'));
  if (issueDate === null) missing('cbc:IssueDate');
  if (issueDate === 'invalid' || issueDate === 'range') issues.push(dateIssue('cbc:IssueDate', issueDate));

  let dueDate: DateValue = ublDate(text(root, 'cbc:DueDate') ?? text(root, 'cac:PaymentMeans/cbc:PaymentDueDate'));
  if (dueDate === 'invalid' || dueDate === 'range') issues.push(dateIssue('cbc:DueDate', dueDate));
  if (dueDate === null && isDate(issueDate)) {
    const days = termDays(text(root, 'cac:PaymentTerms/cbc:Note'));
    if (days !== null) {
      dueDate = addDays(issueDate, days);
      if (dueDate > MAX_DATE) issues.push(dateIssue('cac:PaymentTerms/cbc:Note', 'range'));
      warnings.push({ code: 'dueDateFromTerms', params: { count: days } });
    } else issues.push({ code: 'missingDueDate' });
  }
  if (isDate(issueDate) && isDate(dueDate) && dueDate < issueDate) {
    issues.push({ code: 'dueBeforeIssue' });
  }

  const currency = text(root, 'cbc:DocumentCurrencyCode');
  if (!currency) missing('cbc:DocumentCurrencyCode');
  else if (currency !== 'EUR') issues.push({ code: 'currencyUnsupported', params: { currency } });

  const payableText = text(root, 'cac:LegalMonetaryTotal/cbc:PayableAmount');
  const payableCents = payableText === null ? null : decimalToCents(payableText);
  const payableIssue = payableText === null ? null : amountIssue('cbc:PayableAmount', payableText, payableCents);
  if (payableText === null) missing('cac:LegalMonetaryTotal/cbc:PayableAmount');
  else if (payableIssue) issues.push(payableIssue);
  else if (payableCents! <= 0) issues.push({ code: 'nothingPayable' });

  const customer = readCustomer(first(root, 'cac:AccountingCustomerParty/cac:Party'), issues, warnings);
  const lines = readLines(root, issues);
  checkLineTotal(root, lines, issues);
  const pdf = readPdf(root, issues);

  const invoice: UblInvoice | null =
    issues.length > 0
      ? null
      : {
          number: number!,
          issueDate: issueDate as string,
          dueDate: dueDate as string,
          currency: currency!,
          payableCents: payableCents!,
          customizationId,
          paymentReference: text(root, 'cac:PaymentMeans/cbc:PaymentID')?.slice(0, 35) ?? null,
          description: text(root, 'cbc:Note')?.slice(0, 1000) ?? null,
          customer: customer!,
          lines,
          pdf,
        };
  if (invoice) checkControlChars(invoice, issues);
  if (!invoice || issues.length > 0) return { ok: false, issues };
  return { ok: true, warnings, invoice };
}

/**
 * BR-CO-10 of EN 16931: the line net amounts add up to the document's LineExtensionAmount.
 * (The payable amount also holds VAT, allowances and prepaid amounts, so the lines are
 * checked against this sum, not against it.)
 */
function checkLineTotal(root: XmlNode, lines: InvoiceLine[], issues: UblIssue[]) {
  const field = 'cac:LegalMonetaryTotal/cbc:LineExtensionAmount';
  const totalText = text(root, field);
  if (
    lines.length === 0 ||
    totalText === null ||
    issues.some((issue) => issue.code === 'invalidAmount' || issue.code === 'amountTooLarge')
  )
    return;
  const totalCents = decimalToCents(totalText);
  const problem = amountIssue(field, totalText, totalCents);
  if (problem) {
    issues.push(problem);
    return;
  }
  const sum = lines.reduce((acc, line) => acc + line.amountCents, 0);
  if (sum !== totalCents) {
    issues.push({
      code: 'linesMismatch',
      params: { field, sum: centsToDecimalString(sum), total: centsToDecimalString(totalCents!) },
    });
  }
}

/** Every text taken from the document, by the rule in utils/limits.ts; the field is named in the issue. */
function checkControlChars(invoice: UblInvoice, issues: UblIssue[]) {
  const { customer } = invoice;
  const fields: [string, string | null, TextKind][] = [
    ['cbc:ID', invoice.number, 'line'],
    ['cbc:PaymentID', invoice.paymentReference, 'line'],
    ['cbc:Note', invoice.description, 'multiline'],
    ['cac:AccountingCustomerParty (identifier)', customer.externalRef, 'line'],
    ['cac:AccountingCustomerParty/cac:Party (name)', customer.name, 'line'],
    ['cac:Contact/cbc:ElectronicMail', customer.email, 'line'],
    ['cac:Contact/cbc:Name', customer.contactName, 'line'],
    ['cac:PostalAddress/cbc:StreetName', customer.addressLine, 'line'],
    ['cac:PostalAddress/cbc:PostalZone', customer.postalCode, 'line'],
    ['cac:PostalAddress/cbc:CityName', customer.city, 'line'],
    ['cac:Country/cbc:IdentificationCode', customer.country, 'line'],
    ['cac:PartyTaxScheme/cbc:CompanyID', customer.vatNumber, 'line'],
    ['cac:EmbeddedDocumentBinaryObject/@filename', invoice.pdf?.filename ?? null, 'line'],
    ...invoice.lines.map((line, i): [string, string, TextKind] => [
      `cac:InvoiceLine ${i + 1} cbc:Name`,
      line.description,
      'multiline',
    ]),
  ];
  for (const [field, value, kind] of fields) {
    if (value !== null && hasForbiddenControlChars(value, kind))
      issues.push({ code: 'controlChars', params: { field } });
  }
}

function readCustomer(party: XmlNode | null, issues: UblIssue[], warnings: UblWarning[]): UblCustomer | null {
  if (!party) {
    issues.push({ code: 'missingField', params: { field: 'cac:AccountingCustomerParty/cac:Party' } });
    return null;
  }
  const name = text(party, 'cac:PartyLegalEntity/cbc:RegistrationName') ?? text(party, 'cac:PartyName/cbc:Name');
  if (!name) issues.push({ code: 'missingField', params: { field: 'cac:PartyLegalEntity/cbc:RegistrationName' } });

  const withScheme = (node: XmlNode | null) =>
    node && node.text !== '' ? (node.attrs.schemeID ? `${node.attrs.schemeID}:${node.text}` : node.text) : null;
  const vat =
    all(party, 'cac:PartyTaxScheme')
      .filter((scheme) => (text(scheme, 'cac:TaxScheme/cbc:ID') ?? 'VAT') === 'VAT')
      .map((scheme) => text(scheme, 'cbc:CompanyID'))
      .find(Boolean) ?? null;
  // The buyer's electronic address is its most stable identity; then its registration, then VAT.
  const externalRef =
    withScheme(first(party, 'cbc:EndpointID')) ??
    withScheme(first(party, 'cac:PartyLegalEntity/cbc:CompanyID')) ??
    (vat ? `VAT:${vat}` : null);
  if (!externalRef) issues.push({ code: 'missingCustomerId' });

  const emailText = text(party, 'cac:Contact/cbc:ElectronicMail');
  const email = emailText && Email.safeParse(emailText).success ? emailText : null;
  if (emailText && !email) warnings.push({ code: 'customerEmailInvalid', params: { email: emailText } });

  const address = first(party, 'cac:PostalAddress');
  const street = [text(address, 'cbc:StreetName'), text(address, 'cbc:AdditionalStreetName')].filter(Boolean);
  return name && externalRef
    ? {
        externalRef: externalRef.slice(0, 200),
        name: name.slice(0, 200),
        email,
        contactName: text(party, 'cac:Contact/cbc:Name')?.slice(0, 200) ?? null,
        addressLine: street.length > 0 ? street.join(', ').slice(0, 300) : null,
        postalCode: text(address, 'cbc:PostalZone')?.slice(0, 20) ?? null,
        city: text(address, 'cbc:CityName')?.slice(0, 100) ?? null,
        country: text(address, 'cac:Country/cbc:IdentificationCode')?.toUpperCase() ?? null,
        vatNumber: vat?.slice(0, 30) ?? null,
      }
    : null;
}

function readLines(root: XmlNode, issues: UblIssue[]): InvoiceLine[] {
  return all(root, 'cac:InvoiceLine').map((line, index) => {
    const position = text(line, 'cbc:ID') ?? String(index + 1);
    const amountText = text(line, 'cbc:LineExtensionAmount') ?? '';
    const amountCents = decimalToCents(amountText);
    const problem = amountIssue(`cac:InvoiceLine ${position}`, amountText, amountCents);
    if (problem) issues.push(problem);
    const priceText = text(line, 'cac:Price/cbc:PriceAmount');
    const priceCents = priceText === null ? null : decimalToRoundedCents(priceText);
    if (priceText !== null && priceCents !== null && !isAmountWithinLimit(priceCents)) {
      issues.push({
        code: 'amountTooLarge',
        params: { field: `cac:InvoiceLine ${position} cac:Price`, value: priceText, max: MAX_AMOUNT_TEXT },
      });
    }
    const quantity = Number(text(line, 'cbc:InvoicedQuantity') ?? '1');
    const percent = Number(text(line, 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent') ?? '0');
    return {
      description: (text(line, 'cac:Item/cbc:Name') ?? text(line, 'cac:Item/cbc:Description') ?? '').slice(0, 500),
      quantity: Number.isFinite(quantity) ? quantity : 1,
      unitPriceCents: priceCents ?? 0,
      vatRatePercent: Number.isFinite(percent) ? percent : 0,
      amountCents: amountCents ?? 0,
    };
  });
}

function readPdf(root: XmlNode, issues: UblIssue[]): UblInvoice['pdf'] {
  const object = all(root, 'cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject').find(
    (node) => node.attrs.mimeCode?.toLowerCase() === 'application/pdf',
  );
  if (!object) return null;
  const base64 = object.text.replace(/\s+/g, '');
  // base64 is 4/3 of the bytes: refuse before decoding anything oversized.
  if ((base64.length * 3) / 4 > PDF_BODY_LIMIT_BYTES + 3) {
    issues.push({ code: 'pdfTooLarge', params: { max: '10 MB' } });
    return null;
  }
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(base64) ? new Uint8Array(Buffer.from(base64, 'base64')) : null;
  if (
    !bytes ||
    bytes.byteLength > PDF_BODY_LIMIT_BYTES ||
    Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-'
  ) {
    issues.push({ code: 'pdfInvalid' });
    return null;
  }
  const filename = object.attrs.filename || 'invoice.pdf';
  return { filename, bytes };
}
