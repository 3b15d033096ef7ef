import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, disputeMessages, disputes, files, invoices, portalLinks } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { disputeFootprint, multipartRequest, SAMPLE, type UploadFile } from '~test/factories-disputes';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { action as newDisputeAction, loader as newDisputeLoader } from '~/routes/portal.invoices.$id_.dispute';
import { action as threadAction, loader as threadLoader } from '~/routes/portal.disputes.$id';
import { loader as listLoader } from '~/routes/portal.disputes._index';
import { loader as attachmentLoader } from '~/routes/portal.disputes.$id.attachments.$attachmentId';
import { getDb } from '~/utils/db.server';
import { translate } from '~/utils/i18n';
import { activePauses } from '~/modules/dunning/pauses.server';
import { MAX_FILE_BYTES } from './constants';
import { openDispute } from './debtor.server';
import { isOpenDisputeConflict } from './store.server';
import { DisputeThread } from './ui/thread';

async function setup() {
  const org = await createOrganization();
  const support = await createStaff(org, 'support');
  const debtor = await createDebtor(org, { name: 'Anna Aarts' });
  const invoice = await createInvoice(org, debtor, { totalCents: 12_100, dueDate: '2026-10-01' });
  const other = await createInvoice(org, debtor, { totalCents: 5_000, dueDate: '2026-10-01' });
  const { cookie } = await openPortal(debtor);
  return { org, support, debtor, invoice, other, cookie };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

function submit(
  ctx: Pick<Ctx, 'cookie'>,
  invoiceId: string,
  fields: Record<string, string>,
  uploads: UploadFile[] = [],
) {
  return settle(() =>
    newDisputeAction(
      routeArgs(multipartRequest(`/portal/invoices/${invoiceId}/dispute`, fields, uploads, ctx.cookie), {
        id: invoiceId,
      }),
    ),
  ) as Promise<
    | Response
    | { data: { errors: Record<string, string>; fileName?: string; disputeId?: string }; init: { status: number } }
  >;
}

const valid = { scope: 'full', reason: 'not_received', message: 'Ik heb de ketel nooit ontvangen.' };

function disputeIdFrom(response: unknown) {
  expect(response).toBeInstanceOf(Response);
  const location = (response as Response).headers.get('Location') ?? '';
  const match = /^\/portal\/disputes\/([0-9a-f-]{36})\?done=opened$/.exec(location);
  expect(match, location).not.toBeNull();
  return match![1];
}

describe('opening a dispute', () => {
  it('stores the dispute, its message and attachment, pauses that invoice only, audits and notifies, in one go', async () => {
    const ctx = await setup();
    const response = await submit(ctx, ctx.invoice.id, valid, [
      { name: 'pakbon.pdf', data: SAMPLE.pdf, type: 'application/pdf' },
    ]);
    const id = disputeIdFrom(response);
    const db = getDb();

    const [dispute] = await db.select().from(disputes).where(eq(disputes.id, id));
    expect(dispute).toMatchObject({
      status: 'open',
      reason: 'not_received',
      disputedCents: 12_100,
      debtorId: ctx.debtor.id,
      invoiceId: ctx.invoice.id,
      outcome: null,
    });
    const [message] = await db.select().from(disputeMessages).where(eq(disputeMessages.disputeId, id));
    expect(message).toMatchObject({ author: 'debtor', body: valid.message, internal: false });
    const stored = await db.select().from(files).where(eq(files.organizationId, ctx.org.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      filename: 'pakbon.pdf',
      contentType: 'application/pdf',
      sizeBytes: SAMPLE.pdf.length,
    });
    expect(Buffer.from(stored[0].data).equals(SAMPLE.pdf)).toBe(true);

    const pauses = await activePauses(db, [ctx.invoice.id, ctx.other.id]);
    expect(pauses.get(ctx.invoice.id)).toEqual(['dispute']);
    expect(pauses.has(ctx.other.id)).toBe(false);

    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.organizationId, ctx.org.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['dispute.opened', 'dunning.paused']));

    const mails = await db.select().from(communications).where(eq(communications.organizationId, ctx.org.id));
    const toDebtor = mails.find((m) => m.template === 'dispute_opened');
    expect(toDebtor?.toAddress).toBe(ctx.debtor.email);
    const [link] = await db.select().from(portalLinks).where(eq(portalLinks.jti, toDebtor!.linkJti!));
    expect(link).toMatchObject({ purpose: 'dispute', target: `/portal/disputes/${id}`, communicationId: toDebtor!.id });
    const toStaff = mails.filter((m) => m.template === 'staff_notification');
    expect(toStaff.map((m) => m.toAddress)).toEqual([ctx.support.email]);
    expect((toStaff[0].props as { backOfficeUrl: string }).backOfficeUrl).toBe(
      `http://voldaan.test/app/disputes/${id}`,
    );
  });

  it('keeps an attachment whose browser-sent name holds control characters, under a storable name', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(
      await submit(ctx, ctx.invoice.id, valid, [
        { name: 'pak\u0000bon\u0007.pdf', data: SAMPLE.pdf, type: 'application/pdf' },
      ]),
    );
    const [dispute] = await getDb().select().from(disputes).where(eq(disputes.id, id));
    expect(dispute.status).toBe('open');
    const stored = await getDb().select().from(files).where(eq(files.organizationId, ctx.org.id));
    expect(stored.map((f) => f.filename)).toEqual(['pakbon.pdf']);
  });

  it('accepts part of the amount, typed the Dutch way', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(
      await submit(ctx, ctx.invoice.id, { ...valid, scope: 'part', amount: '60,50', reason: 'amount_wrong' }),
    );
    const [dispute] = await getDb().select().from(disputes).where(eq(disputes.id, id));
    expect(dispute.disputedCents).toBe(6_050);
  });

  it('sends the debtor with an open dispute from the form to that dispute', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, valid));
    const response = (await settle(() =>
      newDisputeLoader(
        routeArgs(getRequest(`/portal/invoices/${ctx.invoice.id}/dispute`, { cookie: ctx.cookie }), {
          id: ctx.invoice.id,
        }),
      ),
    )) as Response;
    expect(response.headers.get('Location')).toBe(`/portal/disputes/${id}`);
  });

  const refusals: [string, (ctx: Ctx) => Promise<unknown>, string, string][] = [
    [
      'an empty message',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, message: '  \r\n ' }),
      'message',
      'message_empty',
    ],
    [
      'a message over 5000 characters',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, message: 'x'.repeat(5_001) }),
      'message',
      'message_too_long',
    ],
    [
      'no reason',
      (ctx) => submit(ctx, ctx.invoice.id, { scope: 'full', message: 'hallo' }),
      'reason',
      'reason_invalid',
    ],
    [
      'an unknown reason',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, reason: 'because' }),
      'reason',
      'reason_invalid',
    ],
    [
      'a zero amount',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, scope: 'part', amount: '0' }),
      'amount',
      'amount_invalid',
    ],
    [
      'an unreadable amount',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, scope: 'part', amount: '12abc' }),
      'amount',
      'amount_invalid',
    ],
    [
      'more than is open',
      (ctx) => submit(ctx, ctx.invoice.id, { ...valid, scope: 'part', amount: '121,01' }),
      'amount',
      'amount_too_high',
    ],
    [
      'an ELF executable named .pdf',
      (ctx) => submit(ctx, ctx.invoice.id, valid, [{ name: 'factuur.pdf', data: SAMPLE.elf, type: 'application/pdf' }]),
      'attachments',
      'file_type',
    ],
    [
      'a Windows executable named .pdf next to a real PNG',
      (ctx) =>
        submit(ctx, ctx.invoice.id, valid, [
          { name: 'foto.png', data: SAMPLE.png, type: 'image/png' },
          { name: 'bon.pdf', data: SAMPLE.exe, type: 'application/pdf' },
        ]),
      'attachments',
      'file_type',
    ],
    [
      'six files',
      (ctx) =>
        submit(
          ctx,
          ctx.invoice.id,
          valid,
          Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, data: SAMPLE.png })),
        ),
      'attachments',
      'too_many_files',
    ],
    [
      'a file over 10 MB',
      (ctx) =>
        submit(ctx, ctx.invoice.id, valid, [
          { name: 'groot.pdf', data: Buffer.concat([SAMPLE.pdf, Buffer.alloc(MAX_FILE_BYTES)]) },
        ]),
      'attachments',
      'file_too_large',
    ],
  ];

  for (const [what, run, field, code] of refusals) {
    it(`refuses ${what} with a message next to the field, and stores nothing`, async () => {
      const ctx = await setup();
      const before = await disputeFootprint(ctx.org.id);
      const result = (await run(ctx)) as { data: { errors: Record<string, string> }; init: { status: number } };
      expect(result.init.status).toBe(400);
      expect(result.data.errors[field]).toBe(code);
      expect(await disputeFootprint(ctx.org.id)).toEqual(before);
      expect((await activePauses(getDb(), [ctx.invoice.id])).size).toBe(0);
    });
  }

  it('names the disguised file in the error text', async () => {
    const ctx = await setup();
    const result = (await submit(ctx, ctx.invoice.id, valid, [{ name: 'factuur.pdf', data: SAMPLE.elf }])) as {
      data: { errors: Record<string, string>; fileName?: string };
    };
    expect(result.data.errors.attachments).toBe('file_type');
    expect(result.data.fileName).toBe('factuur.pdf');
    expect(translate('nl', 'dispute.error.file_type', { name: result.data.fileName ?? '' })).toContain(
      'factuur.pdf is geen PDF',
    );
  });

  it("answers 404 for another debtor's invoice and stores nothing", async () => {
    const ctx = await setup();
    const stranger = await createDebtor(ctx.org);
    const theirs = await createInvoice(ctx.org, stranger);
    const before = await disputeFootprint(ctx.org.id);
    const response = (await submit(ctx, theirs.id, valid)) as Response;
    expect(response.status).toBe(404);
    const loader = (await settle(() =>
      newDisputeLoader(
        routeArgs(getRequest(`/portal/invoices/${theirs.id}/dispute`, { cookie: ctx.cookie }), { id: theirs.id }),
      ),
    )) as Response;
    expect(loader.status).toBe(404);
    expect(await disputeFootprint(ctx.org.id)).toEqual(before);
  });

  it('refuses a paid invoice with a message', async () => {
    const ctx = await setup();
    await getDb().update(invoices).set({ status: 'paid', openCents: 0 }).where(eq(invoices.id, ctx.invoice.id));
    const before = await disputeFootprint(ctx.org.id);
    const result = (await submit(ctx, ctx.invoice.id, valid)) as {
      data: { errors: Record<string, string> };
      init: { status: number };
    };
    expect(result.init.status).toBe(400);
    expect(result.data.errors.form).toBe('invoice_not_open');
    expect(await disputeFootprint(ctx.org.id)).toEqual(before);
  });

  it('refuses a second open dispute on the same invoice, pointing to the first', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, valid));
    const before = await disputeFootprint(ctx.org.id);
    const result = (await submit(ctx, ctx.invoice.id, valid)) as {
      data: { errors: Record<string, string>; disputeId?: string };
      init: { status: number };
    };
    expect(result.init.status).toBe(400);
    expect(result.data.errors.form).toBe('already_disputed');
    expect(result.data.disputeId).toBe(id);
    expect(await disputeFootprint(ctx.org.id)).toEqual(before);
  });

  it('lets only one of two simultaneous submissions through; the database index is the last guard', async () => {
    const ctx = await setup();
    const scope = { organizationId: ctx.org.id, debtorId: ctx.debtor.id };
    const input = {
      invoiceId: ctx.invoice.id,
      amountCents: null,
      reason: 'other' as const,
      message: 'tegelijk',
      files: [],
    };
    const results = await Promise.all([openDispute(scope, input), openDispute(scope, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: 'already_disputed' });

    const error = await getDb()
      .insert(disputes)
      .values({
        organizationId: ctx.org.id,
        debtorId: ctx.debtor.id,
        invoiceId: ctx.invoice.id,
        reason: 'other',
        disputedCents: 1,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isOpenDisputeConflict(error)).toBe(true);
    expect(isOpenDisputeConflict(new Error('other'))).toBe(false);
  });
});

