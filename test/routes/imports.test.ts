import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, debtors, files, invoices, paymentAllocations, payments, type Organization } from '~db/schema';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { multipartRequest, signIn } from '~test/factories-intake';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { action, loader } from '~/routes/app.imports';
import { getDb } from '~/utils/db.server';
import type { CsvPreview, ImportDone, ImportFailure, UblPreview } from '~/modules/invoices/import-flow.server';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
type Result<T> = { data: T; init: ResponseInit | null };

async function financeCookie(org: Pick<Organization, 'id'>) {
  return signIn(await createStaff(org, 'finance'));
}

function upload(cookie: string, intent: 'csv-preview' | 'ubl-preview', name: string, content: string | Uint8Array) {
  const type = intent === 'csv-preview' ? 'text/csv' : 'application/xml';
  return action(routeArgs(multipartRequest('/app/imports', { intent, file: { name, type, content } }, cookie)));
}

function confirm(cookie: string, intent: 'csv-import' | 'ubl-import', payload: string, filename: string) {
  return action(routeArgs(formRequest('/app/imports', { intent, payload, filename }, { cookie })));
}

async function counts(org: Pick<Organization, 'id'>) {
  const db = getDb();
  const n = async (table: typeof invoices | typeof debtors | typeof auditEvents | typeof files) =>
    (
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(eq(table.organizationId, org.id))
    )[0].n;
  return { invoices: await n(invoices), debtors: await n(debtors), audit: await n(auditEvents), files: await n(files) };
}

describe('/app/imports access', () => {
  it('lets finance and admin in and answers 403 to support', async () => {
    const org = await createOrganization();
    const support = await signIn(await createStaff(org, 'support'));
    const denied = (await settle(() => loader(routeArgs(getRequest('/app/imports', { cookie: support }))))) as Response;
    expect(denied.status).toBe(403);
    const post = (await settle(() =>
      upload(support, 'csv-preview', 'a.csv', fixture('invoices-valid.csv').toString()),
    )) as Response;
    expect(post.status).toBe(403);

    for (const role of ['finance', 'admin'] as const) {
      const cookie = await signIn(await createStaff(org, role));
      const page = await loader(routeArgs(getRequest('/app/imports', { cookie })));
      expect(page.recent).toEqual([]);
    }
  });
});

