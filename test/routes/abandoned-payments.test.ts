/**
 * Abandoned checkouts as the real code records them (a payment started, its invoices paused,
 * the payment expiring or cancelled, the pause lifted), read back the way the pages read them:
 * the portal's invoice history and the staff's invoice and debtor timelines each show one line
 * for three attempts in a row, through the one collapsing rule (app/modules/debtors/timeline-collapse).
 */
import { describe, expect, it } from 'vitest';
import { collapseInvoiceHistory, collapseTimeline } from '~/modules/debtors/index';
import { getDebtorDetail, invoiceTimeline } from '~/modules/debtors/index.server';
import { applyPaymentStatus } from '~/modules/ledger/index.server';
import { loader as portalInvoice } from '~/routes/portal.invoices.$id';
import { fixedClock } from '~/utils/clock';
import { debtorWithOverdue, startedPayment } from '~test/factories-payments';
import { getRequest, routeArgs } from '~test/http';
import { openPortal } from '~test/portal-session';

const runs = <T>(items: ({ kind: 'entry' } | { kind: 'abandoned_payments'; count: number })[]) =>
  items
    .filter((i): i is { kind: 'abandoned_payments'; count: number } => i.kind === 'abandoned_payments')
    .map((i) => i.count) as T;

describe('three abandoned checkouts in a row', () => {
  it('read as one line in the portal history and in both staff timelines', async () => {
    const clock = fixedClock('2026-03-02T09:00:00Z');
    const setup = await debtorWithOverdue([5_000, 2_500], { today: '2026-03-02' });
    const [invoice, other] = setup.invoices;
    for (const ending of ['expired', 'canceled', 'failed'] as const) {
      clock.advanceDays(1);
      const payment = await startedPayment(
        setup.org,
        setup.debtor,
        [
          { invoiceId: invoice!.id, amountCents: 5_000 },
          { invoiceId: other!.id, amountCents: 2_500 },
        ],
        { clock },
      );
      clock.set(new Date(clock.now().getTime() + 30 * 60_000));
      await applyPaymentStatus(payment.id, ending, { clock });
    }

    const staffInvoice = await invoiceTimeline(setup.org.id, invoice!.id);
    const noise = staffInvoice.filter((e) => e.action === 'dunning.paused' || e.action === 'dunning.resumed');
    expect(noise).toHaveLength(6);
    expect(runs(collapseTimeline(staffInvoice))).toEqual([3]);
    expect(collapseTimeline(staffInvoice).filter((i) => i.kind === 'entry')).toHaveLength(staffInvoice.length - 6);

    const detail = await getDebtorDetail(setup.org.id, setup.debtor.id);
    expect(runs(collapseTimeline(detail!.timeline))).toEqual([3]);
    expect(
      collapseTimeline(detail!.timeline)
        .filter((i) => i.kind === 'entry')
        .map((i) => (i as { entry: { action: string } }).entry.action),
    ).not.toContain('payment.started');

    const { cookie } = await openPortal(setup.debtor);
    const page = await portalInvoice(
      routeArgs(getRequest(`/portal/invoices/${invoice!.id}`, { cookie }), { id: invoice!.id }),
    );
    expect(page.history.filter((h) => h.kind === 'pause')).toHaveLength(3);
    const history = collapseInvoiceHistory(page.history);
    expect(runs(history)).toEqual([3]);
    expect(history.filter((h) => h.kind === 'entry').map((h) => (h as { entry: { kind: string } }).entry.kind)).toEqual(
      ['issued'],
    );
  });
});
