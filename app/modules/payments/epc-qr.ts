import QRCode from 'qrcode';
import { centsToDecimalString } from '~/utils/money';
import { isValidRfReference } from './payment-reference';
import { isValidIban, normalizeIban } from './iban';

/**
 * EPC QR code for a SEPA credit transfer (EPC069-12, version 002, "GiroCode"), which
 * Dutch and Belgian banking apps scan to prefill a transfer.
 *
 * The structured-reference line only takes ISO 11649 RF references: the standard
 * defines it as such, and a Dutch betalingskenmerk or a Belgian OGM is not one, so
 * apps may reject or mangle it there. Put those in `text` (unstructured remittance),
 * where Dutch banks pass a 16-digit betalingskenmerk through and creditors' matching
 * reads it from the free text.
 */

export type EpcPayloadInput = {
  bic?: string;
  /** Beneficiary (the creditor) name, at most 70 characters. */
  name: string;
  iban: string;
  /** 1 cent to EUR 999,999,999.99. */
  amountCents: number;
  /** ISO 11649 RF reference only; at most 35 characters. */
  structuredReference?: string;
  /** Unstructured remittance information, at most 140 characters. */
  text?: string;
  /** Beneficiary-to-originator information shown to the payer, at most 70 characters. */
  note?: string;
};

export class EpcPayloadError extends Error {
  constructor(
    readonly field: keyof EpcPayloadInput | 'payload',
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'EpcPayloadError';
  }
}

const MAX_PAYLOAD_BYTES = 331;
const MIN_AMOUNT_CENTS = 1;
const MAX_AMOUNT_CENTS = 99_999_999_999;
const MAX_CHARS = { name: 70, iban: 34, structuredReference: 35, text: 140, note: 70 } as const;
const BIC_PATTERN = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;

/** The payload text: LF-separated lines, trailing empty lines dropped. */
export function epcPayload(input: EpcPayloadInput): string {
  const name = requiredText(input.name, 'name');
  const text = optionalText(input.text, 'text');
  const structuredReference = epcStructuredReference(input.structuredReference);
  if (structuredReference !== '' && text !== '') {
    throw new EpcPayloadError('text', 'give either structuredReference or text, not both');
  }

  const lines = [
    'BCD',
    '002',
    '1',
    'SCT',
    epcBic(input.bic),
    name,
    epcIban(input.iban),
    `EUR${epcAmount(input.amountCents)}`,
    '',
    structuredReference,
    text,
    optionalText(input.note, 'note'),
  ];
  while (lines[lines.length - 1] === '') lines.pop();

  const payload = lines.join('\n');
  assertPayloadSize(payload);
  return payload;
}

/** SVG markup of the QR code, error correction level M as EPC069-12 requires. */
export async function epcQrSvg(payload: string): Promise<string> {
  if (!payload.startsWith('BCD\n')) throw new EpcPayloadError('payload', 'is not an EPC QR payload');
  assertPayloadSize(payload);
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/**
 * The same QR code as modules (dark or light, row by row), for drawing it where SVG does not go
 * (a PDF): the same payload gives the same symbol as `epcQrSvg`, error correction level M.
 */
export function epcQrModules(payload: string): { size: number; dark: (row: number, col: number) => boolean } {
  if (!payload.startsWith('BCD\n')) throw new EpcPayloadError('payload', 'is not an EPC QR payload');
  assertPayloadSize(payload);
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 };
}

function epcBic(bic: string | undefined): string {
  const normalized = (bic ?? '').replace(/\s+/g, '').toUpperCase();
  if (normalized !== '' && !BIC_PATTERN.test(normalized)) {
    throw new EpcPayloadError('bic', `"${bic}" is not an 8 or 11 character BIC`);
  }
  return normalized;
}

function epcIban(iban: string): string {
  const normalized = normalizeIban(iban);
  if (charCount(normalized) > MAX_CHARS.iban) {
    throw new EpcPayloadError('iban', `at most ${MAX_CHARS.iban} characters`);
  }
  if (!isValidIban(normalized)) throw new EpcPayloadError('iban', `"${iban}" is not a valid IBAN`);
  return normalized;
}

function epcAmount(amountCents: number): string {
  if (!Number.isSafeInteger(amountCents) || amountCents < MIN_AMOUNT_CENTS || amountCents > MAX_AMOUNT_CENTS) {
    throw new EpcPayloadError(
      'amountCents',
      `must be a whole number of cents from 1 to ${MAX_AMOUNT_CENTS}, got ${amountCents}`,
    );
  }
  return centsToDecimalString(amountCents);
}

function epcStructuredReference(reference: string | undefined): string {
  const normalized = optionalText(reference, 'structuredReference').replace(/\s+/g, '').toUpperCase();
  if (normalized !== '' && !isValidRfReference(normalized)) {
    throw new EpcPayloadError(
      'structuredReference',
      `"${reference}" is not an ISO 11649 RF reference; put a betalingskenmerk or OGM in text`,
    );
  }
  return normalized;
}

function requiredText(value: string, field: 'name'): string {
  const text = optionalText(value, field);
  if (text === '') throw new EpcPayloadError(field, 'is required');
  return text;
}

function optionalText(value: string | undefined, field: keyof typeof MAX_CHARS): string {
  const text = (value ?? '').trim();
  if (/[\r\n]/.test(text)) throw new EpcPayloadError(field, 'must be a single line');
  const length = charCount(text);
  if (length > MAX_CHARS[field]) {
    throw new EpcPayloadError(field, `at most ${MAX_CHARS[field]} characters, got ${length}`);
  }
  return text;
}

function assertPayloadSize(payload: string): void {
  const bytes = new TextEncoder().encode(payload).length;
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new EpcPayloadError(
      'payload',
      `at most ${MAX_PAYLOAD_BYTES} bytes, got ${bytes}; shorten text, note or name`,
    );
  }
}

/** Characters as a person counts them (code points), not UTF-16 units. */
function charCount(text: string): number {
  return [...text].length;
}
