/**
 * The transfer page (/portal/pay/transfer) as a browser without JavaScript uses it: the loader's
 * values and the form as rendered, a plain POST of "Ik heb het overgemaakt", and bad input
 * answered 400 with the message next to the field. The routes read the system clock, as in
 * production, so "today" is the system's today in Amsterdam.
 */
import { eq } from 'drizzle-orm';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { dunningPauses, organizations, transferNotices } from '~db/schema';
import { createDebtor, createInvoice } from '~test/factories';
import { debtorWithOverdue } from '~test/factories-payments';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { action, loader } from '~/routes/portal.pay.transfer';
import { amountForCopy, CopyValue, TransferNoticeForm, WaitingNoticeText } from '~/ui/portal/transfer';
import { addDays, amsterdamDate, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { translate, type Params, type TextKey } from '~/utils/i18n';

const today = () => amsterdamDate(systemClock.now());
const t = (key: TextKey, params?: Params) => translate('nl', key, params);
const NBSP = '\u00a0';

type Answer = { data: unknown; init?: { status?: number } | null };
const statusOf = (answer: unknown) =>
  answer instanceof Response ? answer.status : ((answer as Answer).init?.status ?? 200);
const dataOf = <T,>(answer: T) => (answer as unknown as Answer).data as never;

async function page() {
  const setup = await debtorWithOverdue([12_100, 5_000]);
  const { cookie } = await openPortal(setup.debtor);
  const query = setup.invoices.map((i) => `invoice=${i.id}`).join('&');
  return { ...setup, cookie, query, ids: setup.invoices.map((i) => i.id) };
}

async function get(p: Awaited<ReturnType<typeof page>>) {
  const answer = await loader(routeArgs(getRequest(`/portal/pay/transfer?${p.query}`, { cookie: p.cookie })));
  return { status: statusOf(answer), ...(dataOf(answer) as Awaited<ReturnType<typeof loader>>['data']) };
}

function post(p: Awaited<ReturnType<typeof page>>, fields: Record<string, string | string[]>) {
  return settle(() => action(routeArgs(formRequest(`/portal/pay/transfer?${p.query}`, fields, { cookie: p.cookie }))));
}

async function noticeRows(debtorId: string) {
  return getDb().select().from(transferNotices).where(eq(transferNotices.debtorId, debtorId));
}

function renderForm(view: Awaited<ReturnType<typeof get>>, errors = {}, values = null) {
  return renderToString(
    <TransferNoticeForm
      invoiceIds={view.notice.invoiceIds}
      today={view.notice.today}
      minDate={view.notice.minDate}
      maxAgeDays={30}
      businessDays={view.notice.businessDays}
      totalCents={view.notice.totalCents}
      errors={errors}
      values={values}
      busy={false}
      t={t}
      locale="nl"
    />,
  );
}

describe('GET /portal/pay/transfer', () => {
  it('gives the values to copy and the "Ik heb het overgemaakt" form, which works as plain HTML', async () => {
    const p = await page();
    const view = await get(p);
    expect(view.status).toBe(200);
    expect(view.details).toMatchObject({ iban: 'NL91ABNA0417164300', ibanDisplay: 'NL91 ABNA 0417 1643 00' });
    expect(view.details!.transfers.map((x) => x.amountCents)).toEqual([12_100, 5_000]);
    expect(view.notices).toEqual([]);
    expect(view.notice).toEqual({
      invoiceIds: p.ids,
      totalCents: 17_100,
      today: today(),
      minDate: addDays(today(), -30),
      businessDays: 5,
    });

    // What is copied: the IBAN without spaces, the amount as a bank app takes it, the reference as shown.
    expect(amountForCopy(12_100, 'nl')).toBe('121,00');
    expect(amountForCopy(163_273, 'nl')).toBe('1632,73');
    expect(amountForCopy(163_273, 'en')).toBe('1632.73');
    expect(amountForCopy(5, 'nl')).toBe('0,05');

    // Without JavaScript the value is plain text and there is no button that would do nothing.
    const iban = renderToString(
      <CopyValue
        display={view.details!.ibanDisplay}
        copyValue={view.details!.iban}
        label="IBAN"
        testId="transfer-iban"
        className="mono"
        t={t}
        announce={() => {}}
      />,
    );
    expect(iban).toContain('>NL91 ABNA 0417 1643 00</span>');
    expect(iban).not.toContain('<button');

    const form = renderForm(view);
    expect(form).toContain('<form method="post"');
    for (const id of p.ids) expect(form).toContain(`<input type="hidden" name="invoice" value="${id}"/>`);
    expect(form).toMatch(
      new RegExp(
        `<input type="date" id="transferredOn" name="transferredOn" min="${view.notice.minDate}" max="${today()}"[^>]*value="${today()}"`,
      ),
    );
    expect(form).toContain('name="amount"');
    expect(form).toContain(`Laat dit leeg als u het bedrag hierboven heeft overgemaakt (€${NBSP}171,00).`);
    expect(form).toContain('<button type="submit">Ik heb het overgemaakt</button>');
    expect(form).toContain('5 werkdagen geen herinneringen');
  });

  it('uses the creditor’s number of business days', async () => {
    const p = await page();
    await getDb()
      .update(organizations)
      .set({ portalSettings: { ...p.org.portalSettings, transferNoticeDays: 10 } })
      .where(eq(organizations.id, p.org.id));
    const { cookie } = await openPortal(p.debtor);
    const view = await get({ ...p, cookie });
    expect(view.notice.businessDays).toBe(10);
  });
});

describe('POST /portal/pay/transfer', () => {
  it('records the notice without JavaScript, redirects back, and the page then says what happens', async () => {
    const p = await page();
    const answer = await post(p, { invoice: p.ids, transferredOn: today(), amount: '' });
    expect(answer).toBeInstanceOf(Response);
    const response = answer as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`/portal/pay/transfer?${p.query}&announced=1#notice-status`);
    const [row] = await noticeRows(p.debtor.id);
    expect(row).toMatchObject({ invoiceIds: p.ids, transferredOn: today(), amountCents: 17_100, status: 'waiting' });
    const pauses = await getDb().select().from(dunningPauses).where(eq(dunningPauses.sourceId, row!.id));
    expect(pauses.map((x) => x.reason)).toEqual(['transfer_announced', 'transfer_announced']);

    const view = await get(p);
    // Every invoice on the page now waits: the form is gone, the notice is shown.
    expect(view.notice.invoiceIds).toEqual([]);
    expect(view.notices).toHaveLength(1);
    const text = renderToString(<WaitingNoticeText notice={view.notices[0]!} t={t} locale="nl" />);
    expect(text).toMatch(
      new RegExp(
        `U heeft op \\d+ \\p{L}+ \\d{4} laten weten dat u €${NBSP}171,00 heeft overgemaakt\\. Tot en met \\d+ \\p{L}+ \\d{4} sturen we geen herinneringen; zodra de betaling op ons bankafschrift staat, koppelen we hem automatisch\\.`,
        'u',
      ),
    );
    expect(text).toContain(`Betreft factuur ${p.invoices[0]!.number}, ${p.invoices[1]!.number}.`);

    // A second announcement for the same invoices is refused politely; nothing is added.
    const again = await post(p, { invoice: p.ids, transferredOn: today(), amount: '' });
    expect(statusOf(again)).toBe(400);
    expect(dataOf(again)).toMatchObject({ errors: { invoices: { key: 'pay.transfer.notice.error.already' } } });
    expect(await noticeRows(p.debtor.id)).toHaveLength(1);
  });

  it('takes an amount typed the Dutch way', async () => {
    const p = await page();
    const answer = await post(p, { invoice: [p.ids[0]!], transferredOn: addDays(today(), -2), amount: '€ 50,25' });
    expect(statusOf(answer)).toBe(303);
    const [row] = await noticeRows(p.debtor.id);
    expect(row).toMatchObject({ invoiceIds: [p.ids[0]], amountCents: 5_025, transferredOn: addDays(today(), -2) });
  });

  it.each([
    ['a date ahead', { transferredOn: addDays(today(), 1) }, 'transferredOn', 'pay.transfer.notice.error.dateFuture'],
    [
      'a date too old',
      { transferredOn: addDays(today(), -31) },
      'transferredOn',
      'pay.transfer.notice.error.dateTooOld',
    ],
    ['no date', { transferredOn: '' }, 'transferredOn', 'pay.transfer.notice.error.dateInvalid'],
    [
      'a date with NUL',
      { transferredOn: `${today()}\u0000` },
      'transferredOn',
      'pay.transfer.notice.error.dateInvalid',
    ],
    ['a Dutch-written date', { transferredOn: '1-3-2026' }, 'transferredOn', 'pay.transfer.notice.error.dateInvalid'],
    ['an amount of 0', { amount: '0' }, 'amount', 'pay.transfer.notice.error.amountZero'],
    ['an amount of 0,00', { amount: '0,00' }, 'amount', 'pay.transfer.notice.error.amountZero'],
    ['a negative amount', { amount: '-10' }, 'amount', 'pay.transfer.notice.error.amountInvalid'],
    ['not a number', { amount: 'honderd' }, 'amount', 'pay.transfer.notice.error.amountInvalid'],
    ['an amount with NUL', { amount: '10\u0000' }, 'amount', 'pay.transfer.notice.error.amountInvalid'],
    ['too many decimals', { amount: '10,001' }, 'amount', 'pay.transfer.notice.error.amountInvalid'],
    ['an endless amount', { amount: '9'.repeat(400) }, 'amount', 'pay.transfer.notice.error.amountInvalid'],
    ['more than is owed', { amount: '171,01' }, 'amount', 'pay.transfer.notice.error.amountTooLarge'],
    ['no invoice', { invoice: [] as string[] }, 'invoices', 'pay.transfer.notice.error.invoices'],
    ['a forged invoice id', { invoice: ["' or 1=1 --"] }, 'invoices', 'pay.transfer.notice.error.invoices'],
  ])('refuses %s with a 400 naming the field, and writes nothing', async (_label, change, field, key) => {
    const p = await page();
    const answer = await post(p, { invoice: p.ids, transferredOn: today(), amount: '', ...change });
    expect(statusOf(answer)).toBe(400);
    const body = dataOf(answer) as { errors: Record<string, { key: string }>; values: Record<string, string> };
    expect(Object.keys(body.errors)).toEqual([field]);
    expect(body.errors[field]!.key).toBe(key);
    // No control characters go back into the page.
    expect(JSON.stringify(body.values)).not.toContain('\\u0000');
    expect(await noticeRows(p.debtor.id)).toEqual([]);

    if (field !== 'invoices') {
      // The page shows the message next to the field, the field marked invalid.
      const html = renderForm(await get(p), body.errors, body.values as never);
      expect(html).toContain(`id="${field}-error"`);
      expect(html).toMatch(
        new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="${field}-hint ${field}-error"`),
      );
      expect(html).toContain('Dat lukte niet. Kijk de velden hieronder na.');
      const message = translate('nl', key as TextKey, { count: 30, max: `€${NBSP}171,00` })
        .replace(/&/g, '&amp;')
        .replace(/'/g, '&#x27;')
        .replace(/"/g, '&quot;');
      expect(html).toContain(message);
    }
  });

  it("refuses another debtor's invoice", async () => {
    const p = await page();
    const other = await createDebtor(p.org);
    const theirs = await createInvoice(p.org, other, { totalCents: 3_000, dueDate: '2026-01-01' });
    const answer = await post(p, { invoice: [p.ids[0]!, theirs.id], transferredOn: today() });
    expect(statusOf(answer)).toBe(400);
    expect(dataOf(answer)).toMatchObject({ errors: { invoices: { key: 'pay.transfer.notice.error.invoices' } } });
    expect(await noticeRows(p.debtor.id)).toEqual([]);
    expect(await noticeRows(other.id)).toEqual([]);
  });

  it('sends a visitor without a session to the signed-out page', async () => {
    const p = await page();
    const answer = await settle(() =>
      action(routeArgs(formRequest('/portal/pay/transfer', { invoice: p.ids, transferredOn: today() }))),
    );
    expect((answer as Response).status).toBe(302);
    expect((answer as Response).headers.get('Location')).toBe('/portal/signed-out');
    expect(await noticeRows(p.debtor.id)).toEqual([]);
  });
});