describe('CSV import', () => {
  it('previews without storing anything, then imports every row in one go, idempotently', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const before = await counts(org);

    const preview = (await upload(
      cookie,
      'csv-preview',
      'maart.csv',
      fixture('invoices-valid.csv'),
    )) as Result<CsvPreview>;
    expect(preview.init?.status).toBe(200);
    expect(preview.data.kind).toBe('csvPreview');
    expect(preview.data.errorRows).toBe(0);
    expect(preview.data.summary).toMatchObject({ created: 4, updated: 0, unchanged: 0, debtorsCreated: 3 });
    expect(preview.data.rows.map((r) => [r.row, r.amountCents, r.outcome])).toEqual([
      [2, 123_456, 'created'],
      [3, 8_995, 'created'],
      [4, 123_456, 'created'],
      [5, 123_456, 'created'],
    ]);
    expect(await counts(org)).toEqual(before);

    const done = (await confirm(cookie, 'csv-import', preview.data.payload!, 'maart.csv')) as Result<ImportDone>;
    expect(done.data).toMatchObject({ kind: 'done', summary: { created: 4, updated: 0, unchanged: 0 } });
    const stored = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(stored.map((i) => [i.number, i.totalCents, i.dueDate, i.status]).sort()).toEqual([
      ['2026-1001', 123_456, '2026-03-31', 'open'],
      ['2026-1002', 8_995, '2026-03-16', 'open'],
      ['2026-1003', 123_456, '2026-04-04', 'open'],
      ['2026-1004', 123_456, '2026-04-05', 'open'],
    ]);
    expect(stored.every((i) => i.nextActionAt !== null && i.paymentReference !== null)).toBe(true);
    const [cafe] = await getDb()
      .select()
      .from(debtors)
      .where(and(eq(debtors.organizationId, org.id), eq(debtors.externalRef, 'K-003')));
    expect(cafe).toMatchObject({ name: "Café 't Hoekje", kind: 'business' });

    const actions = async () =>
      (await getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).map((e) => e.action);
    expect((await actions()).filter((a) => a === 'invoice.created')).toHaveLength(4);
    expect((await actions()).filter((a) => a === 'invoices.imported')).toHaveLength(1);

    // The same file again: everything unchanged, no new invoice events.
    const again = (await upload(
      cookie,
      'csv-preview',
      'maart.csv',
      fixture('invoices-valid.csv'),
    )) as Result<CsvPreview>;
    expect(again.data.summary).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    const second = (await confirm(cookie, 'csv-import', again.data.payload!, 'maart.csv')) as Result<ImportDone>;
    expect(second.data.summary).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect((await actions()).filter((a) => a === 'invoice.created')).toHaveLength(4);
    expect((await actions()).filter((a) => a === 'invoice.updated')).toHaveLength(0);

    const page = await loader(routeArgs(getRequest('/app/imports', { cookie })));
    expect(page.recent[0]).toMatchObject({ source: 'CSV', filename: 'maart.csv', unchanged: 4 });
  });

  it('shows every bad row with its row number, stores nothing and offers no import', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const result = (await upload(
      cookie,
      'csv-preview',
      'fout.csv',
      fixture('invoices-with-errors.csv'),
    )) as Result<CsvPreview>;
    expect(result.init?.status).toBe(400);
    expect(result.data.payload).toBeNull();
    expect(result.data.summary).toBeNull();
    expect(result.data.errorRows).toBe(4);
    const byRow = new Map(result.data.rows.map((r) => [r.row, r.messages.map((m) => m.key)]));
    expect(byRow.get(2)).toEqual([]);
    expect(byRow.get(3)).toEqual(['bo.import.error.dateFormat']);
    expect(byRow.get(4)).toEqual(['bo.import.error.dateImpossible']);
    expect(byRow.get(5)).toEqual(['bo.import.error.amountAmbiguous']);
    expect(result.data.rows.find((r) => r.row === 5)?.messages[0].params).toMatchObject({ value: '1,234' });
    expect(await counts(org)).toMatchObject({ invoices: 0, debtors: 0 });
  });

  it('names a missing column and refuses a file that is not UTF-8', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const missing = (await upload(
      cookie,
      'csv-preview',
      'kort.csv',
      'invoice_number;debtor_ref;debtor_name;debtor_email;debtor_kind;issue_date;amount\nF-1;K;N;n@example.nl;consumer;2026-03-01;10,00\n',
    )) as Result<CsvPreview>;
    expect(missing.init?.status).toBe(400);
    expect(missing.data.fileMessages).toEqual([
      { key: 'bo.import.error.missingColumns', params: { columns: 'due_date' } },
    ]);

    const latin1 = (await upload(
      cookie,
      'csv-preview',
      'latin1.csv',
      new Uint8Array([0x43, 0x61, 0x66, 0xe9]),
    )) as Result<ImportFailure>;
    expect(latin1.data).toMatchObject({ kind: 'failure', messages: [{ key: 'bo.import.error.notUtf8' }] });
  });

  it('stores nothing when one row fails in the database, even after a clean preview', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const debtor = await createDebtor(org, { externalRef: 'K-001', kind: 'business' });
    const paid = await createInvoice(org, debtor, { number: '2026-1003', totalCents: 200_000, openCents: 200_000 });

    const preview = (await upload(
      cookie,
      'csv-preview',
      'maart.csv',
      fixture('invoices-valid.csv'),
    )) as Result<CsvPreview>;
    expect(preview.data.summary).toMatchObject({ created: 3, updated: 1 });
    const before = await counts(org);

    // Between preview and confirm, 1,500.00 of invoice 2026-1003 gets paid; the file lowers it to 1,234.56.
    const [payment] = await getDb()
      .insert(payments)
      .values({ organizationId: org.id, debtorId: debtor.id, provider: 'demo', amountCents: 150_000, status: 'paid' })
      .returning();
    await getDb()
      .insert(paymentAllocations)
      .values({ organizationId: org.id, paymentId: payment.id, invoiceId: paid.id, amountCents: 150_000 });
    await getDb().update(invoices).set({ openCents: 50_000 }).where(eq(invoices.id, paid.id));

    const result = (await confirm(cookie, 'csv-import', preview.data.payload!, 'maart.csv')) as Result<CsvPreview>;
    expect(result.init?.status).toBe(400);
    expect(result.data.kind).toBe('csvPreview');
    expect(result.data.payload).toBeNull();
    const failed = result.data.rows.find((r) => r.row === 4)!;
    expect(failed.outcome).toBe('error');
    expect(failed.messages.map((m) => m.key)).toEqual(['bo.import.error.totalBelowPaid']);
    expect(await counts(org)).toEqual(before);
    const [unchanged] = await getDb().select().from(invoices).where(eq(invoices.id, paid.id));
    expect(unchanged.totalCents).toBe(200_000);
  });

  it('refuses a damaged payload and re-validates a tampered one', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const damaged = (await confirm(cookie, 'csv-import', 'not base64!', 'x.csv')) as Result<ImportFailure>;
    expect(damaged.data).toMatchObject({ kind: 'failure', messages: [{ key: 'bo.import.error.badPayload' }] });

    const tampered = Buffer.from(fixture('invoices-with-errors.csv')).toString('base64url');
    const result = (await confirm(cookie, 'csv-import', tampered, 'x.csv')) as Result<CsvPreview>;
    expect(result.init?.status).toBe(400);
    expect(result.data.errorRows).toBe(4);
    expect(await counts(org)).toMatchObject({ invoices: 0 });
  });
});

