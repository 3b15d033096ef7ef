import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { NextStep } from '~/modules/portal/next-step';
import { translate } from '~/utils/i18n';
import { invoiceActions, overviewActions } from './dispute';

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('nl', key, params);
const invoice = (next: NextStep, status: 'open' | 'paid' = 'open') => ({
  id: '6f1c2b9e-8a0d-4f57-9a53-0d1f3c2e4b5a',
  number: '2026-0142',
  status,
  next,
  openCents: status === 'open' ? 12_100 : 0,
  overdueDays: 3,
});

describe('the dispute action on an invoice', () => {
  it('offers "Bezwaar maken" on an open invoice, linking to the dispute form', () => {
    const [action] = invoiceActions({ invoice: invoice({ kind: 'end' }), t }) as ReactElement<{
      to: string;
      children: string;
      'aria-label': string;
    }>[];
    expect(isValidElement(action)).toBe(true);
    expect(action.key).toBe('dispute');
    expect(action.props.to).toBe('/portal/invoices/6f1c2b9e-8a0d-4f57-9a53-0d1f3c2e4b5a/dispute');
    expect(action.props.children).toBe('Bezwaar maken');
    expect(action.props['aria-label']).toContain('Bezwaar maken');
  });

  it('offers the running dispute instead while one holds the invoice, and nothing on a paid invoice', () => {
    const [action] = invoiceActions({
      invoice: invoice({ kind: 'paused', reason: 'dispute', until: null }),
      t,
    }) as ReactElement<{ children: string }>[];
    expect(action.props.children).toBe('Bekijk bezwaar');
    expect(invoiceActions({ invoice: invoice({ kind: 'settled' }, 'paid'), t })).toEqual([]);
    expect(overviewActions({ openCount: 2, overdueCount: 1, t })).toEqual([]);
  });
});
