/** Helpers for the back-office lists: search text, paging. Pure. */

export const PAGE_SIZE = 25;

/**
 * A search term for ILIKE: trimmed, at most 100 characters, with %, _ and \ taken literally.
 * NUL is dropped: PostgreSQL refuses it in a text parameter (a 500), and no stored text holds one.
 */
export function likePattern(q: string | null | undefined): string | null {
  const text = (q ?? '').replace(/\0/g, '').trim().slice(0, 100);
  if (!text) return null;
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A 1-based page number from a query parameter; anything odd is page 1. */
export function pageFrom(value: string | null | undefined): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export type Paged<T> = { rows: T[]; total: number; page: number; pageCount: number; pageSize: number };

export function paged<T>(rows: T[], total: number, page: number, pageSize = PAGE_SIZE): Paged<T> {
  return { rows, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}
