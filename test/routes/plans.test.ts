import { eq } from 'drizzle-orm';
import { parseCrontab } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { paymentPlans, promisesToPay } from '~db/schema';
import { createDebtor, createInvoice, createStaff } from '~test/factories';
import { planWorld, staffCookie } from '~test/factories-plans';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { action as reviewAction, loader as reviewLoader } from '~/routes/app.plans.$id';
import { loader as queueLoader } from '~/routes/app.plans._index';
import { action as planDetailAction, loader as planDetailLoader } from '~/routes/portal.plan.$id';
import { action as planAction, loader as planLoader } from '~/routes/portal.plan._index';
import { action as promiseAction } from '~/routes/portal.promise';
import { invoiceActions } from '~/ui/portal/actions/plan';
import { addDays, amsterdamDate, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { translate } from '~/utils/i18n';
import { registeredCrontab, registeredTaskList } from '~/modules/jobs/registry.server';
import { counterPlan } from '~/modules/plans/finance.server';
import { PLAN_MAINTENANCE_TASK } from '~/modules/plans/maintenance.server';

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === 'object' && 'init' in result)
    return (result as { init?: { status?: number } | null }).init?.status ?? 200;
  return 200;
}
function dataOf<T>(result: T): T extends { data: infer D } ? D : T {
  return (
    result && typeof result === 'object' && 'data' in result && 'init' in result
      ? (result as { data: unknown }).data
      : result
  ) as never;
}

/**
 * The routes read the system clock, as in production, so the dates the debtor types are whole days
 * from the system's today in Amsterdam: the same at any hour of the day.
 */
const today = () => amsterdamDate(systemClock.now());

async function world() {
  const w = await planWorld();
  const other = await createDebtor(w.org);
  const othersInvoice = await createInvoice(w.org, other, { totalCents: 20_000, dueDate: '2026-10-05' });
  const [mine, theirs] = await Promise.all([openPortal(w.debtor), openPortal(other)]);
  return { ...w, other, othersInvoice, mine: mine.cookie, theirs: theirs.cookie };
}

function proposal(invoiceIds: string[], over: Record<string, string> = {}) {
  return {
    invoice: invoiceIds,
    installmentCount: '9',
    frequency: 'monthly',
    firstDate: addDays(today(), 5),
    downPayment: '',
    reason: '',
    intent: 'propose',
    ...over,
  };
}

async function plansOf(debtorId: string) {
  return getDb().select().from(paymentPlans).where(eq(paymentPlans.debtorId, debtorId));
}

