/**
 * Tenancy across debtors and creditors (IDOR): two creditors, two furnished debtors each
 * (held-world.ts). Debtor A1's portal session, creditor A's admin and A's API key ask for every
 * object of A2 and of creditor B by its id: the answer is the route's refusal (404, or the form's
 * 400), the same as for an id that does not exist, with nothing of theirs in it, and nothing of
 * theirs changed. Every refusal has a control: the same request for A1's or A's own object works.
 *
 * The routes are enumerated from the build: a route with a path parameter that is not in COVERED
 * fails the last test, so a new `$id` route cannot skip this file.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments, paymentPlans, promisesToPay, type Invoice } from '~db/schema';
import { loadBuild } from '~/server/http';
import { getDb } from '~/utils/db.server';
import { orgFootprint } from './held-footprint';
import {
  dayFromToday,
  heldOrg,
  PDF_BYTES,
  portalCookie,
  postFields,
  postMultipart,
  staffCookie,
  startHeldApp,
  type HeldDebtor,
  type HeldOrg,
} from './held-world';
import { MODES, showsStack, type Answer, type RunningApp } from './harness';

/**
 * Every route with a path parameter, and where its tenancy is proven. A new one must be added
 * here (with its cases) before this file passes.
 */
const COVERED: Record<string, string> = {
  'routes/portal.invoices.$id': 'this file: portal',
  'routes/portal.invoices.$id.pdf': 'this file: portal',
  'routes/portal.invoices.$id_.dispute': 'this file: portal',
  'routes/portal.invoices.$id_.question': 'this file: portal',
  'routes/portal.receipts.$paymentId':
    "app/modules/portal/receipts.server.test.ts: another debtor's payment, a write-off, a chargeback or an open payment is 404",
  'routes/portal.receipts.$paymentId.pdf':
    "app/modules/portal/receipts.server.test.ts: another debtor's receipt PDF is 404",
  'routes/portal.disputes.$id': 'this file: portal',
  'routes/portal.disputes.$id.attachments.$attachmentId': 'this file: portal',
  'routes/portal.plan.$id': 'this file: portal',
  'routes/app.debtors.$id': 'this file: back office',
  'routes/app.invoices.$id': 'this file: back office',
  'routes/app.invoices.$id_.pdf': 'this file: back office',
  'routes/app.plans.$id': 'this file: back office',
  'routes/app.disputes.$id': 'this file: back office',
  'routes/app.disputes.$id.attachments.$attachmentId': 'this file: back office',
  'routes/app.bank.statements.$id':
    "test/routes/bank.test.ts: another creditor's statement is 404, its queue lines refused (404) and unchanged",
  'routes/api.v1.bank-statements.$id':
    "test/routes/api-bank-statements.test.ts: another creditor's statement id answers 404 with another creditor's key",
  'routes/api.v1.invoices.$number': 'this file: API',
  'routes/api.v1.invoices.$number_.pdf': 'this file: API',
  'routes/api.v1.invoices.$number_.settle': 'this file: API',
  'routes/api.v1.debtors.$externalRef': 'this file: API',
  'routes/api.v1.$': 'this file: API (unknown paths)',
  'routes/$': 'test/routes/error-pages.test.ts: every other unknown address answers 404 and reads nothing',
  'routes/l.$token': 'links.security.test.ts (signed, tenant in the signed claims, checked against the record)',
  'routes/invite.$token': 'this file: an unknown invitation token reveals nothing',
  'routes/brand.$orgId.logo': 'this file: public by design (a logo on the sign-in-free pages); nothing else served',
  'routes/demo-checkout.$id': 'this file: the demo provider page, absent in production, unknown ids 404',
  'routes/dev.mail.$id': 'this file: development tool, absent in production',
  'routes/dev.mail.$id_.html': 'this file: development tool, absent in production',
  'routes/dev.mail.preview.$template': 'this file: development tool, absent in production',
};

