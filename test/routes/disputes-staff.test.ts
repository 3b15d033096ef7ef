import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { disputes, invoices } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { disputeFootprint, multipartRequest, SAMPLE, staffCookie } from '~test/factories-disputes';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { action as staffAction, loader as staffLoader } from '~/routes/app.disputes.$id';
import { loader as staffAttachment } from '~/routes/app.disputes.$id.attachments.$attachmentId';
import { loader as inboxLoader } from '~/routes/app.disputes._index';
import { loader as debtorAttachment } from '~/routes/portal.disputes.$id.attachments.$attachmentId';
import { openPortal } from '~test/portal-session';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { addDebtorMessage, openDispute } from '~/modules/disputes/debtor.server';
import { parseInboxFilters } from '~/modules/disputes/inbox';
import { addStaffMessage, listInbox } from '~/modules/disputes/staff.server';

async function setup() {
  const org = await createOrganization();
  const support = await createStaff(org, 'support', { name: 'Chantal Bakker' });
  const debtor = await createDebtor(org, { name: 'Bert Bos' });
  const invoice = await createInvoice(org, debtor, { totalCents: 20_000, dueDate: '2026-10-01' });
  const opened = await openDispute(
    { organizationId: org.id, debtorId: debtor.id },
    {
      invoiceId: invoice.id,
      amountCents: null,
      reason: 'amount_wrong',
      message: '<script>alert(1)</script> te veel uren',
      files: [
        {
          filename: 'bon.png',
          contentType: 'image/png',
          data: SAMPLE.png,
          sizeBytes: SAMPLE.png.length,
          sha256: 'x',
        },
      ],
    },
  );
  if (!opened.ok) throw new Error(opened.error);
  return { org, support, debtor, invoice, id: opened.disputeId };
}

const filters = (query = '') => parseInboxFilters(new URLSearchParams(query));

describe('support inbox', () => {
  it('puts the longest-unanswered dispute on top, then those waiting on the debtor, then closed ones; ages against the target', async () => {
    const org = await createOrganization();
    const support = await createStaff(org, 'support');
    const other = await createStaff(org, 'support');
    const staff = { id: support.id, organizationId: org.id, name: support.name };
    const clock = fixedClock('2026-11-20T08:00:00.000Z');
    const open = async (name: string) => {
      const debtor = await createDebtor(org, { name });
      const invoice = await createInvoice(org, debtor);
      const result = await openDispute(
        { organizationId: org.id, debtorId: debtor.id },
        { invoiceId: invoice.id, amountCents: null, reason: 'other', message: name, files: [] },
        { clock },
      );
      if (!result.ok) throw new Error(result.error);
      return { id: result.disputeId, scope: { organizationId: org.id, debtorId: debtor.id } };
    };
    const oldest = await open('Oudste');
    clock.advanceDays(1);
    const answered = await open('Beantwoord');
    clock.advanceDays(0.5);
    const newest = await open('Nieuwste');
    await addStaffMessage(staff, answered.id, { message: 'We kijken ernaar.', files: [], internal: false }, { clock });
    // The oldest dispute was answered and the debtor wrote back later: it waits from that message on.
    await addStaffMessage(
      { ...staff, id: other.id },
      oldest.id,
      { message: 'Vraag', files: [], internal: false },
      { clock },
    );
    clock.advanceDays(0.25);
    await addDebtorMessage(oldest.scope, oldest.id, { message: 'Antwoord', files: [] }, { clock });
    await addDebtorMessage(
      oldest.scope,
      oldest.id,
      { message: 'Nog iets', files: [] },
      { clock: fixedClock(new Date(clock.now().getTime() + 60_000)) },
    );
    clock.set('2026-11-23T08:00:00.000Z');

    const inbox = await listInbox(staff, filters(), { clock });
    expect(inbox.rows.map((r) => r.debtorName)).toEqual(['Nieuwste', 'Oudste', 'Beantwoord']);
    expect(inbox.rows.map((r) => r.status)).toEqual(['open', 'awaiting_support', 'awaiting_debtor']);
    const [first, second, third] = inbox.rows;
    expect([first.id, second.id, third.id]).toEqual([newest.id, oldest.id, answered.id]);
    expect(first.waitingMs).toBe(36 * 3_600_000);
    expect(first.level).toBe('warn');
    expect(second.waitingMs).toBe(30 * 3_600_000);
    expect(second.level).toBe('ok');
    expect(third.level).toBeNull();
    expect(third.mine).toBe(true);

    clock.set('2026-11-24T08:00:00.000Z');
    const later = await listInbox(staff, filters(), { clock });
    expect(later.rows.map((r) => r.level)).toEqual(['bad', 'bad', null]);
    expect((await listInbox(staff, filters('age=over_target'), { clock })).rows.map((r) => r.debtorName)).toEqual([
      'Nieuwste',
      'Oudste',
    ]);
    expect(
      (await listInbox(staff, filters('status=awaiting_debtor'), { clock })).rows.map((r) => r.debtorName),
    ).toEqual(['Beantwoord']);
    expect((await listInbox(staff, filters('assignee=me'), { clock })).rows.map((r) => r.debtorName)).toEqual([
      'Beantwoord',
    ]);
    expect((await listInbox(staff, filters(`assignee=${other.id}`), { clock })).rows.map((r) => r.debtorName)).toEqual([
      'Oudste',
    ]);
    expect((await listInbox(staff, filters('assignee=none'), { clock })).rows.map((r) => r.debtorName)).toEqual([
      'Nieuwste',
    ]);
    expect((await listInbox(staff, filters('age=over_week'), { clock })).rows).toEqual([]);
    expect((await listInbox(staff, filters('status=closed'), { clock })).rows).toEqual([]);
    const foreign = await createOrganization();
    expect(
      (await listInbox({ id: support.id, organizationId: foreign.id, name: 'x' }, filters('status=all'), { clock }))
        .rows,
    ).toEqual([]);
  });
});

