import { describe, expect, it } from 'vitest';
import { translateCount } from '~/utils/i18n';
import type { TimelineEvent } from './timeline';
import { collapseInvoiceHistory, collapseTimeline, formatSpan, type Collapsed } from './timeline-collapse';

/** The portal's history entries (newest first), as getPortalInvoice gives them. */
type Pause = { kind: 'pause'; at: string; reason: string; liftedAt: string | null; liftedReason: string | null };
type Entry = { kind: 'issued'; at: string } | { kind: 'reminder'; at: string; template: string } | Pause;

const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 2, day, hour, minute)).toISOString();
const abandoned = (day: number, hour: number, why = 'payment_expired'): Pause => ({
  kind: 'pause',
  at: at(day, hour),
  reason: 'payment_pending',
  liftedAt: at(day, hour, 45),
  liftedReason: why,
});
const reminder = (day: number): Entry => ({ kind: 'reminder', at: at(day, 8), template: 'second_reminder' });
const issued: Entry = { kind: 'issued', at: at(1, 11) };

/** A compact picture of the collapsed history: entries by kind, runs as "N×". */
const shape = <T extends { kind: string }>(items: Collapsed<T>[]) =>
  items.map((i) => (i.kind === 'abandoned_payments' ? `${i.count}×` : i.entry.kind));

describe('abandoned payment attempts in an invoice history (the portal)', () => {
  it('collapses one abandoned attempt into one line with its time span', () => {
    const items = collapseInvoiceHistory([abandoned(3, 9), issued]);
    expect(shape(items)).toEqual(['1×', 'issued']);
    expect(items[0]).toMatchObject({ count: 1, from: at(3, 9), to: at(3, 9, 45) });
  });

  it('collapses three abandoned attempts in a row into one line, spanning all three', () => {
    const items = collapseInvoiceHistory([
      abandoned(5, 14, 'payment_canceled'),
      abandoned(4, 10, 'payment_failed'),
      abandoned(3, 9, 'checkout_failed'),
      issued,
    ]);
    expect(shape(items)).toEqual(['3×', 'issued']);
    expect(items[0]).toMatchObject({ from: at(3, 9), to: at(5, 14, 45) });
    expect(translateCount('nl', 'portal.history.abandonedPayments', 3)).toBe('3 betaalpogingen afgebroken');
    expect(translateCount('nl', 'portal.history.abandonedPayments', 1)).toBe('1 betaalpoging afgebroken');
    expect(translateCount('en', 'portal.history.abandonedPayments', 3)).toBe('3 payment attempts abandoned');
  });

  it('does not merge across a reminder between attempts', () => {
    const items = collapseInvoiceHistory([abandoned(9, 9), abandoned(8, 9), reminder(7), abandoned(6, 9), issued]);
    expect(shape(items)).toEqual(['2×', 'reminder', '1×', 'issued']);
  });

  it('keeps a pause that ended in a payment, and other pauses, as they are (and they split runs)', () => {
    const paid: Entry = { ...abandoned(6, 9), liftedReason: 'payment_paid' };
    const running: Entry = { ...abandoned(7, 9), liftedAt: null, liftedReason: null };
    const dispute: Entry = { ...abandoned(4, 9), reason: 'dispute', liftedReason: 'dispute_rejected' };
    const items = collapseInvoiceHistory([running, paid, abandoned(5, 9), dispute, abandoned(3, 9), issued]);
    expect(shape(items)).toEqual(['pause', 'pause', '1×', 'pause', '1×', 'issued']);
    expect(items[1]).toEqual({ kind: 'entry', entry: paid });
  });

  it('leaves a history without abandoned attempts untouched', () => {
    const history = [reminder(9), issued];
    expect(collapseInvoiceHistory(history)).toEqual(history.map((entry) => ({ kind: 'entry', entry })));
  });
});

let nextId = 1;
function event(action: string, moment: string, patch: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    id: nextId++,
    at: moment,
    action,
    entityType: action.startsWith('payment.') ? 'payment' : 'invoice',
    entityId: 'x',
    actorType: 'system',
    actorId: null,
    actorName: null,
    invoiceId: null,
    invoiceNumber: null,
    data: null,
    ...patch,
  };
}

