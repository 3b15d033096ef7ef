import * as backoffice from './catalog/backoffice';
import * as bank from './catalog/bank';
import * as common from './catalog/common';
import * as disputes from './catalog/disputes';
import * as dunning from './catalog/dunning';
import * as payments from './catalog/payments';
import * as plans from './catalog/plans';
import * as portal from './catalog/portal';
import { fill } from './fill';
import { localeTags, pluralCategory, type Locale } from './locales';

/**
 * Message catalogs, one file per area under ./catalog, each exporting `nl` (the source)
 * and `en` typed against it, so a missing translation is a type error. Keys are
 * namespaced by area (`portal.*`, `pay.*`, …) so catalogs never collide.
 */
const catalogs = { common, portal, payments, dunning, plans, disputes, backoffice, bank };
type Catalog = (typeof catalogs)[keyof typeof catalogs];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AllMessages = UnionToIntersection<Catalog['nl']>;

export {
  DEFAULT_LOCALE,
  isLocale,
  LOCALES,
  localeTags,
  pluralCategory,
  type Locale,
  type PluralCategory,
} from './locales';

type Messages = Record<string, string>;
const messages: Record<Locale, Messages> = {
  nl: Object.assign({}, ...Object.values(catalogs).map((c) => c.nl)),
  en: Object.assign({}, ...Object.values(catalogs).map((c) => c.en)),
};

export type MessageKey = keyof AllMessages;

export type Params = Record<string, string | number>;

/**
 * A refusal shown next to a form field: a message key with its parameters; amounts (cents) and
 * days are formatted in the reader's locale. The one shape every form's errors take.
 */
export type FieldError = {
  /** A counted base (`x` of `x.one` / `x.other`) takes its count from `params.count`. */
  key: TextKey;
  params?: Params;
  money?: Record<string, number>;
  days?: Record<string, string>;
};

/**
 * The base of a counted message: `x` where the catalog holds both `x.one` and `x.other`
 * ("1 factuur" / "3 facturen"). Where a count meets a noun, the catalog holds such a pair with a
 * `{count}` placeholder (never a bare `{count}` elsewhere: test/i18n-catalogs.test.ts).
 */
export type CountedKey = {
  [K in MessageKey]: K extends `${infer Base}.other` ? (`${Base}.one` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** What a message names: one message, or a counted pair chosen by `params.count`. */
export type TextKey = MessageKey | CountedKey;

function lookup(locale: Locale, key: string): string | undefined {
  return messages[locale][key] ?? messages.nl[key];
}

/**
 * The message in the reader's language with its `{placeholders}` filled in. A counted base picks
 * its plural form by `params.count` under the reader's plural rules, so a `{ key, params }` refusal
 * or notice can name a counted message too; in code, `translateCount` says so more plainly.
 */
export function translate(locale: Locale, key: TextKey, params?: Params): string {
  const count = params?.count;
  const counted = lookup(locale, `${key}.one`) !== undefined && lookup(locale, `${key}.other`) !== undefined;
  // A counted pair wins when a count is given (`bo.dashboard.invoices` is also a column heading).
  let template =
    counted && typeof count === 'number' ? lookup(locale, `${key}.${pluralCategory(locale, count)}`) : undefined;
  template ??= lookup(locale, key);
  if (template === undefined && counted) {
    if (process.env.NODE_ENV !== 'production') throw new Error(`counted message without a count: ${key}`);
    template = lookup(locale, `${key}.other`);
  }
  if (template === undefined) {
    if (process.env.NODE_ENV !== 'production') throw new Error(`missing message: ${key}`);
    return key;
  }
  if (!params) return template;
  return fill(template, params);
}

/** The counted message in the reader's language: `{count}` is filled in (as digits) next to any other params. */
export function translateCount(locale: Locale, base: CountedKey, count: number, params?: Params): string {
  return translate(locale, base, { ...params, count });
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