describe('the debtor thread', () => {
  it('stores hostile text verbatim and shows it as inert text', async () => {
    const ctx = await setup();
    const payload = `<script>alert('x')</script><img src=x onerror="alert(1)"> "quoted" & <b>bold</b>\nline two`;
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, { ...valid, message: payload }));
    const [stored] = await getDb().select().from(disputeMessages).where(eq(disputeMessages.disputeId, id));
    expect(stored.body).toBe(payload);

    const data = await threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie: ctx.cookie }), { id }));
    expect(data.messages[0].body).toBe(payload);
    const html = renderToString(
      DisputeThread({
        messages: data.messages,
        viewer: 'debtor',
        organizationName: '<i>org</i>',
        debtorName: 'x',
        attachmentHref: (a) => `/a/${a}`,
        t: (key, params) => translate('nl', key, params),
        locale: 'nl',
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;',
    );
  });

  it('never renders HTML from data anywhere in the dispute code', () => {
    const roots = ['app/modules/disputes', 'app/routes', 'app/ui/portal/actions'];
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/dispute/i.test(full) && /\.tsx?$/.test(name) && !name.endsWith('.test.ts')) {
          if (readFileSync(full, 'utf8').includes('dangerouslySetInnerHTML')) offenders.push(full);
        }
      }
    };
    roots.forEach(walk);
    expect(offenders).toEqual([]);
  });

  it('lists the debtor’s disputes and lets them answer with an attachment; support is told', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, valid));
    const list = await listLoader(routeArgs(getRequest('/portal/disputes', { cookie: ctx.cookie })));
    expect(list.disputes.map((d) => d.id)).toEqual([id]);

    const response = (await threadAction(
      routeArgs(
        multipartRequest(
          `/portal/disputes/${id}`,
          { intent: 'reply', message: 'Hierbij een foto.' },
          [{ name: 'foto.jpg', data: SAMPLE.jpeg }],
          ctx.cookie,
        ),
        { id },
      ),
    )) as Response;
    expect(response.headers.get('Location')).toBe(`/portal/disputes/${id}?done=sent#reply`);
    const data = await threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie: ctx.cookie }), { id }));
    expect(data.dispute.status).toBe('awaiting_support');
    expect(data.messages.map((m) => m.body)).toEqual([valid.message, 'Hierbij een foto.']);
    expect(data.messages[1].attachments).toEqual([
      expect.objectContaining({ filename: 'foto.jpg', contentType: 'image/jpeg' }),
    ]);

    const download = (await attachmentLoader(
      routeArgs(getRequest('/x', { cookie: ctx.cookie }), { id, attachmentId: data.messages[1].attachments[0].id }),
    )) as Response;
    expect(download.headers.get('Content-Type')).toBe('image/jpeg');
    expect(download.headers.get('Content-Disposition')).toMatch(/^attachment; filename="foto\.jpg"/);
    expect(download.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(SAMPLE.jpeg)).toBe(true);

    const notices = await getDb()
      .select()
      .from(communications)
      .where(and(eq(communications.organizationId, ctx.org.id), eq(communications.template, 'staff_notification')));
    expect(notices).toHaveLength(2);
  });

  it('refuses an empty answer and a withdrawal without confirmation, then withdraws when confirmed', async () => {
    const ctx = await setup();
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, valid));
    const empty = (await threadAction(
      routeArgs(multipartRequest(`/portal/disputes/${id}`, { intent: 'reply', message: '' }, [], ctx.cookie), { id }),
    )) as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(empty.init.status).toBe(400);
    expect(empty.data.errors.message).toBe('message_empty');
    const unconfirmed = (await threadAction(
      routeArgs(formRequest(`/portal/disputes/${id}`, { intent: 'withdraw' }, { cookie: ctx.cookie }), { id }),
    )) as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(unconfirmed.init.status).toBe(400);
    expect(unconfirmed.data.errors.confirm).toBe('confirm_withdraw');
    const [dispute] = await getDb().select().from(disputes).where(eq(disputes.id, id));
    expect(dispute.status).toBe('open');

    const confirmed = (await threadAction(
      routeArgs(formRequest(`/portal/disputes/${id}`, { intent: 'withdraw', confirm: 'yes' }, { cookie: ctx.cookie }), {
        id,
      }),
    )) as Response;
    expect(confirmed.headers.get('Location')).toBe(`/portal/disputes/${id}?done=withdrawn`);
    const after = await threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie: ctx.cookie }), { id }));
    expect(after.dispute).toMatchObject({ status: 'withdrawn', outcome: 'withdrawn', active: false });
    expect((await activePauses(getDb(), [ctx.invoice.id])).size).toBe(0);
  });
});

