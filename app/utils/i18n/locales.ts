/**
 * The languages and their plural rules, apart from the catalogs so the emails (which keep their own
 * catalog, emails/messages.ts) count with the same rules. `~/utils/i18n` re-exports all of it.
 */
export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'nl';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export const localeTags: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

export type PluralCategory = 'one' | 'other';

const pluralRules = new Map<Locale, Intl.PluralRules>();
/**
 * The plural form a count takes (`Intl.PluralRules`): Dutch and English cardinals have only "one"
 * (exactly 1) and "other" (0, 2, 1.5, …); any other category reads as "other".
 */
export function pluralCategory(locale: Locale, count: number): PluralCategory {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(localeTags[locale])));
  return rules.select(count) === 'one' ? 'one' : 'other';
}