describe('support thread pages', () => {
  it('shows the whole thread, the invoice with its history and the debtor’s other invoices; a reply and a half credit work as forms', async () => {
    const ctx = await setup();
    const second = await createInvoice(ctx.org, ctx.debtor, { totalCents: 7_500 });
    const cookie = await staffCookie(ctx.support);

    const inbox = await inboxLoader(routeArgs(getRequest('/app/disputes', { cookie })));
    expect(inbox.rows.map((r) => r.id)).toEqual([ctx.id]);

    const page = await staffLoader(routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie }), { id: ctx.id }));
    expect(page.messages[0].body).toBe('<script>alert(1)</script> te veel uren');
    expect(page.invoice).toMatchObject({ number: ctx.invoice.number, openCents: 20_000, pauses: ['dispute'] });
    expect(page.otherInvoices.map((i) => i.number)).toEqual([second.number]);
    expect(page.history.map((h) => h.action)).toEqual(expect.arrayContaining(['dispute.opened', 'dunning.paused']));

    const reply = (await staffAction(
      routeArgs(
        multipartRequest(
          `/app/disputes/${ctx.id}`,
          { intent: 'reply', message: 'Klopt, we passen het aan.' },
          [{ name: 'nieuw.pdf', data: SAMPLE.pdf }],
          cookie,
        ),
        { id: ctx.id },
      ),
    )) as Response;
    expect(reply.headers.get('Location')).toBe(`/app/disputes/${ctx.id}?done=reply`);

    const tooMuch = (await staffAction(
      routeArgs(formRequest(`/app/disputes/${ctx.id}`, { intent: 'credit', amount: '200,01' }, { cookie }), {
        id: ctx.id,
      }),
    )) as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(tooMuch.init.status).toBe(400);
    expect(tooMuch.data.errors.amount).toBe('credit_too_high');
    const noNote = (await staffAction(
      routeArgs(formRequest(`/app/disputes/${ctx.id}`, { intent: 'reject', note: ' ' }, { cookie }), { id: ctx.id }),
    )) as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(noNote.data.errors.note).toBe('note_required');

    const credit = (await staffAction(
      routeArgs(
        formRequest(
          `/app/disputes/${ctx.id}`,
          { intent: 'credit', amount: '100,00', note: 'Half gecrediteerd.' },
          { cookie },
        ),
        { id: ctx.id },
      ),
    )) as Response;
    expect(credit.headers.get('Location')).toBe(`/app/disputes/${ctx.id}?done=credit`);
    const [invoice] = await getDb().select().from(invoices).where(eq(invoices.id, ctx.invoice.id));
    expect(invoice.openCents).toBe(10_000);
    const after = await staffLoader(routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie }), { id: ctx.id }));
    // A part credit waits for the debtor's answer: still active, still paused, with its term.
    expect(after.dispute).toMatchObject({
      status: 'awaiting_debtor',
      outcome: null,
      creditedCents: 10_000,
      active: true,
    });
    expect(after.dispute.answerDueAt).toEqual(expect.any(String));
    expect(after.invoice.pauses).toEqual(['dispute']);
    // A second credit while the answer is awaited is refused next to the form, nothing booked.
    const again = (await staffAction(
      routeArgs(formRequest(`/app/disputes/${ctx.id}`, { intent: 'credit', amount: '10,00' }, { cookie }), {
        id: ctx.id,
      }),
    )) as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(again.init.status).toBe(400);
    expect(again.data.errors.form).toBe('awaiting_answer');
    expect((await getDb().select().from(invoices).where(eq(invoices.id, ctx.invoice.id)))[0].openCents).toBe(10_000);
  });

  it('serves attachments to staff of the organisation as downloads, including those of internal notes', async () => {
    const ctx = await setup();
    const cookie = await staffCookie(ctx.support);
    const note = (await staffAction(
      routeArgs(
        multipartRequest(
          `/app/disputes/${ctx.id}`,
          { intent: 'note', message: 'Intern: gesprek gevoerd.' },
          [{ name: 'notitie.pdf', data: SAMPLE.pdf }],
          cookie,
        ),
        { id: ctx.id },
      ),
    )) as Response;
    expect(note.status).toBe(302);
    const page = await staffLoader(routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie }), { id: ctx.id }));
    const [fromDebtor, internal] = page.messages;
    expect(internal.internal).toBe(true);
    for (const [attachment, type] of [
      [fromDebtor.attachments[0], 'image/png'],
      [internal.attachments[0], 'application/pdf'],
    ] as const) {
      const response = (await staffAttachment(
        routeArgs(getRequest('/x', { cookie }), { id: ctx.id, attachmentId: attachment.id }),
      )) as Response;
      expect(response.headers.get('Content-Type')).toBe(type);
      expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; /);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    }
    // The debtor gets their own attachment, never the note's.
    const { cookie: debtorCookie } = await openPortal(ctx.debtor);
    const own = (await debtorAttachment(
      routeArgs(getRequest('/x', { cookie: debtorCookie }), { id: ctx.id, attachmentId: fromDebtor.attachments[0].id }),
    )) as Response;
    expect(own.status).toBe(200);
    const hidden = (await settle(() =>
      debtorAttachment(
        routeArgs(getRequest('/x', { cookie: debtorCookie }), { id: ctx.id, attachmentId: internal.attachments[0].id }),
      ),
    )) as Response;
    expect(hidden.status).toBe(404);
    const [row] = await getDb().select().from(disputes).where(eq(disputes.id, ctx.id));
    expect(row.status).toBe('open');
  });

  it('answers 404 to staff of another organisation, 403 to finance, and lets an admin in', async () => {
    const ctx = await setup();
    const cookie = await staffCookie(ctx.support);
    const page = await staffLoader(routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie }), { id: ctx.id }));
    const attachmentId = page.messages[0].attachments[0].id;

    const foreignOrg = await createOrganization();
    const foreign = await staffCookie(await createStaff(foreignOrg, 'support'));
    const before = await disputeFootprint(ctx.org.id);
    const view = (await settle(() =>
      staffLoader(routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie: foreign }), { id: ctx.id })),
    )) as Response;
    expect(view.status).toBe(404);
    const file = (await settle(() =>
      staffAttachment(routeArgs(getRequest('/x', { cookie: foreign }), { id: ctx.id, attachmentId })),
    )) as Response;
    expect(file.status).toBe(404);
    const attempts: Record<string, string>[] = [
      { intent: 'reply', message: 'hoi' },
      { intent: 'note', message: 'hoi' },
      { intent: 'assign_me' },
      { intent: 'credit', amount: '10,00' },
      { intent: 'reject', note: 'nee' },
    ];
    for (const fields of attempts) {
      const response = (await settle(() =>
        staffAction(routeArgs(formRequest(`/app/disputes/${ctx.id}`, fields, { cookie: foreign }), { id: ctx.id })),
      )) as Response;
      expect(response.status).toBe(404);
    }
    const foreignInbox = await inboxLoader(routeArgs(getRequest('/app/disputes?status=all', { cookie: foreign })));
    expect(foreignInbox.rows).toEqual([]);
    expect(await disputeFootprint(ctx.org.id)).toEqual(before);
    const [invoice] = await getDb().select().from(invoices).where(eq(invoices.id, ctx.invoice.id));
    expect(invoice.openCents).toBe(20_000);

    const finance = await staffCookie(await createStaff(ctx.org, 'finance'));
    const forbidden = (await settle(() =>
      inboxLoader(routeArgs(getRequest('/app/disputes', { cookie: finance }))),
    )) as Response;
    expect(forbidden.status).toBe(403);
    const forbiddenFile = (await settle(() =>
      staffAttachment(routeArgs(getRequest('/x', { cookie: finance }), { id: ctx.id, attachmentId })),
    )) as Response;
    expect(forbiddenFile.status).toBe(403);

    const admin = await staffCookie(await createStaff(ctx.org, 'admin'));
    const asAdmin = await staffLoader(
      routeArgs(getRequest(`/app/disputes/${ctx.id}`, { cookie: admin }), { id: ctx.id }),
    );
    expect(asAdmin.dispute.id).toBe(ctx.id);
  });
});