describe('debtor scoping', () => {
  it("keeps debtor A's dispute and attachments from debtor B and from another creditor's debtor", async () => {
    const ctx = await setup();
    const id = disputeIdFrom(await submit(ctx, ctx.invoice.id, valid, [{ name: 'a.png', data: SAMPLE.png }]));
    const data = await threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie: ctx.cookie }), { id }));
    const attachmentId = data.messages[0].attachments[0].id;

    const sameOrg = await createDebtor(ctx.org);
    const otherOrg = await createDebtor(await createOrganization(), { email: ctx.debtor.email });
    for (const intruder of [sameOrg, otherOrg]) {
      const { cookie } = await openPortal(intruder);
      const list = await listLoader(routeArgs(getRequest('/portal/disputes', { cookie })));
      expect(list.disputes).toEqual([]);
      const view = (await settle(() =>
        threadLoader(routeArgs(getRequest(`/portal/disputes/${id}`, { cookie }), { id })),
      )) as Response;
      expect(view.status).toBe(404);
      const file = (await settle(() =>
        attachmentLoader(routeArgs(getRequest('/x', { cookie }), { id, attachmentId })),
      )) as Response;
      expect(file.status).toBe(404);
      const reply = (await settle(() =>
        threadAction(
          routeArgs(multipartRequest(`/portal/disputes/${id}`, { intent: 'reply', message: 'ik ook' }, [], cookie), {
            id,
          }),
        ),
      )) as Response;
      expect(reply.status).toBe(404);
      const withdraw = (await settle(() =>
        threadAction(
          routeArgs(formRequest(`/portal/disputes/${id}`, { intent: 'withdraw', confirm: 'yes' }, { cookie }), { id }),
        ),
      )) as Response;
      expect(withdraw.status).toBe(404);
    }
    for (const bad of ['not-a-uuid', "' or 1=1 --"]) {
      const response = (await settle(() =>
        threadLoader(routeArgs(getRequest('/x', { cookie: ctx.cookie }), { id: bad })),
      )) as Response;
      expect(response.status).toBe(404);
    }
    const [dispute] = await getDb().select().from(disputes).where(eq(disputes.id, id));
    expect(dispute.status).toBe('open');
    expect(await getDb().select().from(disputeMessages).where(eq(disputeMessages.disputeId, id))).toHaveLength(1);
  });
});
