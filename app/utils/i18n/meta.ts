/**
 * Page titles in the reader's language. A route's `meta` runs outside React, so it reads the
 * locale from the root loader's data among its `matches` (app/root.tsx's loader answers it on every
 * page, also when a page below throws); without it, the default language.
 */
import { DEFAULT_LOCALE, isLocale, translate, type Locale, type Params, type TextKey } from './index';

type Match = { id: string; data?: unknown };

export const BRAND = 'Voldaan';

export function metaLocale(matches: readonly Match[] | undefined): Locale {
  const root = matches?.find((m) => m.id === 'root')?.data;
  const locale = root && typeof root === 'object' ? (root as { locale?: unknown }).locale : undefined;
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** "Debiteuren · Voldaan": the page's own name first, so tabs and screen readers tell pages apart. */
export function pageTitle(matches: readonly Match[] | undefined, key: TextKey, params?: Params): string {
  return `${translate(metaLocale(matches), key, params)} · ${BRAND}`;
}

/** A route's `meta` for a page whose title is one message: `export const meta = titleMeta('bo.debtors.title')`. */
export function titleMeta(key: TextKey, params?: Params) {
  return ({ matches }: { matches: readonly Match[] }) => [{ title: pageTitle(matches, key, params) }];
}
