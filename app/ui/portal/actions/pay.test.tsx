import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { translate } from '~/utils/i18n';
import { invoiceActions, overviewActions } from './pay';

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('nl', key, params);
const invoice = (status: 'open' | 'paid' = 'open') => ({
  id: '6f1c2b9e-8a0d-4f57-9a53-0d1f3c2e4b5a',
  number: '2026-0142',
  status,
  next: { kind: 'end' as const },
  openCents: status === 'open' ? 12_100 : 0,
  overdueDays: 3,
});

type LinkElement = ReactElement<{ to: string; children: string; 'aria-label'?: string; className: string }>;

describe('the pay actions', () => {
  it('"Betalen" on the overview goes to the payment page, the primary action; nothing when all is paid', () => {
    const [action] = overviewActions({ openCount: 3, overdueCount: 2, t }) as LinkElement[];
    expect(isValidElement(action)).toBe(true);
    expect(action.key).toBe('pay');
    expect(action.props.to).toBe('/portal/pay');
    expect(action.props.children).toBe('Betalen');
    expect(action.props.className).toMatch(/^button /);
    expect(overviewActions({ openCount: 0, overdueCount: 0, t })).toEqual([]);
  });

  it('"Betaal deze factuur" pays one invoice; its accessible name holds the visible text and the number', () => {
    const [action] = invoiceActions({ invoice: invoice(), t }) as LinkElement[];
    expect(action.props.to).toBe('/portal/pay?invoice=6f1c2b9e-8a0d-4f57-9a53-0d1f3c2e4b5a');
    expect(action.props.children).toBe('Betaal deze factuur');
    expect(action.props['aria-label']).toBe('Betaal deze factuur: 2026-0142');
    expect(invoiceActions({ invoice: invoice('paid'), t })).toEqual([]);
  });
});