describe('portal plan pages', () => {
  it("lists only the debtor's own open invoices", async () => {
    const w = await world();
    const page = await planLoader(routeArgs(getRequest('/portal/plan', { cookie: w.mine })));
    expect(page.candidates.map((c) => c.id).sort()).toEqual(w.invoices.map((i) => i.id).sort());
    expect(page.defaults.invoiceIds.sort()).toEqual(w.invoices.map((i) => i.id).sort());
    const one = await planLoader(
      routeArgs(
        getRequest(`/portal/plan?invoice=${w.invoices[1].id}&invoice=${w.othersInvoice.id}`, { cookie: w.mine }),
      ),
    );
    expect(one.defaults.invoiceIds).toEqual([w.invoices[1].id]);
  });

  it('previews without JavaScript: the checks run, nothing is stored', async () => {
    const w = await world();
    const ids = w.invoices.map((i) => i.id);
    const ok = await planAction(
      routeArgs(formRequest('/portal/plan', proposal(ids, { intent: 'preview' }), { cookie: w.mine })),
    );
    expect(statusOf(ok)).toBe(200);
    expect(dataOf(ok)).toMatchObject({ intent: 'preview', errors: {}, values: { installmentCount: '9' } });
    const bad = await planAction(
      routeArgs(
        formRequest('/portal/plan', proposal(ids, { intent: 'preview', installmentCount: 'drie' }), { cookie: w.mine }),
      ),
    );
    expect(statusOf(bad)).toBe(400);
    expect(dataOf(bad)).toMatchObject({ errors: { installmentCount: { key: 'plan.error.countInvalid' } } });
    const tooSmall = await planAction(
      routeArgs(
        formRequest('/portal/plan', proposal(ids, { intent: 'preview', installmentCount: '40' }), { cookie: w.mine }),
      ),
    );
    expect(dataOf(tooSmall)).toMatchObject({
      errors: { installmentCount: { key: 'plan.error.belowMinimum', params: { most: 18 } } },
    });
    expect(await plansOf(w.debtor.id)).toEqual([]);
  });

  it("refuses another debtor's invoice with a 400 and stores nothing", async () => {
    const w = await world();
    const result = await planAction(
      routeArgs(formRequest('/portal/plan', proposal([w.invoices[0].id, w.othersInvoice.id]), { cookie: w.mine })),
    );
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result)).toMatchObject({ errors: { invoices: { key: 'plan.error.invoiceUnknown' } } });
    const garbage = await planAction(
      routeArgs(formRequest('/portal/plan', proposal(["' or 1=1 --"]), { cookie: w.mine })),
    );
    expect(statusOf(garbage)).toBe(400);
    const badMoney = await planAction(
      routeArgs(formRequest('/portal/plan', proposal([w.invoices[0].id], { downPayment: '-5' }), { cookie: w.mine })),
    );
    expect(dataOf(badMoney)).toMatchObject({ errors: { downPayment: { key: 'plan.error.downPaymentNegative' } } });
    expect(await plansOf(w.debtor.id)).toEqual([]);
    expect(await plansOf(w.other.id)).toEqual([]);
  });

  it('proposes, then shows the plan to its debtor only; another debtor gets 404 and cannot answer it', async () => {
    const w = await world();
    const ids = w.invoices.map((i) => i.id);
    const result = (await settle(() =>
      planAction(routeArgs(formRequest('/portal/plan', proposal(ids), { cookie: w.mine }))),
    )) as Response;
    expect(result.status).toBe(302);
    const [plan] = await plansOf(w.debtor.id);
    expect(result.headers.get('Location')).toBe(`/portal/plan/${plan.id}?created=1`);
    expect(plan.status).toBe('proposed');

    const own = await planDetailLoader(
      routeArgs(getRequest(`/portal/plan/${plan.id}`, { cookie: w.mine }), { id: plan.id }),
    );
    expect(own.plan).toMatchObject({ status: 'proposed', totalCents: 45_000 });
    for (const id of [plan.id, 'nope']) {
      expect(
        statusOf(
          await settle(() =>
            planDetailLoader(routeArgs(getRequest(`/portal/plan/${id}`, { cookie: w.theirs }), { id })),
          ),
        ),
      ).toBe(404);
    }
    const theirList = await planLoader(routeArgs(getRequest('/portal/plan', { cookie: w.theirs })));
    expect(theirList.plans).toEqual([]);
    const mineList = await planLoader(routeArgs(getRequest('/portal/plan', { cookie: w.mine })));
    expect(mineList.pending).toEqual({ id: plan.id, status: 'proposed' });

    const counter = await counterPlan(w.finance, plan.id, {
      installmentCount: 4,
      frequency: 'monthly',
      firstDate: addDays(today(), 10),
      downPaymentCents: 0,
      note: null,
    });
    const counterId = counter.counterId!;
    const stolen = await planDetailAction(
      routeArgs(formRequest(`/portal/plan/${counterId}`, { intent: 'accept' }, { cookie: w.theirs }), {
        id: counterId,
      }),
    );
    expect(statusOf(stolen)).toBe(404);
    const [stillCountered] = await getDb().select().from(paymentPlans).where(eq(paymentPlans.id, counterId));
    expect(stillCountered.status).toBe('countered');
    const view = await planDetailLoader(
      routeArgs(getRequest(`/portal/plan/${counterId}`, { cookie: w.mine }), { id: counterId }),
    );
    expect(view).toMatchObject({ awaitingAnswer: true, original: { installmentCount: 9 } });
    const declined = (await settle(() =>
      planDetailAction(
        routeArgs(formRequest(`/portal/plan/${counterId}`, { intent: 'decline' }, { cookie: w.mine }), {
          id: counterId,
        }),
      ),
    )) as Response;
    expect(declined.headers.get('Location')).toBe(`/portal/plan/${counterId}?answered=declined`);
  });

  it('takes a promise through the plain form', async () => {
    const w = await world();
    const far = await promiseAction(
      routeArgs(
        formRequest('/portal/promise', { invoice: [w.invoices[0].id], date: addDays(today(), 15) }, { cookie: w.mine }),
      ),
    );
    expect(statusOf(far)).toBe(400);
    expect(dataOf(far)).toMatchObject({ errors: { date: { key: 'promise.error.dateTooFar' } } });
    const notAnId = await promiseAction(
      routeArgs(
        formRequest(
          '/portal/promise',
          { invoice: [w.invoices[0].id, 'x'], date: addDays(today(), 3) },
          { cookie: w.mine },
        ),
      ),
    );
    expect(statusOf(notAnId)).toBe(400);
    expect(dataOf(notAnId)).toMatchObject({
      values: { invoiceIds: [w.invoices[0].id, 'x'] },
      errors: { invoices: { key: 'plan.error.invoiceUnknown' } },
    });
    const date = addDays(today(), 14);
    const ok = (await settle(() =>
      promiseAction(
        routeArgs(formRequest('/portal/promise', { invoice: [w.invoices[0].id], date }, { cookie: w.mine })),
      ),
    )) as Response;
    expect(ok.headers.get('Location')).toBe(`/portal/promise?made=${date}`);
    const rows = await getDb().select().from(promisesToPay).where(eq(promisesToPay.debtorId, w.debtor.id));
    expect(rows).toMatchObject([{ promisedDate: date, totalCents: 30_000 }]);
  });
});

