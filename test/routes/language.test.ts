/**
 * The debtor's language sticks: the portal's language switch (POST /language) makes the choice
 * the debtor's language (debtors.locale), so later emails are in it, staff see it, and a link
 * opened without a language cookie opens the portal in it. Without a portal session it is only
 * the visitor's cookie.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, communications, debtors, payments } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { describeEvent, type TimelineEvent } from '~/modules/debtors/index';
import { issuePortalLink } from '~/modules/links/links.server';
import { applyPaymentStatus, queuePaymentReceived } from '~/modules/ledger/ledger.server';
import { localeCookie } from '~/utils/i18n/locale.server';
import { sendCommunication } from '~/modules/mail/outbox.server';
import { action as language } from '~/routes/language';
import { loader as landing } from '~/routes/l.$token';
import { loader as debtorPage } from '~/routes/app.debtors.$id';

const clock = fixedClock('2026-11-23T10:00:00Z');

function switchTo(locale: string, redirectTo: string, cookie?: string) {
  return settle(() =>
    language(routeArgs(formRequest('/language', { locale, redirectTo }, { cookie })) as never),
  ) as Promise<Response>;
}

async function debtorRow(id: string) {
  const [row] = await getDb().select().from(debtors).where(eq(debtors.id, id));
  return row;
}

async function localeEvents(debtorId: string) {
  return getDb()
    .select({ action: auditEvents.action, actorType: auditEvents.actorType, data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.debtorId, debtorId), eq(auditEvents.action, 'debtor.locale_changed')));
}

/** The payment-received email queued when the debtor's invoice is paid, sent through the local outbox. */
async function payAndReadMail(org: { id: string }, debtor: { id: string }, amountCents: number) {
  const [payment] = await getDb()
    .insert(payments)
    .values({ organizationId: org.id, debtorId: debtor.id, provider: 'demo', amountCents, status: 'open' })
    .returning();
  await applyPaymentStatus(payment.id, 'paid', { clock });
  // What the ledger's payment_received job does, later, in its own transaction.
  await queuePaymentReceived(payment.id, { clock });
  const [mail] = await getDb()
    .select()
    .from(communications)
    .where(and(eq(communications.debtorId, debtor.id), eq(communications.template, 'payment_received')));
  expect(await sendCommunication(mail.id, { clock })).toMatchObject({ status: 'sent' });
  const [sent] = await getDb().select().from(communications).where(eq(communications.id, mail.id));
  return sent;
}

describe('POST /language with a portal session', () => {
  it("makes the choice the debtor's language: the next email is English, and staff see it", async () => {
    const org = await createOrganization({ defaultLocale: 'nl' });
    const debtor = await createDebtor(org, { locale: 'nl' });
    await createInvoice(org, debtor, { totalCents: 12_100 });
    const { cookie } = await openPortal(debtor);

    const response = await switchTo('en', '/portal', cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/portal');
    expect(response.headers.get('Set-Cookie')).toMatch(/^vd_lang=/);
    expect((await debtorRow(debtor.id)).locale).toBe('en');
    expect(await localeEvents(debtor.id)).toEqual([
      { action: 'debtor.locale_changed', actorType: 'debtor', data: { from: 'nl', to: 'en' } },
    ]);
    // The same choice again changes nothing and writes no second event.
    await switchTo('en', '/portal/history', cookie);
    expect(await localeEvents(debtor.id)).toHaveLength(1);

    const mail = await payAndReadMail(org, debtor, 12_100);
    expect(mail.locale).toBe('en');
    expect(mail.subject).toBe('Payment received: €121.00');
    expect(mail.html).toContain('lang="en"');

    // Staff: the debtor page reads the new language, and the timeline says what happened.
    const admin = await createStaff(org, 'admin');
    const page = (await debtorPage(
      routeArgs(getRequest(`/app/debtors/${debtor.id}`, { cookie: await staffCookie(admin) }), {
        id: debtor.id,
      }) as never,
    )) as { debtor: { locale: string }; timeline: TimelineEvent[] };
    expect(page.debtor.locale).toBe('en');
    const changed = page.timeline.find((e) => e.action === 'debtor.locale_changed')!;
    expect(describeEvent(changed, 'nl').text).toBe('Taal gewijzigd in het portaal: Engels');
    expect(describeEvent(changed, 'en').text).toBe('Language changed in the portal: English');
  });

  it('also switches back to Dutch, and a later email follows', async () => {
    const org = await createOrganization({ defaultLocale: 'en' });
    const debtor = await createDebtor(org, { locale: 'en' });
    await createInvoice(org, debtor, { totalCents: 5_000 });
    const { cookie } = await openPortal(debtor);
    await switchTo('nl', '/portal', cookie);
    expect((await debtorRow(debtor.id)).locale).toBe('nl');
    const mail = await payAndReadMail(org, debtor, 5_000);
    expect(mail.locale).toBe('nl');
    expect(mail.subject?.replace(/\u00a0/g, ' ')).toBe('Betaling ontvangen: € 50,00');
  });
});

describe('POST /language without a portal session', () => {
  it('only sets the cookie: no debtor is written', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { locale: 'nl' });
    const before = await debtorRow(debtor.id);

    const anonymous = await switchTo('en', '/portal');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('Set-Cookie')).toMatch(/^vd_lang=/);
    // A portal cookie that opens no session (forged, ended) writes nothing either.
    await switchTo('en', '/portal', 'vd_portal=not-a-session');
    // A back-office page in a browser that also holds a portal session speaks for staff, not the debtor.
    const { cookie } = await openPortal(debtor);
    await switchTo('en', '/app/debtors', cookie);

    expect(await debtorRow(debtor.id)).toEqual(before);
    expect(await localeEvents(debtor.id)).toEqual([]);
  });

  it('writes nothing for a value that is no language of ours', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { locale: 'nl' });
    const { cookie } = await openPortal(debtor);
    const response = await switchTo('de', '/portal', cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('Set-Cookie')).toBeNull();
    expect((await debtorRow(debtor.id)).locale).toBe('nl');
  });
});

describe('GET /l/:token', () => {
  async function land(debtor: { id: string; organizationId: string }, cookie?: string) {
    const link = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: debtor.organizationId, debtorId: debtor.id, purpose: 'reminder' }),
    );
    const request = getRequest(`/l/${link.token}`, { cookie });
    return (await landing(routeArgs(request, { token: link.token }) as never)) as Response;
  }
  const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0]);

  it("opens the portal in the debtor's language when the browser has no language cookie", async () => {
    const org = await createOrganization({ defaultLocale: 'nl' });
    const debtor = await createDebtor(org, { locale: 'en' });
    const response = await land(debtor);
    expect(response.status).toBe(303);
    const cookies = cookiesOf(response);
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^vd_portal=/);
    expect(await localeCookie.parse(cookies[1])).toBe('en');
  });

  it('keeps the language the browser already chose', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { locale: 'en' });
    const chosen = (await localeCookie.serialize('nl')).split(';')[0];
    const response = await land(debtor, chosen);
    expect(cookiesOf(response).filter((c) => c.startsWith('vd_lang='))).toEqual([]);
  });
});
