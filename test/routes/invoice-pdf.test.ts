/**
 * Every invoice has a PDF at its three doors (portal, back office, API): the creditor's when sent,
 * else one drawn from the invoice data, as application/pdf for download; scoped like the invoice.
 */
import { describe, expect, it } from 'vitest';
import { loader as portalPdf } from '~/routes/portal.invoices.$id.pdf';
import { loader as backofficePdf } from '~/routes/app.invoices.$id_.pdf';
import * as apiPdf from '~/routes/api.v1.invoices.$number_.pdf';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { apiRequest, createApiKeyFor } from '~test/factories-intake';
import { getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';

const statusOf = (result: unknown) => (result instanceof Response ? result.status : 200);

async function expectPdf(response: Response, number: string) {
  expect(response.status).toBe(200);
  expect(response.headers.get('Content-Type')).toBe('application/pdf');
  expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="${number}.pdf"`);
  expect(response.headers.get('Cache-Control')).toBe('no-store');
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return bytes;
}

describe('the invoice PDF when the creditor sent none', () => {
  it('portal: the debtor downloads it; another debtor gets 404', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const other = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    const { cookie } = await openPortal(debtor);
    const response = (await portalPdf(
      routeArgs(getRequest(`/portal/invoices/${invoice.id}/pdf`, { cookie }), { id: invoice.id }),
    )) as Response;
    const bytes = await expectPdf(response, invoice.number);
    expect(bytes.length).toBeGreaterThan(1000);

    const theirs = await openPortal(other);
    const refused = await settle(() =>
      portalPdf(
        routeArgs(getRequest(`/portal/invoices/${invoice.id}/pdf`, { cookie: theirs.cookie }), { id: invoice.id }),
      ),
    );
    expect(statusOf(refused)).toBe(404);
  });

  it('back office: any staff member of the organisation; another organisation 404', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    const support = await createStaff(org, 'support');
    const cookie = await staffCookie(support);
    const response = (await backofficePdf(
      routeArgs(getRequest(`/app/invoices/${invoice.id}/pdf`, { cookie }), { id: invoice.id }),
    )) as Response;
    await expectPdf(response, invoice.number);

    const elsewhere = await createOrganization();
    const stranger = await staffCookie(await createStaff(elsewhere, 'admin'));
    const refused = await settle(() =>
      backofficePdf(routeArgs(getRequest(`/app/invoices/${invoice.id}/pdf`, { cookie: stranger }), { id: invoice.id })),
    );
    expect(statusOf(refused)).toBe(404);
  });

  it('API: GET answers the PDF; another organisation’s number is a JSON 404', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    const { key } = await createApiKeyFor(org);
    const get = (apiKey: string, number: string) =>
      apiPdf.loader({
        request: apiRequest(`/api/v1/invoices/${encodeURIComponent(number)}/pdf`, { key: apiKey }),
        params: { number },
        context: { nonce: 'test' },
      });
    await expectPdf(await get(key, invoice.number), invoice.number);

    const elsewhere = await createOrganization();
    const theirKey = (await createApiKeyFor(elsewhere)).key;
    const refused = await get(theirKey, invoice.number);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
