import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, providerLabel } from './labels';

describe('providerLabel: where money came from, in words', () => {
  it('names every provider in Dutch and English, never as the stored value', () => {
    expect(providerLabel('nl', 'bank_transfer')).toBe('Overboeking');
    expect(providerLabel('en', 'bank_transfer')).toBe('Bank transfer');
    expect(providerLabel('nl', 'debtor_credit')).toBe('Tegoed');
    expect(providerLabel('en', 'write_off')).toBe('Write-off');
    expect(providerLabel('nl', 'mollie')).toBe('Mollie');
    for (const provider of PROVIDERS) {
      for (const locale of ['nl', 'en'] as const) {
        const label = providerLabel(locale, provider);
        expect(label, `${locale} ${provider}`).not.toMatch(/_/);
        expect(label, `${locale} ${provider}`).not.toBe(provider);
      }
    }
  });

  it('says "another source" for a value it does not know, rather than showing it', () => {
    expect(providerLabel('nl', 'paypal_v2')).toBe('Andere bron');
    expect(providerLabel('en', null)).toBe('Another source');
  });

  it('is what the pages use: no page or component renders a provider value raw', () => {
    const root = path.resolve(__dirname, '../../..');
    const files = ['app/routes', 'app/ui'].flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.tsx'))
        .map((f) => path.join(root, dir, f)),
    );
    // As text in the markup (an attribute such as error={errors.provider} is no text), or a key built from the value.
    const raw = /(^|>)\s*\{\s*[\w.?]+\.provider\s*\}|bo\.provider\.\$\{/m;
    const offenders = files.filter((f) => raw.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f));
    expect(offenders).toEqual([]);
  });
});