describe('UBL import', () => {
  it('previews the Peppol fixture, imports invoice, lines, debtor and PDF, and is idempotent', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const xml = fixture('ubl/peppol-bis3-invoice.xml');
    const before = await counts(org);

    const preview = (await upload(cookie, 'ubl-preview', 'F2026-0142.xml', xml)) as Result<UblPreview>;
    expect(preview.init?.status).toBe(200);
    expect(preview.data).toMatchObject({
      kind: 'ublPreview',
      outcome: 'created',
      warnings: [],
      invoice: {
        number: 'F2026-0142',
        payableCents: 165_287,
        customer: { name: 'Bakkerij Van Dijk B.V.', externalRef: '0106:87654321' },
        pdf: { filename: 'F2026-0142.pdf' },
      },
    });
    expect(await counts(org)).toEqual(before);

    const done = (await confirm(cookie, 'ubl-import', preview.data.payload!, 'F2026-0142.xml')) as Result<ImportDone>;
    expect(done.data).toMatchObject({ kind: 'done', summary: { created: 1, debtorsCreated: 1 } });

    const [invoice] = await getDb().select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(invoice).toMatchObject({
      number: 'F2026-0142',
      issueDate: '2026-03-02',
      dueDate: '2026-04-01',
      totalCents: 165_287,
      openCents: 165_287,
      paymentReference: '9000000020260142',
      description: 'Onderhoud ovens & koelcellen, maart 2026',
    });
    expect(invoice.lines).toHaveLength(4);
    expect(invoice.pdfFileId).not.toBeNull();
    const [pdf] = await getDb().select().from(files).where(eq(files.id, invoice.pdfFileId!));
    expect(pdf).toMatchObject({ contentType: 'application/pdf', filename: 'F2026-0142.pdf' });
    expect(pdf.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [debtor] = await getDb().select().from(debtors).where(eq(debtors.id, invoice.debtorId));
    expect(debtor).toMatchObject({
      externalRef: '0106:87654321',
      kind: 'business',
      email: 'administratie@bakkerij-vandijk.example',
      postalCode: '3512 PH',
      city: 'Utrecht',
      vatNumber: 'NL987654321B01',
      contactName: 'Mieke van Dijk',
    });

    const again = (await upload(cookie, 'ubl-preview', 'F2026-0142.xml', xml)) as Result<UblPreview>;
    expect(again.data.outcome).toBe('unchanged');
    const second = (await confirm(cookie, 'ubl-import', again.data.payload!, 'F2026-0142.xml')) as Result<ImportDone>;
    expect(second.data.summary).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await counts(org)).toMatchObject({ invoices: 1, debtors: 1, files: 1 });
  });

  it('refuses a credit note, XML that is not UBL, and a new customer without email, storing nothing', async () => {
    const org = await createOrganization();
    const cookie = await financeCookie(org);
    const before = await counts(org);
    const creditNote = (await upload(
      cookie,
      'ubl-preview',
      'C2026-0007.xml',
      fixture('ubl/peppol-bis3-creditnote.xml'),
    )) as Result<ImportFailure>;
    expect(creditNote.init?.status).toBe(400);
    expect(creditNote.data).toMatchObject({ kind: 'failure', messages: [{ key: 'bo.import.ubl.error.creditNote' }] });

    const rss = (await upload(
      cookie,
      'ubl-preview',
      'feed.xml',
      '<rss version="2.0"><channel/></rss>',
    )) as Result<ImportFailure>;
    expect(rss.data.messages).toEqual([{ key: 'bo.import.ubl.error.notUbl', params: { root: 'rss' } }]);

    const noEmail = fixture('ubl/peppol-bis3-invoice.xml')
      .toString()
      .replace('<cbc:ElectronicMail>administratie@bakkerij-vandijk.example</cbc:ElectronicMail>', '');
    const result = (await upload(cookie, 'ubl-preview', 'x.xml', noEmail)) as Result<UblPreview>;
    expect(result.init?.status).toBe(400);
    expect(result.data.payload).toBeNull();
    expect(result.data.messages).toEqual([{ key: 'bo.import.error.debtorIncomplete' }]);
    expect(await counts(org)).toEqual(before);
  });
});