/** The audit events of one checkout over the given invoices, oldest first: started, paused, ended, resumed. */
function attempt(payment: string, invoices: string[], day: number, ending = 'expired') {
  const start = at(day, 9);
  const end = at(day, 10);
  return [
    event('payment.started', start, { entityId: payment, actorType: 'debtor' }),
    ...invoices.map((invoice) =>
      event('dunning.paused', start, {
        entityId: invoice,
        invoiceId: invoice,
        invoiceNumber: invoice.toUpperCase(),
        data: { reason: 'payment_pending', sourceId: payment, until: null },
      }),
    ),
    event(`payment.${ending}`, end, { entityId: payment }),
    ...invoices.map((invoice) =>
      event('dunning.resumed', end, {
        entityId: invoice,
        invoiceId: invoice,
        invoiceNumber: invoice.toUpperCase(),
        data: { liftedReason: `payment_${ending}`, reasons: ['payment_pending'], nextActionAt: null },
      }),
    ),
  ];
}
const newestFirst = (events: TimelineEvent[]) =>
  [...events].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));

describe('abandoned payment attempts in a staff timeline', () => {
  it("collapses an invoice timeline's pause/resume pairs into one line", () => {
    const pairs = [...attempt('p1', ['i1'], 3), ...attempt('p2', ['i1'], 4), ...attempt('p3', ['i1'], 5)].filter(
      (e) => e.invoiceId,
    );
    const created = event('invoice.created', at(1, 8), { invoiceId: 'i1' });
    const items = collapseTimeline(newestFirst([created, ...pairs]));
    expect(items.map((i) => (i.kind === 'entry' ? i.entry.action : `${i.count}×`))).toEqual(['3×', 'invoice.created']);
    expect(items[0]).toMatchObject({ count: 3, from: at(3, 9), to: at(5, 10) });
    expect(items[1]).toEqual({ kind: 'entry', entry: created });
  });

  it("counts one attempt over several invoices once on a debtor's timeline, payment lines included", () => {
    const items = collapseTimeline(newestFirst(attempt('p1', ['i1', 'i2', 'i3'], 3)));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'abandoned_payments', count: 1 });
    expect((items[0] as { entries: unknown[] }).entries).toHaveLength(8);
  });

  it('does not merge across a reminder, and keeps an attempt split by one as it is', () => {
    const step = event('dunning.step', at(4, 12), { invoiceId: 'i1', data: { stage: 2, template: 'second_reminder' } });
    const items = collapseTimeline(newestFirst([...attempt('p1', ['i1'], 3), step, ...attempt('p2', ['i1'], 5)]));
    expect(items.map((i) => (i.kind === 'entry' ? i.entry.action : `${i.count}×`))).toEqual([
      '1×',
      'dunning.step',
      '1×',
    ]);

    // A reminder between the start and the end of one attempt: that attempt stays as it is.
    const [started, paused, expired, resumed] = attempt('p3', ['i1'], 7);
    const inside = event('dunning.step', at(7, 9, 30), { invoiceId: 'i1' });
    const split = collapseTimeline(newestFirst([started!, paused!, inside, expired!, resumed!]));
    expect(split.every((i) => i.kind === 'entry')).toBe(true);
  });

  it('keeps an attempt that ended in a payment as it is', () => {
    const start = at(6, 9);
    const paid = [
      event('payment.started', start, { entityId: 'p9' }),
      event('dunning.paused', start, {
        invoiceId: 'i1',
        data: { reason: 'payment_pending', sourceId: 'p9', until: null },
      }),
      event('payment.paid', at(6, 9, 5), { entityId: 'p9' }),
      event('invoice.paid', at(6, 9, 5), { invoiceId: 'i1' }),
    ];
    const items = collapseTimeline(newestFirst([...attempt('p1', ['i1'], 3), ...paid]));
    expect(items.map((i) => (i.kind === 'entry' ? i.entry.action : `${i.count}×`))).toEqual([
      'invoice.paid',
      'payment.paid',
      'dunning.paused',
      'payment.started',
      '1×',
    ]);
  });

  it('a resume for another reason (a pause that ended in a bank payment) is not an abandoned attempt', () => {
    const [started, paused] = attempt('p1', ['i1'], 3);
    const settled = event('dunning.resumed', at(3, 11), {
      invoiceId: 'i1',
      data: { liftedReason: 'paid', reasons: ['payment_pending'] },
    });
    const items = collapseTimeline(newestFirst([started!, paused!, settled]));
    expect(items.every((i) => i.kind === 'entry')).toBe(true);
  });
});

describe('the time span of a collapsed line', () => {
  it('names one day once, two days in full', () => {
    expect(formatSpan(at(3, 8), at(3, 13, 5), 'nl')).toBe('3 mrt 2026 09:00–14:05');
    expect(formatSpan(at(3, 8), at(3, 8), 'en')).toBe('3 Mar 2026, 09:00');
    expect(formatSpan(at(3, 8), at(5, 9), 'en')).toBe('3 Mar 2026, 09:00 – 5 Mar 2026, 10:00');
  });
});