describe.each(MODES)('tenancy in %s mode', (mode) => {
  let app: RunningApp;
  let A: HeldOrg;
  let B: HeldOrg;
  let a1: HeldDebtor;
  let a2: HeldDebtor;
  let b1: HeldDebtor;
  let portal: string;
  let staff: string;
  /** The debtors whose objects A1 must not reach, and creditor B's for A's staff and API key. */
  let victims: HeldDebtor[];

  beforeAll(async () => {
    app = await startHeldApp(mode);
    A = await heldOrg();
    B = await heldOrg();
    [a1, a2] = A.debtors;
    [b1] = B.debtors;
    victims = [a2, b1];
    // B1's plan waits for finance, so approve and reject have something to act on.
    await getDb()
      .update(paymentPlans)
      .set({ status: 'proposed', decidedAt: null })
      .where(eq(paymentPlans.id, b1.planId));
    portal = await portalCookie(app, a1.debtor);
    staff = await staffCookie(app, A.admin);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const get = (path: string, cookie: string) => app.request(path, { headers: { cookie } });
  const markersOf = (d: HeldDebtor) => [d.marker, d.pdfMarker, d.attachmentMarker, d.debtor.name, d.debtor.email];

  /** A refusal that reveals nothing: no marker of the victim, no stack. */
  function expectNothingOf(answer: Answer, victim: HeldDebtor, what: string) {
    for (const marker of markersOf(victim)) expect(answer.body, `${what}: ${marker}`).not.toContain(marker);
    expect(showsStack(answer.body), what).toBe(false);
  }

  async function footprints() {
    return { a: await orgFootprint(A.org.id), b: await orgFootprint(B.org.id) };
  }

  describe("debtor A1's portal session", () => {
    const pagePaths = (d: HeldDebtor) => ({
      invoice: `/portal/invoices/${d.invoices[3].id}`,
      'invoice PDF': `/portal/invoices/${d.invoices[3].id}/pdf`,
      'new dispute page': `/portal/invoices/${d.invoices[3].id}/dispute`,
      'question page': `/portal/invoices/${d.invoices[3].id}/question`,
      dispute: `/portal/disputes/${d.disputeId}`,
      attachment: `/portal/disputes/${d.disputeId}/attachments/${d.attachmentId}`,
      plan: `/portal/plan/${d.planId}`,
      'payment return': `/portal/pay/return?payment=${d.paymentId}`,
    });

    it('opens its own objects (the control)', async () => {
      for (const [what, path] of Object.entries(pagePaths(a1))) {
        const answer = await get(path, portal);
        expect(answer.status, what).toBe(200);
      }
      expect((await get(pagePaths(a1)['invoice PDF'], portal)).body).toContain(a1.pdfMarker);
      expect((await get(pagePaths(a1).attachment, portal)).body).toContain(a1.attachmentMarker);
      expect((await get(pagePaths(a1).invoice, portal)).body).toContain(a1.marker);
    });

    it('gets 404 for every page and file of A2 and of B1, as for an id that does not exist', async () => {
      const before = await footprints();
      const unknown = Object.values(
        pagePaths({
          ...a1,
          invoices: a1.invoices.map((i) => ({ ...i, id: randomUUID() })) as Invoice[],
          disputeId: randomUUID(),
          attachmentId: randomUUID(),
          planId: randomUUID(),
          paymentId: randomUUID(),
        }),
      );
      for (const path of unknown) expect((await get(path, portal)).status, path).toBe(404);
      for (const victim of victims) {
        for (const [what, path] of Object.entries(pagePaths(victim))) {
          const answer = await get(path, portal);
          expect(answer.status, `${what} ${path}`).toBe(404);
          expectNothingOf(answer, victim, what);
        }
        // Their attachment under A1's own dispute, and A1's attachment under theirs.
        expect((await get(`/portal/disputes/${a1.disputeId}/attachments/${victim.attachmentId}`, portal)).status).toBe(
          404,
        );
        expect((await get(`/portal/disputes/${victim.disputeId}/attachments/${a1.attachmentId}`, portal)).status).toBe(
          404,
        );
      }
      expect(await footprints()).toEqual(before);
    });

    it('cannot pay, plan, promise or dispute with their invoice ids, alone or mixed with its own', async () => {
      const before = await footprints();
      for (const victim of victims) {
        const theirs = victim.invoices[3].id;
        const own = a1.invoices[3].id;
        const payForms: [string, string][][] = [
          [
            ['scope', 'invoices'],
            ['invoice', theirs],
            ['method', 'ideal'],
          ],
          [
            ['scope', 'invoices'],
            ['invoice', own],
            ['invoice', theirs],
            ['method', 'ideal'],
          ],
          [
            ['scope', 'single'],
            ['invoice', theirs],
            ['method', 'creditcard'],
          ],
          [
            ['scope', 'single'],
            ['invoice', theirs],
            ['amountMode', 'part'],
            ['amount', '10,00'],
            ['method', 'ideal'],
          ],
          [
            ['scope', 'invoices'],
            ['invoice', theirs],
            ['method', 'banktransfer'],
          ],
        ];
        for (const fields of payForms) {
          const answer = await postFields(app, '/portal/pay', portal, fields);
          expect(answer.status, JSON.stringify(fields)).toBe(400);
          expectNothingOf(answer, victim, 'pay');
        }
        const single = await get(`/portal/pay?invoice=${theirs}`, portal);
        expect(single.status).toBe(302);
        expect(single.headers.location).toBe('/portal/pay');
        const transfer = await get(`/portal/pay/transfer?invoice=${theirs}`, portal);
        expectNothingOf(transfer, victim, 'transfer');
        expect(transfer.body).not.toContain(victim.invoices[3].paymentReference ?? 'no reference');

        const plan = await postFields(app, '/portal/plan', portal, [
          ['intent', 'propose'],
          ['invoice', theirs],
          ['installmentCount', '3'],
          ['frequency', 'monthly'],
          ['firstDate', dayFromToday(10)],
        ]);
        expect(plan.status).toBe(400);
        expectNothingOf(plan, victim, 'plan');
        const promise = await postFields(app, '/portal/promise', portal, [
          ['invoice', theirs],
          ['date', dayFromToday(5)],
        ]);
        expect(promise.status).toBe(400);
        expectNothingOf(promise, victim, 'promise');

        const dispute = await postMultipart(app, `/portal/invoices/${theirs}/dispute`, portal, {
          scope: 'full',
          reason: 'amount_wrong',
          message: 'Not mine, but let me try',
        });
        expect(dispute.status).toBe(404);
        const reply = await postMultipart(app, `/portal/disputes/${victim.disputeId}`, portal, {
          intent: 'reply',
          message: 'A reply in their thread',
        });
        expect(reply.status).toBe(404);
        const withdraw = await postMultipart(app, `/portal/disputes/${victim.disputeId}`, portal, {
          intent: 'withdraw',
          confirm: 'yes',
        });
        expect(withdraw.status).toBe(404);
        const accept = await postFields(app, `/portal/disputes/${victim.disputeId}`, portal, [['intent', 'accept']]);
        expect(accept.status).toBe(404);
        const question = await postFields(app, `/portal/invoices/${theirs}/question`, portal, [
          ['message', 'A question about their invoice'],
        ]);
        expect(question.status).toBe(404);
        for (const intent of ['accept', 'decline']) {
          const answer = await postFields(app, `/portal/plan/${victim.planId}`, portal, [['intent', intent]]);
          expect(answer.status, intent).toBe(404);
        }
        // Paying an installment: the same refusal as for ids that do not exist (no oracle), and nothing started.
        const payInstallment = (planId: string, installmentId: string) =>
          postFields(app, `/portal/plan/${planId}`, portal, [
            ['intent', 'pay'],
            ['installment', installmentId],
          ]);
        const nobodys = await payInstallment(randomUUID(), randomUUID());
        const theirPlan = await payInstallment(victim.planId, victim.installmentId);
        expect(theirPlan.status).toBeGreaterThanOrEqual(400);
        expect(theirPlan.status).toBe(nobodys.status);
        expectNothingOf(theirPlan, victim, 'installment');
        const ownPlanTheirInstallment = await payInstallment(a1.planId, victim.installmentId);
        expect(ownPlanTheirInstallment.status).toBe((await payInstallment(a1.planId, randomUUID())).status);
        expect(ownPlanTheirInstallment.status).toBeGreaterThanOrEqual(400);
      }
      const after = await footprints();
      expect(after.b).toEqual(before.b);
      // Nothing was started for A1 either: no payment, plan or promise from a refused form.
      expect(after.a.payments).toBe(before.a.payments);
      expect(after.a.payment_plans).toBe(before.a.payment_plans);
      expect(after.a.promises_to_pay).toBe(before.a.promises_to_pay);
      expect(after.a.disputes).toBe(before.a.disputes);
      expect(after.a.dispute_messages).toBe(before.a.dispute_messages);
    });

    it('the same forms with its own ids are taken (the control)', async () => {
      const own = a1.invoices[3].id;
      const promise = await postFields(app, '/portal/promise', portal, [
        ['invoice', own],
        ['date', dayFromToday(5)],
      ]);
      expect(promise.status).toBe(302);
      const made = await getDb().select().from(promisesToPay).where(eq(promisesToPay.debtorId, a1.debtor.id));
      expect(made.length).toBeGreaterThan(0);
      const reply = await postMultipart(app, `/portal/disputes/${a1.disputeId}`, portal, {
        intent: 'reply',
        message: 'My own reply',
      });
      expect(reply.status).toBe(302);
    });
  });

  describe("creditor A's admin in the back office", () => {
    const pagePaths = (d: HeldDebtor) => ({
      debtor: `/app/debtors/${d.debtor.id}`,
      invoice: `/app/invoices/${d.invoices[3].id}`,
      'invoice PDF': `/app/invoices/${d.invoices[3].id}/pdf`,
      plan: `/app/plans/${d.planId}`,
      dispute: `/app/disputes/${d.disputeId}`,
      attachment: `/app/disputes/${d.disputeId}/attachments/${d.attachmentId}`,
    });

    it("opens its own creditor's objects (the control)", async () => {
      for (const d of A.debtors) {
        for (const [what, path] of Object.entries(pagePaths(d))) {
          expect((await get(path, staff)).status, what).toBe(200);
        }
      }
      expect((await get(pagePaths(a2)['invoice PDF'], staff)).body).toContain(a2.pdfMarker);
    });

    it("gets 404 for every page and file of creditor B's debtors, as for ids that do not exist", async () => {
      const before = await footprints();
      for (const path of Object.values(
        pagePaths({
          ...b1,
          debtor: { ...b1.debtor, id: randomUUID() },
          invoices: b1.invoices.map((i) => ({ ...i, id: randomUUID() })) as Invoice[],
          planId: randomUUID(),
          disputeId: randomUUID(),
          attachmentId: randomUUID(),
        }),
      ))
        expect((await get(path, staff)).status, path).toBe(404);
      for (const victim of B.debtors) {
        for (const [what, path] of Object.entries(pagePaths(victim))) {
          const answer = await get(path, staff);
          expect(answer.status, `${what} ${path}`).toBe(404);
          expectNothingOf(answer, victim, what);
        }
        expect((await get(`/app/disputes/${a1.disputeId}/attachments/${victim.attachmentId}`, staff)).status).toBe(404);
      }
      expect(await footprints()).toEqual(before);
    });

    it("acts on nothing of creditor B's: approve, reject, holds, links, dispute answers", async () => {
      const before = await footprints();
      for (const victim of B.debtors) {
        for (const fields of [
          [['intent', 'approve']],
          [
            ['intent', 'reject'],
            ['reason', 'Nee'],
          ],
        ] as [string, string][][]) {
          const answer = await postFields(app, `/app/plans/${victim.planId}`, staff, fields);
          expect([404, 409], fields[0][1]).toContain(answer.status);
          expectNothingOf(answer, victim, 'plan action');
        }
        for (const intent of ['send_link', 'revoke_links', 'lift_hold', 'clear_flag']) {
          // revoke_links confirmed, so the attempt gets as far as it can.
          const answer = await postFields(app, `/app/debtors/${victim.debtor.id}`, staff, [
            ['intent', intent],
            ['confirm', 'yes'],
          ]);
          expect(answer.status, intent).toBe(404);
        }
        const hold = await postFields(app, `/app/debtors/${victim.debtor.id}`, staff, [
          ['intent', 'hold'],
          ['until', dayFromToday(10)],
          ['note', 'Hold'],
        ]);
        expect(hold.status).toBe(404);
        for (const fields of [
          [
            ['intent', 'hold'],
            ['until', dayFromToday(10)],
            ['note', 'Hold'],
          ],
          [['intent', 'lift_hold']],
        ] as [string, string][][]) {
          const answer = await postFields(app, `/app/invoices/${victim.invoices[3].id}`, staff, fields);
          expect(answer.status, fields[0][1]).toBe(404);
        }
        const disputeActions: Record<string, string>[] = [
          { intent: 'reply', message: 'Answer from the wrong creditor' },
          { intent: 'note', message: 'Internal note' },
          { intent: 'assign_me' },
          { intent: 'credit', amount: '10,00', note: 'Credit' },
          { intent: 'reject', note: 'Rejected' },
          { intent: 'hold' },
          { intent: 'lift_hold' },
          { intent: 'close', liftHold: 'yes' },
        ];
        for (const fields of disputeActions) {
          const answer = await postMultipart(app, `/app/disputes/${victim.disputeId}`, staff, fields);
          expect(answer.status, fields.intent).toBe(404);
        }
      }
      expect((await footprints()).b).toEqual(before.b);
    });

    it('the same approve works on its own creditor (the control)', async () => {
      await getDb()
        .update(paymentPlans)
        .set({ status: 'proposed', decidedAt: null })
        .where(eq(paymentPlans.id, a2.planId));
      const answer = await postFields(app, `/app/plans/${a2.planId}`, staff, [['intent', 'approve']]);
      expect(answer.status).toBe(302);
      const [plan] = await getDb().select().from(paymentPlans).where(eq(paymentPlans.id, a2.planId));
      expect(plan.status).toBe('active');
    });
  });

  describe("creditor A's API key", () => {
    const api = (
      path: string,
      key: string,
      init: { method?: string; json?: unknown; body?: Buffer; type?: string } = {},
    ) =>
      app.request(path, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${key}`,
          ...(init.json !== undefined || init.body ? { 'content-type': init.type ?? 'application/json' } : {}),
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });

    it("reads its own invoices and debtors (the control), and 404 for creditor B's", async () => {
      const own = await api(`/api/v1/invoices/${encodeURIComponent(a1.invoices[3].number)}`, A.apiKey);
      expect(own.status).toBe(200);
      expect((await api(`/api/v1/debtors/${encodeURIComponent(a1.debtor.externalRef!)}`, A.apiKey)).status).toBe(200);
      const before = await footprints();
      /** The answers for one invoice number and debtor reference, with those echoed back taken out. */
      const answersFor = async (number: string, ref: string) => {
        const n = encodeURIComponent(number);
        const requests: [string, Promise<Answer>][] = [
          ['invoice', api(`/api/v1/invoices/${n}`, A.apiKey)],
          ['debtor', api(`/api/v1/debtors/${encodeURIComponent(ref)}`, A.apiKey)],
          ['settle', api(`/api/v1/invoices/${n}/settle`, A.apiKey, { method: 'POST', json: { outcome: 'paid' } })],
          [
            'credit',
            api(`/api/v1/invoices/${n}/settle`, A.apiKey, {
              method: 'POST',
              json: { outcome: 'credited', amountCents: 100 },
            }),
          ],
          [
            'pdf',
            api(`/api/v1/invoices/${n}/pdf`, A.apiKey, {
              method: 'PUT',
              body: PDF_BYTES('replaced'),
              type: 'application/pdf',
            }),
          ],
        ];
        const out: Record<string, { status: number; body: string; type: string | undefined }> = {};
        for (const [what, pending] of requests) {
          const answer = await pending;
          out[what] = {
            status: answer.status,
            body: answer.body.split(number).join('<number>').split(ref).join('<ref>'),
            type: answer.headers['content-type'],
          };
        }
        return out;
      };
      const unknown = await answersFor(`nope-${randomUUID().slice(0, 8)}`, `nope-${randomUUID().slice(0, 8)}`);
      for (const victim of B.debtors) {
        const answers = await answersFor(victim.invoices[3].number, victim.debtor.externalRef!);
        for (const [what, answer] of Object.entries(answers)) {
          expect(answer.status, what).toBe(404);
          expect(answer.type, what).toMatch(/application\/json/);
          // Only what was asked for is echoed: the answer is the one for a number nobody has.
          expect(answer, what).toEqual(unknown[what]);
          for (const marker of [victim.debtor.name, victim.debtor.email, victim.pdfMarker])
            expect(answer.body, what).not.toContain(marker);
        }
      }
      expect((await footprints()).b).toEqual(before.b);
    });

    it("lists only its own creditor's payments", async () => {
      const answer = await api('/api/v1/payments?limit=100', A.apiKey);
      expect(answer.status).toBe(200);
      const ids = (JSON.parse(answer.body) as { data: { id: string }[] }).data.map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining([a1.paymentId, a2.paymentId]));
      const theirs = await getDb()
        .select({ id: payments.id })
        .from(payments)
        .where(inArray(payments.organizationId, [B.org.id]));
      expect(theirs.length).toBeGreaterThan(0);
      for (const { id } of theirs) expect(ids).not.toContain(id);
      for (const victim of B.debtors) expectNothingOf(answer, victim, 'payments list');
    });

    it('unknown API paths answer a JSON 404, with or without a key', async () => {
      for (const path of [
        `/api/v1/organizations/${B.org.id}`,
        `/api/v1/debtors/${b1.debtor.id}/invoices`,
        '/api/v1/admin',
      ]) {
        const answer = await api(path, A.apiKey);
        expect(answer.status, path).toBe(404);
        expect(answer.headers['content-type']).toMatch(/application\/json/);
      }
    });
  });

  describe('the other routes with a path parameter', () => {
    it('an unknown invitation token reveals nothing', async () => {
      const answer = await app.request(`/invite/${'x'.repeat(43)}`);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body).not.toContain(A.org.name);
      expect(answer.body).not.toContain(B.org.name);
      expect(showsStack(answer.body)).toBe(false);
    });

    it('a creditor logo URL serves a logo or 404, never other files of the creditor', async () => {
      expect((await app.request(`/brand/${B.org.id}/logo`)).status).toBe(404);
      expect((await app.request('/brand/not-a-uuid/logo')).status).toBe(404);
      expect((await app.request(`/brand/${randomUUID()}/logo`)).status).toBe(404);
    });

    it('the demo checkout and the mail outbox exist only outside production; unknown ids are 404', async () => {
      const paths = [`/demo-checkout/${randomUUID()}`, `/dev/mail/${randomUUID()}`, `/dev/mail/${randomUUID()}/html`];
      for (const path of paths) expect((await app.request(path)).status, path).toBe(404);
      const outbox = await app.request('/dev/mail');
      const preview = await app.request('/dev/mail/preview/fresh_link');
      if (mode === 'production') {
        expect(outbox.status).toBe(404);
        expect(preview.status).toBe(404);
      } else {
        expect(outbox.status).toBe(200);
      }
    });
  });
});

describe('the list of covered routes', () => {
  it('names every route of the build that takes a path parameter', async () => {
    const { routes } = await loadBuild();
    const fullPath = (id: string): string => {
      const route = routes[id];
      if (!route) return '';
      const parent = route.parentId ? fullPath(route.parentId) : '';
      return [parent, route.path ?? ''].filter(Boolean).join('/');
    };
    const withParams = Object.keys(routes)
      .filter((id) => /(^|\/)[:*]/.test(fullPath(id)))
      .sort();
    expect(withParams.filter((id) => !(id in COVERED))).toEqual([]);
    // And no stale entries: a route removed from the app is removed here.
    expect(Object.keys(COVERED).filter((id) => !withParams.includes(id))).toEqual([]);
  });
});
