import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { BankActionError, getStatement, requeueEntry } from '~/modules/bank/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import {
  Counterparty,
  Description,
  Figures,
  LineAmount,
  NoteText,
  Period,
  StatusBadge,
} from '~/ui/backoffice/bank-parts';
import { Pagination, useMoney } from '~/ui/backoffice/parts';
import { field, intentSchema, parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { pageTitle } from '~/utils/i18n/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  {
    title: data
      ? pageTitle(matches, 'bank.statement.title', { name: data.statement.name })
      : pageTitle(matches, 'bank.preview.statementId'),
  },
];

const PAGE_SIZE = 200;
const INTENT = { requeue: 'requeue' } as const;

/** Put a line back in the queue: the line as posted (the service finds nothing for anything else). */
const requeueForm = intentSchema(INTENT).extend({ entryId: field({ trim: false }) });

function pageFrom(value: string | null) {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const url = new URL(request.url);
  const page = pageFrom(url.searchParams.get('page'));
  const detail = await getStatement(staff.organizationId, params.id ?? '', {
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  if (!detail) notFound();
  const { statement: s } = detail;
  return {
    statement: {
      id: s.id,
      name: s.filename ?? s.statementRefs[0] ?? s.format,
      format: s.format,
      filename: s.filename,
      statementRefs: s.statementRefs,
      accounts: s.accounts,
      fromDate: s.fromDate,
      toDate: s.toDate,
      entries: s.entries,
      credits: s.credits,
      matched: s.matched,
      queued: s.queued,
      ignored: s.ignored,
      duplicates: s.duplicates,
      creditCents: s.creditCents,
      uploadedBy: s.uploadedBy,
      createdAt: s.createdAt.toISOString(),
    },
    lines: detail.entries.map((e) => ({
      id: e.id,
      bookingDate: e.bookingDate,
      amountCents: e.amountCents,
      direction: e.direction,
      counterpartyName: e.counterpartyName,
      counterpartyIban: e.counterpartyIban,
      remittance: e.remittance,
      structuredRef: e.structuredRef,
      status: e.status,
      matchRule: e.matchRule,
      noteCode: e.noteCode,
      noteDetail: e.noteDetail,
      noteText: e.noteText,
      debtor: e.debtor ? { id: e.debtor.id, name: e.debtor.name } : null,
      invoices: e.invoices,
      creditedCents: e.creditedCents,
      // A line finance set aside may go back to the queue; lines the importer set aside may not.
      canRequeue: e.status === 'ignored' && e.noteCode === null && e.direction === 'credit' && !e.reversal,
    })),
    page,
    pageCount: Math.max(1, Math.ceil(detail.totalEntries / PAGE_SIZE)),
    totalEntries: detail.totalEntries,
    imported: url.searchParams.get('imported') === '1',
    requeued: url.searchParams.get('requeued') === '1',
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const form = await request.formData();
  const parsed = parseForm(requeueForm, form);
  if (!parsed.ok) throw new Response('Unknown intent', { status: 400 });
  try {
    await requeueEntry(staff.organizationId, parsed.data.entryId, {
      actor: { type: 'staff', id: staff.id },
    });
  } catch (error) {
    if (!(error instanceof BankActionError)) throw error;
    return data({ error: 'bank.queue.error.gone' as const }, { status: error.status });
  }
  return redirect(`/app/bank/statements/${params.id}?requeued=1`);
}

export default function StatementPage() {
  const { statement: s, lines, page, pageCount, totalEntries, imported, requeued } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';

  return (
    <section className="stack" aria-labelledby="statement-title">
      <p className="small">
        <Link to="/app/bank">← {t('bank.statement.back')}</Link>
      </p>
      <h2 id="statement-title">{t('bank.statement.title', { name: s.name })}</h2>
      {imported ? (
        <div className="alert success" role="status" data-testid="statement-imported">
          {t('bank.statement.imported', { matched: s.matched, queued: s.queued, duplicates: s.duplicates })}
        </div>
      ) : null}
      {requeued && !result ? (
        <div className="alert success" role="status">
          {t('bank.requeued')}
        </div>
      ) : null}
      {result?.error ? (
        <div className="alert error" role="alert">
          {t(result.error)}
        </div>
      ) : null}

      <div className="card stack">
        <dl className="facts">
          <dt>{t('bank.preview.format')}</dt>
          <dd>{s.format}</dd>
          <dt>{t('bank.preview.account')}</dt>
          <dd className="iban">{s.accounts.join(', ') || '—'}</dd>
          <dt>{t('bank.preview.period')}</dt>
          <dd>
            <Period from={s.fromDate} to={s.toDate} />
          </dd>
          {s.statementRefs.length > 0 ? (
            <>
              <dt>{t('bank.statement.refs')}</dt>
              <dd className="bank-text">{s.statementRefs.join(', ')}</dd>
            </>
          ) : null}
          <dt>{t('bank.statement.uploadedAt')}</dt>
          <dd>{formatDateTime(s.createdAt, locale)}</dd>
          <dt>{t('bank.statement.uploadedBy')}</dt>
          <dd>
            {s.uploadedBy.name ?? t(s.uploadedBy.type === 'api' ? 'bank.statement.byApi' : 'bank.statement.byStaff')}
            {s.uploadedBy.type === 'api' ? ` (${t('bank.statements.api')})` : ''}
          </dd>
        </dl>
        <Figures
          items={[
            { label: t('bank.statement.entries'), value: s.entries },
            { label: t('bank.statement.credits'), value: money(s.creditCents) },
            { label: t('bank.statement.matched'), value: s.matched, tone: 'ok', testId: 'statement-matched' },
            {
              label: t('bank.statement.queued'),
              value: s.queued,
              tone: s.queued > 0 ? 'warn' : undefined,
              testId: 'statement-queued',
            },
            { label: t('bank.statement.ignored'), value: s.ignored },
            { label: t('bank.statement.duplicates'), value: s.duplicates, testId: 'statement-duplicates' },
          ]}
        />
        {s.queued > 0 ? (
          <p>
            <Link to="/app/bank/queue" className="button secondary">
              {t('bank.statement.toQueue')}
            </Link>
          </p>
        ) : null}
      </div>

      <div className="card stack">
        <h3 id="lines-title">{t('bank.statement.linesTitle')}</h3>
        {totalEntries === 0 ? (
          <p className="muted bo-empty">{t('bank.statement.noLines')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-labelledby="lines-title">
            <table className="bank-lines" data-testid="statement-lines">
              <thead>
                <tr>
                  <th scope="col">{t('bank.col.date')}</th>
                  <th scope="col">{t('bank.col.counterparty')}</th>
                  <th scope="col">{t('bank.col.description')}</th>
                  <th scope="col" className="num">
                    {t('bank.col.amount')}
                  </th>
                  <th scope="col">{t('bank.col.result')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr key={line.id} data-status={line.status}>
                    <td data-label={t('bank.col.date')} className="bank-date">
                      {formatDate(line.bookingDate, locale, 'short')}
                    </td>
                    <td data-label={t('bank.col.counterparty')}>
                      <Counterparty name={line.counterpartyName} iban={line.counterpartyIban} />
                    </td>
                    <td data-label={t('bank.col.description')}>
                      <Description remittance={line.remittance} structuredRef={line.structuredRef} />
                    </td>
                    <td data-label={t('bank.col.amount')} className="amount">
                      <LineAmount cents={line.amountCents} direction={line.direction} />
                    </td>
                    <td data-label={t('bank.col.result')}>
                      <StatusBadge status={line.status} rule={line.matchRule} />
                      {line.invoices.length > 0 ? (
                        <span className="bank-invoice-links">
                          {line.invoices.map((inv) => (
                            <Link key={inv.id} to={`/app/invoices/${inv.id}`}>
                              {t('bank.invoiceLink', { number: inv.number })}: {money(inv.allocatedCents)}
                            </Link>
                          ))}
                        </span>
                      ) : null}
                      {line.status === 'matched' && line.debtor ? (
                        <span className="bank-note">
                          <Link to={`/app/debtors/${line.debtor.id}`}>
                            {t('bank.debtorLink', { name: line.debtor.name })}
                          </Link>
                        </span>
                      ) : null}
                      {line.creditedCents > 0 && line.debtor ? (
                        <span className="bank-note">
                          {t('bank.creditKept', { amount: money(line.creditedCents), debtor: line.debtor.name })}
                        </span>
                      ) : null}
                      <NoteText code={line.noteCode} detail={line.noteDetail} text={line.noteText} />
                      {line.status === 'queued' ? (
                        <span className="bank-note">
                          <Link to={`/app/bank/queue?entry=${line.id}`}>{t('bank.queue.manual')}</Link>
                        </span>
                      ) : null}
                      {line.canRequeue ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value={INTENT.requeue} />
                          <input type="hidden" name="entryId" value={line.id} />
                          <button type="submit" className="quiet" disabled={busy}>
                            {t('bank.requeue')}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {pageCount > 1 ? (
          <Pagination
            page={page}
            pageCount={pageCount}
            total={totalEntries}
            hrefFor={(p) => `/app/bank/statements/${s.id}?page=${p}`}
          />
        ) : null}
      </div>
    </section>
  );
}
