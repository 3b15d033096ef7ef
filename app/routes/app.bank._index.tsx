import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  BANK_STATEMENT_MAX_BYTES,
  BankImportError,
  decodeCarriedFile,
  encodeCarriedFile,
  fileLabel,
  importStatementFile,
  listBankAccounts,
  listStatements,
  listTransferNotices,
  previewStatementFile,
  readBankForm,
  type StatementPreview,
} from '~/modules/bank/index.server';
import { readNote } from '~/modules/bank/index';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import {
  Counterparty,
  Description,
  Figures,
  LineAmount,
  NoteText,
  Period,
  StatusBadge,
  type LineStatus,
} from '~/ui/backoffice/bank-parts';
import { useMoney } from '~/ui/backoffice/parts';
import { field, parseForm, upload } from '~/utils/forms';
import { formatDate, formatDateTime, type MessageKey, type Params } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';

const INTENT = { preview: 'preview', import: 'import' } as const;

/** A statement upload: preview the file, or import the one carried from the preview. */
const statementForm = z.object({
  intent: field({ trim: false }),
  file: upload(),
  payload: field({ trim: false }),
  filename: field({ trim: false }),
});
const MAX_TEXT = '25 MB';
const STATEMENTS_SHOWN = 20;

type Message = { key: MessageKey; params?: Params };

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const url = new URL(request.url);
  const beforeParam = url.searchParams.get('before');
  const before = beforeParam && !Number.isNaN(Date.parse(beforeParam)) ? new Date(beforeParam) : null;
  const [accounts, statements, waiting, lapsed] = await Promise.all([
    listBankAccounts(staff.organizationId),
    listStatements(staff.organizationId, { limit: STATEMENTS_SHOWN + 1, before }),
    listTransferNotices(staff.organizationId, { status: 'waiting', limit: 50 }),
    listTransferNotices(staff.organizationId, { status: 'lapsed', limit: 10 }),
  ]);
  const shown = statements.slice(0, STATEMENTS_SHOWN);
  return {
    canEditAccounts: hasRole(staff, 'admin'),
    accounts: accounts.map((a) => (a.label ? `${a.ibanDisplay} (${a.label})` : a.ibanDisplay)),
    statements: shown.map((s) => ({
      id: s.id,
      name: s.filename ?? s.statementRefs[0] ?? s.format,
      format: s.format,
      accounts: s.accounts,
      fromDate: s.fromDate,
      toDate: s.toDate,
      entries: s.entries,
      matched: s.matched,
      queued: s.queued,
      duplicates: s.duplicates,
      viaApi: s.uploadedBy.type === 'api',
      createdAt: s.createdAt.toISOString(),
    })),
    older: statements.length > STATEMENTS_SHOWN ? shown[shown.length - 1].createdAt.toISOString() : null,
    paged: before !== null,
    notices: [...waiting, ...lapsed].map((n) => ({
      id: n.id,
      debtorId: n.debtorId,
      debtorName: n.debtorName,
      invoiceIds: n.invoiceIds,
      invoiceNumbers: n.invoiceNumbers,
      transferredOn: n.transferredOn,
      amountCents: n.amountCents,
      lastDay: n.lastDay,
      status: n.status,
    })),
  };
}

type PreviewResult = {
  kind: 'preview';
  filename: string;
  /** The file itself, deflated, for the confirm step; null when the import would be refused. */
  payload: string | null;
  refusal: Message | null;
  preview: StatementPreview;
};
type Failure = { kind: 'failure'; messages: Message[] };

