/**
 * The message catalogs, all of them merged (app/utils/i18n/catalog/*.ts and emails/messages.ts),
 * checked for the shape plural rules need: a `{count}` only in a counted pair (`x.one` / `x.other`),
 * every pair complete, Dutch and English with the same placeholders, and no hand-made "1 x" key
 * or `=== 1 ? t(…)` choice left in the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as emails from '~emails/messages';
import * as backoffice from '~/utils/i18n/catalog/backoffice';
import * as bank from '~/utils/i18n/catalog/bank';
import * as common from '~/utils/i18n/catalog/common';
import * as disputes from '~/utils/i18n/catalog/disputes';
import * as dunning from '~/utils/i18n/catalog/dunning';
import * as payments from '~/utils/i18n/catalog/payments';
import * as plans from '~/utils/i18n/catalog/plans';
import * as portal from '~/utils/i18n/catalog/portal';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Catalog = { nl: Record<string, string>; en: Record<string, string> };
const APP: Record<string, Catalog> = { backoffice, bank, common, disputes, dunning, payments, plans, portal };
const CATALOGS: Record<string, Catalog> = { ...APP, emails };

/** Every message of every catalog, by catalog and key. */
function messagesOf(catalogs: Record<string, Catalog>) {
  return Object.entries(catalogs).flatMap(([name, c]) =>
    (['nl', 'en'] as const).flatMap((locale) =>
      Object.entries(c[locale]).map(([key, text]) => ({ name, locale, key, text })),
    ),
  );
}

/** What the shape rules find wrong with one catalog set; empty when all is well. */
function problemsOf(catalogs: Record<string, Catalog>): string[] {
  const problems: string[] = [];
  for (const { name, locale, key, text } of messagesOf(catalogs)) {
    const keys = catalogs[name][locale];
    const base = key.replace(/\.(one|other)$/, '');
    // `x.other` alone is an ordinary message (the reason "other"); a pair has both forms.
    const counted = base !== key && `${base}.one` in keys && `${base}.other` in keys;
    if (text.includes('{count}') && !counted) {
      problems.push(`${name}.${locale}: ${key} has {count} but is no .one/.other pair`);
    }
    if (key.endsWith('.one') && !(`${base}.other` in keys)) problems.push(`${name}.${locale}: ${base} is half a pair`);
    if (/One$/.test(key)) problems.push(`${name}.${locale}: ${key} is a hand-made singular; use a .one/.other pair`);
  }
  return problems;
}

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

describe('the message catalogs', () => {
  it('hold {count} only in complete .one/.other pairs that say the count', () => {
    expect(problemsOf(CATALOGS)).toEqual([]);
  });

  it('would notice a bare {count}, half a pair and a hand-made singular', () => {
    const broken: Record<string, Catalog> = {
      x: {
        nl: { 'x.caption': '{count} geschillen', 'x.days.one': '1 dag', 'x.linkOne': '1 link' },
        en: { 'x.caption': '{count} disputes', 'x.days.one': '1 day', 'x.linkOne': '1 link' },
      },
    };
    const problems = problemsOf(broken);
    expect(problems).toContain('x.nl: x.caption has {count} but is no .one/.other pair');
    expect(problems).toContain('x.en: x.days is half a pair');
    expect(problems).toContain('x.nl: x.linkOne is a hand-made singular; use a .one/.other pair');
  });

  it('give Dutch and English the same keys and the same placeholders', () => {
    for (const [name, c] of Object.entries(CATALOGS)) {
      expect(Object.keys(c.en).sort(), name).toEqual(Object.keys(c.nl).sort());
      for (const key of Object.keys(c.nl)) {
        // A .one form may say "the invoice" instead of "1 invoice"; the .other form carries every placeholder.
        if (key.endsWith('.one')) continue;
        expect(placeholders(c.en[key] ?? ''), `${name}: ${key}`).toEqual(placeholders(c.nl[key]));
      }
    }
  });

  it('never collide across the app catalogs', () => {
    const seen = new Map<string, string>();
    for (const [name, c] of Object.entries(APP)) {
      for (const key of Object.keys(c.nl)) {
        expect(seen.get(key), `${key} in ${name} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});

describe('the code', () => {
  function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sources(full);
      return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
    });
  }
  const HAND_MADE = /===\s*1\s*\?\s*(?:t|translate|tn)\(/;

  it('chooses no message by `=== 1` by hand (translateCount / useTn / a counted key do)', () => {
    const offenders = [...sources(path.join(ROOT, 'app')), ...sources(path.join(ROOT, 'emails'))]
      .filter((file) => HAND_MADE.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('would notice one', () => {
    expect(HAND_MADE.test("{n === 1 ? t('x.one') : t('x', { count: n })}")).toBe(true);
    expect(HAND_MADE.test("{tn('x', n)}")).toBe(false);
  });
});
