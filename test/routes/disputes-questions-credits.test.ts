/**
 * The forms of questions and part credits, as a browser posts them: the debtor's question form
 * (bounded text, no NUL, scoped to their own invoices), the debtor's "accept" on a part credit,
 * and support's question controls (hold reminders, close) and the inbox's kind filter.
 * Refusals are 400s that name the field and store nothing.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { disputes, dunningPauses } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { disputeFootprint, staffCookie } from '~test/factories-disputes';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { action as questionAction, loader as questionLoader } from '~/routes/portal.invoices.$id_.question';
import { action as threadAction, loader as threadLoader } from '~/routes/portal.disputes.$id';
import { loader as listLoader } from '~/routes/portal.disputes._index';
import { action as staffAction, loader as staffLoader } from '~/routes/app.disputes.$id';
import { loader as inboxLoader } from '~/routes/app.disputes._index';
import { loader as debtorPageLoader } from '~/routes/app.debtors.$id';
import { loader as invoicePageLoader } from '~/routes/app.invoices.$id';
import { describeEvent } from '~/modules/debtors/index';
import { getDb } from '~/utils/db.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import { openDispute } from '~/modules/disputes/debtor.server';
import { creditDispute } from '~/modules/disputes/resolve.server';

async function setup() {
  const org = await createOrganization();
  const support = await createStaff(org, 'support', { name: 'Chantal Bakker' });
  const debtor = await createDebtor(org, { name: 'Anna Aarts' });
  const invoice = await createInvoice(org, debtor, { totalCents: 20_000, dueDate: '2026-10-01' });
  const { cookie } = await openPortal(debtor);
  return { org, support, debtor, invoice, cookie, scope: { organizationId: org.id, debtorId: debtor.id } };
}

type Refused = {
  data: { errors: Record<string, { key: string; params?: Record<string, unknown> }> };
  init: { status: number };
};

const ask = (ctx: { cookie: string }, invoiceId: string, fields: Record<string, string>) =>
  settle(() =>
    questionAction(
      routeArgs(formRequest(`/portal/invoices/${invoiceId}/question`, fields, { cookie: ctx.cookie }), {
        id: invoiceId,
      }),
    ),
  ) as Promise<Response | Refused>;

const location = (response: unknown) => (response as Response).headers.get('Location') ?? '';
const pauses = async (invoiceId: string) => (await activePauses(getDb(), [invoiceId])).get(invoiceId) ?? [];

describe('the debtor’s question form', () => {
  for (const [what, fields, key] of [
    ['an empty question', { message: ' \r\n ' }, 'dispute.error.message_empty'],
    ['no question at all', {}, 'dispute.error.message_empty'],
    ['a question with a NUL character', { message: 'Waarom\u0000?' }, 'dispute.error.control_chars'],
    ['a question over 5,000 characters', { message: 'x'.repeat(5_001) }, 'dispute.error.message_too_long'],
  ] as const) {
    it(`refuses ${what} next to the message field, and stores nothing`, async () => {
      const ctx = await setup();
      const before = await disputeFootprint(ctx.org.id);
      const result = (await ask(ctx, ctx.invoice.id, fields)) as Refused;
      expect(result.init.status).toBe(400);
      expect(result.data.errors.message?.key).toBe(key);
      expect(await disputeFootprint(ctx.org.id)).toEqual(before);
    });
  }

  it('counts a line break once: 5,000 characters with CRLF line breaks pass', async () => {
    const ctx = await setup();
    const message = `${'a'.repeat(2_499)}\r\n${'b'.repeat(2_500)}`;
    const response = await ask(ctx, ctx.invoice.id, { message });
    expect(location(response)).toMatch(/^\/portal\/disputes\/[0-9a-f-]{36}\?done=opened$/);
  });

  it('opens a question that pauses nothing, then sends the debtor to it from the form', async () => {
    const ctx = await setup();
    const page = await questionLoader(
      routeArgs(getRequest(`/portal/invoices/${ctx.invoice.id}/question`, { cookie: ctx.cookie }), {
        id: ctx.invoice.id,
      }),
    );
    expect(page.invoice.number).toBe(ctx.invoice.number);
    const response = await ask(ctx, ctx.invoice.id, { message: 'Wat is regel 2?' });
    const id = /^\/portal\/disputes\/([0-9a-f-]{36})\?done=opened$/.exec(location(response))![1];
    const [row] = await getDb().select().from(disputes).where(eq(disputes.id, id));
    expect(row).toMatchObject({ kind: 'question', reason: 'other', disputedCents: 0, status: 'open' });
    expect(await pauses(ctx.invoice.id)).toEqual([]);

    const thread = await threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie: ctx.cookie }), { id }));
    expect(thread.title).toBe(`Vraag over factuur ${ctx.invoice.number}`);
    expect(thread.dispute).toMatchObject({ kind: 'question', reference: expect.stringMatching(/^VR-/) });

    // The form again (or a second post) leads to the open question instead of a second one.
    const again = await settle(() =>
      questionLoader(
        routeArgs(getRequest(`/portal/invoices/${ctx.invoice.id}/question`, { cookie: ctx.cookie }), {
          id: ctx.invoice.id,
        }),
      ),
    );
    expect(location(again)).toBe(`/portal/disputes/${id}`);
    expect(location(await ask(ctx, ctx.invoice.id, { message: 'Nog één.' }))).toBe(`/portal/disputes/${id}`);
    expect(await getDb().select().from(disputes).where(eq(disputes.invoiceId, ctx.invoice.id))).toHaveLength(1);

    // The list holds it, labelled as a question.
    const list = await listLoader(routeArgs(getRequest('/portal/disputes', { cookie: ctx.cookie })));
    expect(list.title).toBe('Uw vragen en bezwaren');
    expect(list.disputes.map((d) => [d.id, d.kind])).toEqual([[id, 'question']]);
  });

  it('answers 404 for another debtor’s invoice, or one of another creditor, and stores nothing', async () => {
    const ctx = await setup();
    const neighbour = await createDebtor(ctx.org);
    const theirs = await createInvoice(ctx.org, neighbour);
    const otherOrg = await createOrganization();
    const foreign = await createInvoice(otherOrg, await createDebtor(otherOrg));
    for (const invoiceId of [theirs.id, foreign.id, 'not-a-uuid']) {
      const response = (await ask(ctx, invoiceId, { message: 'Hallo?' })) as Response;
      expect(response.status, invoiceId).toBe(404);
    }
    expect(await getDb().select().from(disputes).where(eq(disputes.organizationId, ctx.org.id))).toEqual([]);
  });
});

describe('the debtor’s answer to a part credit', () => {
  async function partlyCredited() {
    const ctx = await setup();
    const opened = await openDispute(ctx.scope, {
      invoiceId: ctx.invoice.id,
      amountCents: null,
      reason: 'amount_wrong',
      message: 'Te veel uren.',
      files: [],
    });
    if (!opened.ok) throw new Error(opened.error);
    const staff = { id: ctx.support.id, organizationId: ctx.org.id, name: ctx.support.name };
    const credited = await creditDispute(staff, opened.disputeId, { amountCents: 10_000, note: null });
    if (!credited.ok) throw new Error(credited.error);
    return { ...ctx, id: opened.disputeId };
  }

  it('shows the credit, what is left and the term; "accept" closes the dispute and resumes dunning', async () => {
    const ctx = await partlyCredited();
    const page = await threadLoader(
      routeArgs(getRequest(`/portal/disputes/${ctx.id}`, { cookie: ctx.cookie }), { id: ctx.id }),
    );
    expect(page.dispute).toMatchObject({ status: 'awaiting_debtor', active: true, creditedCents: 10_000 });
    expect(page.dispute.answerDueAt).toEqual(expect.any(String));
    expect(page.invoice.openCents).toBe(10_000);
    expect(await pauses(ctx.invoice.id)).toEqual(['dispute']);

    const response = await threadAction(
      routeArgs(formRequest(`/portal/disputes/${ctx.id}`, { intent: 'accept' }, { cookie: ctx.cookie }), {
        id: ctx.id,
      }),
    );
    expect(location(response)).toBe(`/portal/disputes/${ctx.id}?done=accepted`);
    const [row] = await getDb().select().from(disputes).where(eq(disputes.id, ctx.id));
    expect(row).toMatchObject({ status: 'resolved', outcome: 'credited_partial' });
    expect(await pauses(ctx.invoice.id)).toEqual([]);

    // Accepting again is refused on the form, not a 500.
    const again = (await threadAction(
      routeArgs(formRequest(`/portal/disputes/${ctx.id}`, { intent: 'accept' }, { cookie: ctx.cookie }), {
        id: ctx.id,
      }),
    )) as unknown as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(again.init.status).toBe(400);
    expect(again.data.errors.form).toBe('not_active');
  });

  it('refuses "accept" where nothing was credited, and another debtor’s dispute is not there', async () => {
    const ctx = await setup();
    const opened = await openDispute(ctx.scope, {
      invoiceId: ctx.invoice.id,
      amountCents: null,
      reason: 'quality',
      message: 'Kapot.',
      files: [],
    });
    if (!opened.ok) throw new Error(opened.error);
    const refused = (await threadAction(
      routeArgs(formRequest(`/portal/disputes/${opened.disputeId}`, { intent: 'accept' }, { cookie: ctx.cookie }), {
        id: opened.disputeId,
      }),
    )) as unknown as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.errors.form).toBe('nothing_to_accept');
    const stranger = await openPortal(await createDebtor(ctx.org));
    const foreign = (await settle(() =>
      threadAction(
        routeArgs(
          formRequest(`/portal/disputes/${opened.disputeId}`, { intent: 'accept' }, { cookie: stranger.cookie }),
          { id: opened.disputeId },
        ),
      ),
    )) as Response;
    expect(foreign.status).toBe(404);
    const [row] = await getDb().select().from(disputes).where(eq(disputes.id, opened.disputeId));
    expect(row.status).toBe('open');
  });
});

describe('a question on the other staff pages', () => {
  it('reads as a question, not a dispute, on the debtor page, the invoice page and in the timeline', async () => {
    const ctx = await setup();
    await ask(ctx, ctx.invoice.id, { message: 'Wat is regel 2?' });
    const cookie = await staffCookie(ctx.support);
    const debtorPage = await debtorPageLoader(
      routeArgs(getRequest(`/app/debtors/${ctx.debtor.id}`, { cookie }), { id: ctx.debtor.id }),
    );
    expect(debtorPage.disputes.map((d) => d.kind)).toEqual(['question']);
    const invoicePage = await invoicePageLoader(
      routeArgs(getRequest(`/app/invoices/${ctx.invoice.id}`, { cookie }), { id: ctx.invoice.id }),
    );
    expect(invoicePage.disputes.map((d) => d.kind)).toEqual(['question']);
    const asked = debtorPage.timeline.find((e) => e.action === 'dispute.question_asked');
    expect(asked).toBeDefined();
    expect(describeEvent(asked!, 'nl').text).toBe('Vraag over een factuur gesteld');
    expect(describeEvent(asked!, 'en').text).toBe('Question about an invoice asked');
  });
});

describe('support’s question controls', () => {
  it('labels questions in the inbox, holds and resumes reminders, and closes with the hold lifted', async () => {
    const ctx = await setup();
    await ask(ctx, ctx.invoice.id, { message: 'Wat is regel 2?' });
    const [question] = await getDb().select().from(disputes).where(eq(disputes.invoiceId, ctx.invoice.id));
    const cookie = await staffCookie(ctx.support);

    const inbox = await inboxLoader(routeArgs(getRequest('/app/disputes?kind=question', { cookie })));
    expect(inbox.filters.kind).toBe('question');
    expect(inbox.rows.map((r) => [r.id, r.kind])).toEqual([[question.id, 'question']]);
    expect((await inboxLoader(routeArgs(getRequest('/app/disputes?kind=dispute', { cookie })))).rows).toEqual([]);

    const post = (fields: Record<string, string>) =>
      settle(() =>
        staffAction(routeArgs(formRequest(`/app/disputes/${question.id}`, fields, { cookie }), { id: question.id })),
      );
    // A question is never credited: refused at the form, nothing booked.
    const credit = (await post({ intent: 'credit', amount: '10,00' })) as {
      data: { errors: Record<string, string> };
      init: { status: number };
    };
    expect(credit.init.status).toBe(400);
    expect(credit.data.errors.form).toBe('not_a_dispute');

    expect(location(await post({ intent: 'hold' }))).toBe(`/app/disputes/${question.id}?done=hold`);
    expect(await pauses(ctx.invoice.id)).toEqual(['manual']);
    const page = await staffLoader(
      routeArgs(getRequest(`/app/disputes/${question.id}`, { cookie }), { id: question.id }),
    );
    expect(page.title).toBe(`Vraag over factuur ${ctx.invoice.number}`);
    expect(page.invoice.pauses).toEqual(['manual']);

    expect(location(await post({ intent: 'lift_hold' }))).toBe(`/app/disputes/${question.id}?done=lift_hold`);
    expect(await pauses(ctx.invoice.id)).toEqual([]);
    await post({ intent: 'hold' });
    expect(location(await post({ intent: 'close', liftHold: 'yes' }))).toBe(`/app/disputes/${question.id}?done=close`);
    const [closed] = await getDb().select().from(disputes).where(eq(disputes.id, question.id));
    expect(closed.status).toBe('resolved');
    expect(await pauses(ctx.invoice.id)).toEqual([]);
    const lifted = await getDb()
      .select()
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, ctx.invoice.id), eq(dunningPauses.reason, 'manual')));
    expect(lifted.every((p) => p.liftedAt !== null)).toBe(true);
  });
});
