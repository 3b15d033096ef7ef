import { parseCamt } from './parse-camt';
import { decodeStatementBytes, fail } from './parse-common';
import { parseMt940 } from './parse-mt940';
import type { ParsedFile } from './statement-types';

export { StatementParseError } from './statement-types';
export type { ParsedFile, ParsedLine, ParsedStatement, StatementFormat } from './statement-types';

export const DEFAULT_MAX_ENTRIES = 100_000;

export type ParseStatementOptions = {
  /** Refuse a file with more lines than this ('too_many_entries'). */
  maxEntries?: number;
};

/**
 * Reads a bank statement file: ISO 20022 camt.053 / camt.054 (XML) or SWIFT MT940 (text),
 * detected from the content, never from a file name or content type. Pure and synchronous; throws
 * StatementParseError (code + English message + language-neutral detail) for anything it refuses:
 * 'unsupported_format' (neither), 'doctype_forbidden', 'malformed', 'too_many_entries',
 * 'invalid_value' (the statement, entry or line and the field are named).
 */
export function parseStatementFile(
  bytes: Uint8Array,
  { maxEntries = DEFAULT_MAX_ENTRIES }: ParseStatementOptions = {},
): ParsedFile {
  const text = decodeStatementBytes(bytes);
  const start = text.trimStart();
  if (start.startsWith('<')) return parseCamt(start, { maxEntries });
  if (looksLikeMt940(text)) return parseMt940(text, { maxEntries });
  return fail(
    'unsupported_format',
    'Not a bank statement this app reads: expected camt.053 or camt.054 XML (ISO 20022), or MT940 text with :20:, :25:, :60F:, :61:, :86: and :62F: fields',
    start === '' ? 'empty file' : `starts with ${JSON.stringify(start.slice(0, 20))}`,
  );
}

export function looksLikeMt940(text: string): boolean {
  const body = text.replace(/\{4:/g, '\n');
  return /^:20:/m.test(body) && /^:25:/m.test(body) && /^:6[02][FM]:/m.test(body);
}
