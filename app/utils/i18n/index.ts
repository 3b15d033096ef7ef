import * as backoffice from './catalog/backoffice';
import * as bank from './catalog/bank';
import * as common from './catalog/common';
import * as disputes from './catalog/disputes';
import * as dunning from './catalog/dunning';
import * as payments from './catalog/payments';
import * as plans from './catalog/plans';
import * as portal from './catalog/portal';

/**
 * Message catalogs, one file per area under ./catalog, each exporting `nl` (the source)
 * and `en` typed against it, so a missing translation is a type error. Keys are
 * namespaced by area (`portal.*`, `pay.*`, …) so catalogs never collide.
 */
const catalogs = { common, portal, payments, dunning, plans, disputes, backoffice, bank };
type Catalog = (typeof catalogs)[keyof typeof catalogs];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AllMessages = UnionToIntersection<Catalog['nl']>;

export const LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'nl';

type Messages = Record<string, string>;
const messages: Record<Locale, Messages> = {
  nl: Object.assign({}, ...Object.values(catalogs).map((c) => c.nl)),
  en: Object.assign({}, ...Object.values(catalogs).map((c) => c.en)),
};

export type MessageKey = keyof AllMessages;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export type Params = Record<string, string | number>;

/**
 * A refusal shown next to a form field: a message key with its parameters; amounts (cents) and
 * days are formatted in the reader's locale. The one shape every form's errors take.
 */
export type FieldError = {
  key: MessageKey;
  params?: Params;
  money?: Record<string, number>;
  days?: Record<string, string>;
};

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale][key] ?? messages.nl[key];
  if (template === undefined) {
    if (process.env.NODE_ENV !== 'production') throw new Error(`missing message: ${key}`);
    return key;
  }
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

export const localeTags: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

/**
 * The base of a counted message: `x` where the catalog holds both `x.one` and `x.other`
 * ("1 factuur" / "3 facturen"). Where a count meets a noun, use `translateCount`, never a bare `{count}`.
 */
export type CountedKey = {
  [K in MessageKey]: K extends `${infer Base}.other` ? (`${Base}.one` extends MessageKey ? Base : never) : never;
}[MessageKey];

const pluralRules = new Map<Locale, Intl.PluralRules>();
/** Dutch and English both have only "one" and "other" for cardinals; any other category reads as "other". */
export function pluralCategory(locale: Locale, count: number): 'one' | 'other' {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(localeTags[locale])));
  return rules.select(count) === 'one' ? 'one' : 'other';
}

/** The counted message in the reader's language: `{count}` is filled in (as digits) next to any other params. */
export function translateCount(locale: Locale, base: CountedKey, count: number, params?: Params): string {
  const key = `${base}.${pluralCategory(locale, count)}` as MessageKey;
  return translate(locale, key, { ...params, count });
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
/** Intl formatters are costly to build and safe to share: one per locale and style. */
function dateFormatter(locale: Locale, style: 'short' | 'long' | 'datetime') {
  const key = `${locale}:${style}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(
      localeTags[locale],
      style === 'datetime'
        ? { timeZone: 'Europe/Amsterdam', dateStyle: 'medium', timeStyle: 'short' }
        : { timeZone: 'Europe/Amsterdam', day: 'numeric', month: style, year: 'numeric' },
    );
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

export function formatDate(day: string | Date, locale: Locale, style: 'short' | 'long' = 'long') {
  const date = typeof day === 'string' ? new Date(`${day.slice(0, 10)}T12:00:00Z`) : day;
  return dateFormatter(locale, style).format(date);
}

export function formatDateTime(at: Date | string, locale: Locale) {
  return dateFormatter(locale, 'datetime').format(new Date(at));
}