describe('back-office plan pages', () => {
  it('is for finance and admins; another creditor sees nothing', async () => {
    const w = await world();
    const ids = w.invoices.map((i) => i.id);
    await settle(() => planAction(routeArgs(formRequest('/portal/plan', proposal(ids), { cookie: w.mine }))));
    const [plan] = await plansOf(w.debtor.id);
    const support = await createStaff(w.org, 'support');
    expect(
      statusOf(
        await settle(async () =>
          queueLoader(routeArgs(getRequest('/app/plans', { cookie: await staffCookie(support) }))),
        ),
      ),
    ).toBe(403);

    const financeCookie = await staffCookie(w.finance);
    const queue = await queueLoader(routeArgs(getRequest('/app/plans', { cookie: financeCookie })));
    expect(queue.queue.map((r) => r.id)).toEqual([plan.id]);
    expect(queue.queue[0].reasons.map((r) => r.code)).toContain('max_installments');

    const outsider = await planWorld();
    const outsiderCookie = await staffCookie(outsider.finance);
    expect((await queueLoader(routeArgs(getRequest('/app/plans', { cookie: outsiderCookie })))).queue).toEqual([]);
    expect(
      statusOf(
        await settle(() =>
          reviewLoader(routeArgs(getRequest(`/app/plans/${plan.id}`, { cookie: outsiderCookie }), { id: plan.id })),
        ),
      ),
    ).toBe(404);
    const refused = await settle(() =>
      reviewAction(
        routeArgs(formRequest(`/app/plans/${plan.id}`, { intent: 'approve' }, { cookie: outsiderCookie }), {
          id: plan.id,
        }),
      ),
    );
    expect(statusOf(refused)).toBe(409);
    expect((await plansOf(w.debtor.id))[0].status).toBe('proposed');

    const review = await reviewLoader(
      routeArgs(getRequest(`/app/plans/${plan.id}`, { cookie: financeCookie }), { id: plan.id }),
    );
    expect(review.history.invoices.map((i) => i.id).sort()).toEqual(ids.sort());
    expect(review.verdict.withinPolicy).toBe(false);

    const noReason = await reviewAction(
      routeArgs(formRequest(`/app/plans/${plan.id}`, { intent: 'reject', reason: '' }, { cookie: financeCookie }), {
        id: plan.id,
      }),
    );
    expect(statusOf(noReason)).toBe(400);
    const badCounter = await reviewAction(
      routeArgs(
        formRequest(
          `/app/plans/${plan.id}`,
          {
            intent: 'counter',
            installmentCount: '3',
            frequency: 'monthly',
            firstDate: 'gisteren',
            downPayment: '',
            note: '',
          },
          { cookie: financeCookie },
        ),
        {
          id: plan.id,
        },
      ),
    );
    expect(dataOf(badCounter)).toMatchObject({ errors: { firstDate: { key: 'plan.error.dateInvalid' } } });
    const approved = (await settle(() =>
      reviewAction(
        routeArgs(formRequest(`/app/plans/${plan.id}`, { intent: 'approve' }, { cookie: financeCookie }), {
          id: plan.id,
        }),
      ),
    )) as Response;
    expect(approved.headers.get('Location')).toBe(`/app/plans/${plan.id}?done=approved`);
    expect((await plansOf(w.debtor.id))[0].status).toBe('active');
  });
});

describe('wiring', () => {
  it('offers plan and promise on a free invoice, and the way to the plan on one already in it', () => {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate('nl', key, params);
    const base = { id: 'i1', number: 'F-1', status: 'open' as const, openCents: 100, overdueDays: 3 };
    const free = invoiceActions({ invoice: { ...base, next: { kind: 'end' } }, t });
    expect(free.map((a) => (a as { key: string }).key)).toEqual(['plan', 'promise']);
    const inPlan = invoiceActions({
      invoice: { ...base, next: { kind: 'paused', reason: 'payment_plan', until: null } },
      t,
    });
    expect(inPlan).toHaveLength(1);
    const promised = invoiceActions({
      invoice: { ...base, next: { kind: 'paused', reason: 'promise_to_pay', until: null } },
      t,
    });
    expect(promised.map((a) => (a as { key: string }).key)).toEqual(['plan']);
    const disputed = invoiceActions({
      invoice: { ...base, next: { kind: 'paused', reason: 'dispute', until: null } },
      t,
    });
    expect(disputed).toEqual([]);
  });

  it('registers the daily maintenance task with a crontab line graphile-worker accepts', () => {
    expect(Object.keys(registeredTaskList())).toContain(PLAN_MAINTENANCE_TASK);
    const line = registeredCrontab()
      .split('\n')
      .find((l) => l.includes(PLAN_MAINTENANCE_TASK))!;
    const [item] = parseCrontab(line);
    expect(item).toMatchObject({ task: PLAN_MAINTENANCE_TASK, options: { backfillPeriod: 86_400_000 } });
  });
});
