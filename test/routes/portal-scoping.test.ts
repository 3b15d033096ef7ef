import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { dunningPauses, files, invoices } from '~db/schema';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as overviewLoader } from '~/routes/portal._index';
import { loader as invoiceLoader } from '~/routes/portal.invoices.$id';
import { loader as pdfLoader } from '~/routes/portal.invoices.$id.pdf';
import { loader as historyLoader } from '~/routes/portal.history';
import { addDays, amsterdamDate, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';

async function twoDebtors() {
  const org = await createOrganization();
  const a = await createDebtor(org, { name: 'Anna A' });
  const b = await createDebtor(org, { name: 'Bert B' });
  const invoiceA = await createInvoice(org, a, { dueDate: '2026-10-01' });
  const invoiceB = await createInvoice(org, b, { dueDate: '2026-10-01' });
  return { org, a, b, invoiceA, invoiceB };
}

describe('portal scoping', () => {
  it("answers 404 for another debtor's invoice, for any id format, and for its PDF", async () => {
    const { a, invoiceA, invoiceB } = await twoDebtors();
    const { cookie } = await openPortal(a);
    const own = await invoiceLoader(
      routeArgs(getRequest(`/portal/invoices/${invoiceA.id}`, { cookie }), { id: invoiceA.id }),
    );
    expect(own.invoice.number).toBe(invoiceA.number);
    for (const id of [invoiceB.id, randomUUID(), 'not-a-uuid', '1', "' or 1=1 --", invoiceB.number]) {
      const response = (await settle(() =>
        invoiceLoader(routeArgs(getRequest(`/portal/invoices/x`, { cookie }), { id })),
      )) as Response;
      expect(response.status).toBe(404);
      const pdf = (await settle(() =>
        pdfLoader(routeArgs(getRequest(`/portal/invoices/x/pdf`, { cookie }), { id })),
      )) as Response;
      expect(pdf.status).toBe(404);
    }
  });

  it("never lists another debtor's or another creditor's invoices", async () => {
    const { org, a, invoiceA, invoiceB } = await twoDebtors();
    const otherOrg = await createOrganization();
    const sameEmail = await createDebtor(otherOrg, { email: a.email });
    const foreign = await createInvoice(otherOrg, sameEmail);
    const { cookie } = await openPortal(a);
    const overview = await overviewLoader(routeArgs(getRequest('/portal', { cookie })));
    const numbers = overview.invoices.map((i) => i.number);
    expect(numbers).toEqual([invoiceA.number]);
    expect(numbers).not.toContain(invoiceB.number);
    expect(numbers).not.toContain(foreign.number);
    expect(overview.organizationName).toBe(org.name);
  });

  it("a session of another creditor's debtor cannot read this creditor's invoice", async () => {
    const { invoiceA } = await twoDebtors();
    const otherOrg = await createOrganization();
    const stranger = await createDebtor(otherOrg);
    const { cookie } = await openPortal(stranger);
    const response = (await settle(() =>
      invoiceLoader(routeArgs(getRequest(`/portal/invoices/${invoiceA.id}`, { cookie }), { id: invoiceA.id })),
    )) as Response;
    expect(response.status).toBe(404);
  });

  it('serves the PDF of an own invoice as a download', async () => {
    const { org, a, invoiceA } = await twoDebtors();
    const pdf = Buffer.from('%PDF-1.4\n%test\n');
    const [file] = await getDb()
      .insert(files)
      .values({
        organizationId: org.id,
        filename: 'f.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: 'x',
        data: pdf,
      })
      .returning();
    await getDb().update(invoices).set({ pdfFileId: file.id }).where(eq(invoices.id, invoiceA.id));
    const { cookie } = await openPortal(a);
    const response = (await pdfLoader(routeArgs(getRequest('/x', { cookie }), { id: invoiceA.id }))) as Response;
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="T-.*\.pdf"$/);
    expect(Buffer.from(await response.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('redirects a visitor without a session to the signed-out page', async () => {
    const response = (await settle(() => overviewLoader(routeArgs(getRequest('/portal'))))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/portal/signed-out');
  });
});

describe('portal overview', () => {
  it('totals what is open and overdue, and explains pauses and next steps', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    // The portal reads the system clock, as in production: dates are whole days from its today in Amsterdam.
    const today = amsterdamDate(systemClock.now());
    const future = addDays(today, 10);
    const overdue = await createInvoice(org, debtor, { dueDate: '2026-01-05', totalCents: 10_000, dunningStage: 1 });
    const paused = await createInvoice(org, debtor, { dueDate: '2026-02-05', totalCents: 5_000 });
    const notDue = await createInvoice(org, debtor, { dueDate: future, totalCents: 2_500 });
    await createInvoice(org, debtor, { dueDate: '2026-01-01', totalCents: 9_999, status: 'paid', openCents: 0 });
    await getDb().insert(dunningPauses).values({ organizationId: org.id, invoiceId: paused.id, reason: 'dispute' });
    const { cookie } = await openPortal(debtor);
    const overview = await overviewLoader(routeArgs(getRequest('/portal', { cookie })));
    expect(overview.totals).toMatchObject({
      outstandingCents: 17_500,
      overdueCents: 15_000,
      overdueCount: 2,
      openCount: 3,
    });
    const byId = new Map(overview.invoices.map((i) => [i.id, i]));
    expect(byId.get(overdue.id)!.next).toMatchObject({ kind: 'reminder', template: 'second_reminder' });
    expect(byId.get(paused.id)!.next).toMatchObject({ kind: 'paused', reason: 'dispute' });
    expect(byId.get(notDue.id)!.next).toMatchObject({ kind: 'not_due', dueDate: future });
    expect(overview.today).toBe(today);

    const history = await historyLoader(routeArgs(getRequest('/portal/history', { cookie })));
    expect(history.invoices.map((i) => i.totalCents)).toEqual([9_999]);
  });
});
