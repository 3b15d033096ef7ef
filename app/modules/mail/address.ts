/** The bare address of "Name <addr@host>" or "addr@host". */
export function addressOf(value: string): string {
  const match = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  return (match ? match[1] : value).trim();
}

/**
 * `"Display Name" <address>`: the organisation's sender name on our sending address. The
 * name is quoted, with quotes and backslashes escaped and line breaks removed, so it can
 * never add a header or a second address.
 */
export function formatFrom(displayName: string | null | undefined, address: string): string {
  const name = (displayName ?? '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .trim();
  return name ? `"${name}" <${address}>` : address;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