function importMessage(error: BankImportError): Message {
  const detail = error.detail ?? error.message;
  switch (error.code) {
    case 'unknown_account':
      return { key: 'bank.error.unknownAccount', params: { iban: error.detail ?? '' } };
    case 'currency_not_eur':
      return { key: 'bank.error.currency', params: { currency: error.detail ?? '' } };
    case 'malformed':
      return { key: 'bank.error.malformed', params: { detail } };
    case 'doctype_forbidden':
      return { key: 'bank.error.doctype' };
    case 'unsupported_format':
      return { key: 'bank.error.unsupported', params: { detail } };
    case 'too_many_entries':
      return { key: 'bank.error.tooMany', params: { detail } };
    case 'invalid_value':
      return { key: 'bank.error.invalidValue', params: { detail } };
    case 'empty_file':
      return { key: 'bank.error.empty' };
    case 'file_too_large':
      return { key: 'bank.error.tooLarge', params: { max: MAX_TEXT } };
    case 'no_statements':
      return { key: 'bank.error.noStatements' };
    default:
      return { key: 'bank.error.other', params: { detail: error.message } };
  }
}

function failure(messages: Message[], status: number) {
  return data<PreviewResult | Failure>({ kind: 'failure', messages }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const form = await readBankForm(request, BANK_STATEMENT_MAX_BYTES);
  if (!form) return failure([{ key: 'bank.error.tooLarge', params: { max: MAX_TEXT } }], 413);
  const parsed = parseForm(statementForm, form);
  if (!parsed.ok) throw new Response('Unknown intent', { status: 400 });
  const { intent, file, payload, filename } = parsed.data;

  if (intent === INTENT.preview) {
    if (file === null || file.size === 0) {
      return failure([{ key: file ? 'bank.error.empty' : 'bank.error.noFile' }], 400);
    }
    if (file.size > BANK_STATEMENT_MAX_BYTES) {
      return failure([{ key: 'bank.error.tooLarge', params: { max: MAX_TEXT } }], 413);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      const preview = await previewStatementFile({ organizationId: staff.organizationId, bytes });
      const refusal = preview.refusal
        ? importMessage(
            new BankImportError(
              preview.refusal.code,
              422,
              preview.refusal.message,
              preview.refusal.detail ?? undefined,
            ),
          )
        : null;
      return data<PreviewResult | Failure>({
        kind: 'preview',
        filename: fileLabel(file.name),
        payload: refusal ? null : encodeCarriedFile(bytes),
        refusal,
        preview,
      });
    } catch (error) {
      if (error instanceof BankImportError) return failure([importMessage(error)], error.status);
      throw error;
    }
  }

  if (intent === INTENT.import) {
    const bytes = decodeCarriedFile(payload, BANK_STATEMENT_MAX_BYTES);
    if (!bytes) return failure([{ key: 'bank.error.payload' }], 400);
    try {
      const outcome = await importStatementFile({
        organizationId: staff.organizationId,
        bytes,
        filename: fileLabel(filename),
        uploadedBy: { type: 'staff', id: staff.id },
      });
      return redirect(`/app/bank/statements/${outcome.statementId}?imported=1`);
    } catch (error) {
      if (error instanceof BankImportError) return failure([importMessage(error)], error.status);
      throw error;
    }
  }

  throw new Response('Unknown intent', { status: 400 });
}

export default function BankStatements() {
  const { accounts, canEditAccounts, statements, older, paged, notices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const failed = result?.kind === 'failure' ? result.messages : null;

  return (
    <>
      <p className="muted">{t('bank.intro')}</p>

      <section className="card stack" aria-labelledby="upload-title">
        <h2 id="upload-title">{t('bank.upload.title')}</h2>
        {accounts.length === 0 ? (
          <div className="alert warn" role="status">
            <p>{t('bank.upload.noAccounts')}</p>
            {canEditAccounts ? <Link to="/app/settings/bank">{t('bank.upload.noAccountsAdmin')}</Link> : null}
          </div>
        ) : (
          <p className="small muted">{t('bank.upload.accounts', { accounts: accounts.join(', ') })}</p>
        )}
        <Form method="post" encType="multipart/form-data" aria-labelledby="upload-title" className="stack">
          <input type="hidden" name="intent" value={INTENT.preview} />
          <div className="field">
            <label htmlFor="statement-file">{t('bank.upload.file')}</label>
            <input
              id="statement-file"
              name="file"
              type="file"
              accept=".xml,.sta,.940,.txt"
              required
              aria-invalid={failed ? true : undefined}
              aria-describedby={failed ? 'statement-hint statement-errors' : 'statement-hint'}
            />
            <span className="hint" id="statement-hint">
              {t('bank.upload.hint', { max: MAX_TEXT })}
            </span>
            {failed ? (
              <div className="field-error" id="statement-errors" role="alert">
                {failed.map((m, i) => (
                  <p key={i}>{t(m.key, m.params)}</p>
                ))}
                <p>{t('bank.upload.nothingBooked')}</p>
              </div>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('bank.upload.previewButton')}
            </button>
          </div>
        </Form>
        {result?.kind === 'preview' ? <PreviewPanel result={result} /> : null}
        <p className="small">
          {t('bank.upload.apiHint')} <a href="/api/v1/openapi.json">{t('bank.upload.apiDocs')}</a>
        </p>
      </section>

      <NoticesSection notices={notices} />

      <section className="card stack" aria-labelledby="statements-title">
        <h2 id="statements-title">{t('bank.statements.title')}</h2>
        {statements.length === 0 ? (
          <p className="muted bo-empty">{t('bank.statements.empty')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bank.statements.title')}>
            <table className="bank-lines" data-testid="statements">
              <thead>
                <tr>
                  <th scope="col">{t('bank.statements.when')}</th>
                  <th scope="col">{t('bank.statements.file')}</th>
                  <th scope="col">{t('bank.statements.period')}</th>
                  <th scope="col">{t('bank.statements.counts')}</th>
                </tr>
              </thead>
              <tbody>
                {statements.map((s) => (
                  <tr key={s.id}>
                    <td data-label={t('bank.statements.when')}>{formatDateTime(s.createdAt, locale)}</td>
                    <td data-label={t('bank.statements.file')} className="bank-text">
                      <Link
                        to={`/app/bank/statements/${s.id}`}
                        className="bo-strong-link"
                        aria-label={t('bank.statements.open', { name: s.name })}
                      >
                        {s.name}
                      </Link>
                      <span className="bank-iban">
                        {s.format}
                        {s.accounts.length > 0 ? ` · ${s.accounts.join(', ')}` : ''}
                        {s.viaApi ? ` · ${t('bank.statements.api')}` : ''}
                      </span>
                    </td>
                    <td data-label={t('bank.statements.period')}>
                      <Period from={s.fromDate} to={s.toDate} />
                    </td>
                    <td data-label={t('bank.statements.counts')}>
                      {tn('bank.statements.countsText', s.entries, {
                        matched: s.matched,
                        queued: s.queued,
                        duplicates: s.duplicates,
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {older || paged ? (
          <nav className="bo-pagination" aria-label={t('bo.list.pagination')}>
            {paged ? (
              <Link to="/app/bank" className="button secondary">
                {t('bank.statements.newest')}
              </Link>
            ) : (
              <span />
            )}
            {older ? (
              <Link to={`/app/bank?before=${encodeURIComponent(older)}`} className="button secondary" rel="next">
                {t('bank.statements.older')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}

function PreviewPanel({ result }: { result: PreviewResult }) {
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';
  const { preview } = result;
  const matched = preview.wouldMatch.reference + preview.wouldMatch.invoice_number + preview.wouldMatch.iban_amount;
  const allKnown = preview.entries > 0 && preview.duplicates === preview.entries;
  const shown = preview.lines.length;

  return (
    <section className="stack" aria-labelledby="preview-title" data-testid="bank-preview">
      <h3 id="preview-title">{t('bank.preview.title', { filename: result.filename })}</h3>
      {result.refusal ? (
        <div className="alert error" role="alert">
          <p>{t(result.refusal.key, result.refusal.params)}</p>
          <p>{t('bank.upload.nothingBooked')}</p>
        </div>
      ) : (
        <div className="alert info" role="status">
          {allKnown ? t('bank.preview.allDuplicates') : t('bank.preview.stillNothingBooked')}
        </div>
      )}

      <dl className="facts">
        <dt>{t('bank.preview.format')}</dt>
        <dd>{preview.format}</dd>
      </dl>

      <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bank.preview.statements')}>
        <table className="bank-lines" data-testid="preview-statements">
          <caption className="visually-hidden">{t('bank.preview.statements')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('bank.preview.statementId')}</th>
              <th scope="col">{t('bank.preview.account')}</th>
              <th scope="col">{t('bank.preview.period')}</th>
              <th scope="col" className="num">
                {t('bank.preview.lines')}
              </th>
              <th scope="col" className="num">
                {t('bank.preview.credits')}
              </th>
              <th scope="col" className="num">
                {t('bank.preview.creditTotal')}
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.statements.map((s, i) => (
              <tr key={`${s.id}-${i}`}>
                <td data-label={t('bank.preview.statementId')} className="bank-text">
                  {s.id}
                </td>
                <td data-label={t('bank.preview.account')}>
                  <span className="iban">{s.accountIbanDisplay}</span>
                  {s.accountLabel ? <span className="bank-iban">{s.accountLabel}</span> : null}
                  {s.knownAccount ? null : (
                    <span className="bank-iban">
                      <span className="badge bad">{t('bank.preview.unknownAccount')}</span>
                    </span>
                  )}
                </td>
                <td data-label={t('bank.preview.period')}>
                  <Period from={s.fromDate} to={s.toDate} />
                </td>
                <td data-label={t('bank.preview.lines')} className="amount">
                  {s.lines}
                </td>
                <td data-label={t('bank.preview.credits')} className="amount">
                  {s.credits}
                </td>
                <td data-label={t('bank.preview.creditTotal')} className="amount">
                  {money(s.creditCents)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {result.refusal ? null : (
        <section className="stack" aria-labelledby="outcome-title">
          <h4 id="outcome-title">{t('bank.preview.outcomeTitle')}</h4>
          <Figures
            items={[
              { label: t('bank.preview.lines'), value: preview.entries },
              { label: t('bank.preview.wouldMatch'), value: matched, tone: 'ok', testId: 'would-match' },
              { label: t('bank.preview.toQueue'), value: preview.wouldQueue, tone: 'warn', testId: 'would-queue' },
              { label: t('bank.preview.duplicates'), value: preview.duplicates, testId: 'would-skip' },
              { label: t('bank.preview.debits'), value: preview.debits },
            ]}
          />
          {matched > 0 ? (
            <ul className="bank-rules" data-testid="would-match-rules">
              {preview.wouldMatch.reference > 0 ? (
                <li>
                  {preview.wouldMatch.reference} {t('bank.preview.byReference')}
                </li>
              ) : null}
              {preview.wouldMatch.invoice_number > 0 ? (
                <li>
                  {preview.wouldMatch.invoice_number} {t('bank.preview.byInvoiceNumber')}
                </li>
              ) : null}
              {preview.wouldMatch.iban_amount > 0 ? (
                <li>
                  {preview.wouldMatch.iban_amount} {t('bank.preview.byIbanAmount')}
                </li>
              ) : null}
            </ul>
          ) : null}
        </section>
      )}

      {shown > 0 ? (
        <div className="table-wrap" tabIndex={0} role="group" aria-labelledby="preview-lines-caption">
          <table className="bank-lines" data-testid="preview-lines">
            <caption id="preview-lines-caption" className="small muted">
              {tn('bank.preview.linesCaption', preview.entries, { shown })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('bank.col.date')}</th>
                <th scope="col">{t('bank.col.counterparty')}</th>
                <th scope="col">{t('bank.col.description')}</th>
                <th scope="col" className="num">
                  {t('bank.col.amount')}
                </th>
                <th scope="col">{t('bank.col.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.lines.map((line, i) => {
                const note = readNote(line.note);
                const status: LineStatus =
                  line.outcome === 'match' ? 'matched' : line.outcome === 'queue' ? 'queued' : line.outcome;
                return (
                  <tr key={i}>
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
                    <td data-label={t('bank.col.outcome')}>
                      {line.outcome === 'match' ? (
                        <span className="bo-badges">
                          <span className="badge ok">{t('bank.status.wouldMatch')}</span>
                          {line.rule ? <span className="small muted">{t(`bank.rule.${line.rule}`)}</span> : null}
                        </span>
                      ) : (
                        <StatusBadge status={status} />
                      )}
                      {line.invoices.length > 0 ? (
                        <span className="bank-note">
                          {line.invoices
                            .map((inv) => (inv.debtorName ? `${inv.number} (${inv.debtorName})` : inv.number))
                            .join(', ')}
                        </span>
                      ) : null}
                      <NoteText code={note.code} detail={note.detail} text={note.text} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      {result.payload && !allKnown ? (
        <Form method="post" encType="multipart/form-data" className="actions">
          <input type="hidden" name="intent" value={INTENT.import} />
          <input type="hidden" name="filename" value={result.filename} />
          <input type="hidden" name="payload" value={result.payload} />
          <button type="submit" disabled={busy}>
            {matched === 0 ? t('bank.preview.confirmNone') : tn('bank.preview.confirm', matched)}
          </button>
          <Link to="/app/bank" className="button secondary">
            {t('bank.preview.cancel')}
          </Link>
        </Form>
      ) : null}
    </section>
  );
}

type NoticeRow = ReturnType<typeof useLoaderData<typeof loader>>['notices'][number];

function NoticesSection({ notices }: { notices: NoticeRow[] }) {
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  return (
    <section className="card stack" aria-labelledby="notices-title">
      <h2 id="notices-title">{t('bank.notices.title')}</h2>
      <p className="small muted">{t('bank.notices.intro')}</p>
      {notices.length === 0 ? (
        <p className="muted bo-empty">{t('bank.notices.empty')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bank.notices.title')}>
          <table className="bank-lines" data-testid="transfer-notices">
            <thead>
              <tr>
                <th scope="col">{t('bank.notices.debtor')}</th>
                <th scope="col">{t('bank.notices.invoices')}</th>
                <th scope="col">{t('bank.notices.transferredOn')}</th>
                <th scope="col" className="num">
                  {t('bank.notices.amount')}
                </th>
                <th scope="col">{t('bank.notices.status')}</th>
              </tr>
            </thead>
            <tbody>
              {notices.map((n) => (
                <tr key={n.id}>
                  <td data-label={t('bank.notices.debtor')}>
                    <Link to={`/app/debtors/${n.debtorId}`}>{n.debtorName}</Link>
                  </td>
                  <td data-label={t('bank.notices.invoices')}>
                    <span className="bank-invoice-links">
                      {n.invoiceIds.map((id, i) => (
                        <Link key={id} to={`/app/invoices/${id}`}>
                          {n.invoiceNumbers[i] ?? id}
                        </Link>
                      ))}
                    </span>
                  </td>
                  <td data-label={t('bank.notices.transferredOn')}>{formatDate(n.transferredOn, locale, 'short')}</td>
                  <td data-label={t('bank.notices.amount')} className="amount">
                    {money(n.amountCents)}
                  </td>
                  <td data-label={t('bank.notices.status')}>
                    <span
                      className={`badge ${n.status === 'lapsed' ? 'bad' : n.status === 'received' ? 'ok' : 'info'}`}
                    >
                      {t(`bank.notices.status.${n.status}`)}
                    </span>
                    {n.status === 'waiting' ? (
                      <span className="bank-note">
                        {t('bank.notices.until')} {formatDate(n.lastDay, locale, 'short')}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
