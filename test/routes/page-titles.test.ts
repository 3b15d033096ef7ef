/**
 * Every page's <title> in the reader's language: each route module's `meta`, called as Remix calls
 * it for an English reader (the root loader's locale among its matches), says nothing in Dutch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as backoffice from '~/utils/i18n/catalog/backoffice';
import * as bank from '~/utils/i18n/catalog/bank';
import * as common from '~/utils/i18n/catalog/common';
import * as disputes from '~/utils/i18n/catalog/disputes';
import * as dunning from '~/utils/i18n/catalog/dunning';
import * as payments from '~/utils/i18n/catalog/payments';
import * as plans from '~/utils/i18n/catalog/plans';
import * as portal from '~/utils/i18n/catalog/portal';
import { BRAND, pageTitle } from '~/utils/i18n/meta';

type Meta = (args: Record<string, unknown>) => { title?: string }[] | undefined;
type RouteModule = { meta?: Meta };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = [
  'app/root.tsx',
  ...fs
    .readdirSync(path.join(ROOT, 'app/routes'))
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => `app/routes/${f}`),
];
const modules: Record<string, RouteModule> = Object.fromEntries(
  await Promise.all(FILES.map(async (f) => [f, (await import(path.join(ROOT, f))) as RouteModule] as const)),
);

function titleOf(meta: Meta, locale: 'nl' | 'en', data?: unknown) {
  const matches = [{ id: 'root', pathname: '/', params: {}, data: { locale }, meta: [] }];
  const descriptors = meta({ data, params: {}, location: { pathname: '/' }, matches, error: undefined }) ?? [];
  return descriptors.find((d) => 'title' in d)?.title;
}

/**
 * Dutch a title must not show an English reader: every Dutch catalog message that English says
 * otherwise, without its placeholders (the brand is a Dutch word too: "voldaan", paid).
 */
const CATALOGS = [backoffice, bank, common, disputes, dunning, payments, plans, portal];
const DUTCH = CATALOGS.flatMap((c) =>
  Object.entries(c.nl)
    .filter(([key, text]) => text !== (c.en as Record<string, string>)[key])
    .map(([, text]) => text.replace(/\{\w+\}/g, '').trim())
    .filter((text) => text.length >= 4 && text !== BRAND),
);

describe('page titles', () => {
  const metas = Object.entries(modules).filter(([, m]) => typeof m.meta === 'function');

  it('come from every page that has one', () => {
    expect(metas.length).toBeGreaterThan(30);
  });

  it.each(metas.map(([file, m]) => [file, m.meta!] as const))('%s: no Dutch for an English reader', (_file, meta) => {
    const title = titleOf(meta, 'en');
    expect(title).toBeTruthy();
    for (const dutch of DUTCH) expect(title, `"${title}" contains "${dutch}"`).not.toContain(dutch);
  });

  it('name the back-office pages in English', () => {
    const title = (file: string, data?: unknown) => titleOf(modules[`app/routes/${file}`].meta!, 'en', data);
    expect(title('app._index.tsx')).toBe('Dashboard · Voldaan');
    expect(title('app.debtors._index.tsx')).toBe('Debtors · Voldaan');
    expect(title('app.invoices._index.tsx')).toBe('Invoices · Voldaan');
    expect(title('app.bank.queue.tsx')).toBe('To match · Voldaan');
    expect(title('app.imports.tsx')).toBe('Import invoices · Voldaan');
    expect(title('app.settings.tsx')).toBe('Settings · Voldaan');
    expect(title('app.settings.branding.tsx')).toBe('Branding · Voldaan');
    expect(title('app.invoices.$id.tsx', { invoice: { number: 'VK-2026-0001' } })).toBe(
      'Invoice VK-2026-0001 · Voldaan',
    );
    expect(title('app.bank.statements.$id.tsx', { statement: { name: 'juni.xml' } })).toBe(
      'Statement juni.xml · Voldaan',
    );
  });

  it('and in Dutch for a Dutch reader', () => {
    expect(titleOf(modules['app/routes/app.debtors._index.tsx'].meta!, 'nl')).toBe('Debiteuren · Voldaan');
    expect(pageTitle(undefined, 'bo.invoices.title')).toBe('Facturen · Voldaan');
  });
});
