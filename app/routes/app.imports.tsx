import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  confirmCsvImport,
  confirmUblImport,
  csvColumnHint,
  previewCsvUpload,
  previewUblUpload,
  readImportForm,
  recentImports,
  type CsvPreview,
  type ImportDone,
  type ImportFailure,
  type Message,
  type UblPreview,
} from '~/modules/invoices/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { field, parseForm, upload } from '~/utils/forms';
import { formatDate, formatDateTime } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.import.title');

const INTENT = {
  csvPreview: 'csv-preview',
  csvImport: 'csv-import',
  ublPreview: 'ubl-preview',
  ublImport: 'ubl-import',
} as const;

/** An import step: which one, the uploaded file (preview) or the carried one (confirm), its name. */
const importForm = z.object({
  intent: field({ trim: false }),
  file: upload(),
  payload: field({ trim: false }),
  filename: field({ trim: false }).transform((name) => name.slice(0, 200)),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  return { recent: await recentImports(staff.organizationId), csvHint: csvColumnHint() };
}

type ActionResult = CsvPreview | UblPreview | ImportDone | ImportFailure;

function statusOf(result: ActionResult): number {
  if (result.kind === 'failure') return 400;
  if (result.kind === 'csvPreview') return result.payload ? 200 : 400;
  if (result.kind === 'ublPreview') return result.payload ? 200 : 400;
  return 200;
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const form = await readImportForm(request);
  if (!form) {
    const failure: ImportFailure = {
      kind: 'failure',
      source: 'csv',
      messages: [{ key: 'bo.import.error.tooLarge', params: { max: '25 MB' } }],
    };
    return data(failure, { status: 413 });
  }
  const parsed = parseForm(importForm, form);
  if (!parsed.ok) throw new Response('Unknown intent', { status: 400 });
  const { intent, file, payload, filename } = parsed.data;
  const noFile = (source: 'csv' | 'ubl'): ImportFailure => ({
    kind: 'failure',
    source,
    messages: [{ key: 'bo.import.error.noFile' }],
  });
  const upload = file !== null && file.size > 0 ? file : null;

  let result: ActionResult;
  switch (intent) {
    case INTENT.csvPreview:
      result = upload ? await previewCsvUpload(staff, upload) : noFile('csv');
      break;
    case INTENT.csvImport:
      result = await confirmCsvImport(staff, payload, filename);
      break;
    case INTENT.ublPreview:
      result = upload ? await previewUblUpload(staff, upload) : noFile('ubl');
      break;
    case INTENT.ublImport:
      result = await confirmUblImport(staff, payload, filename);
      break;
    default:
      throw new Response('Unknown intent', { status: 400 });
  }
  return data(result, { status: statusOf(result) });
}

export default function Imports() {
  const { recent, csvHint } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';

  const csvResult = result && (result.kind === 'csvPreview' || ('source' in result && result.source === 'csv'));
  const ublResult = result && (result.kind === 'ublPreview' || ('source' in result && result.source === 'ubl'));
  const csvFailure = csvResult && result.kind === 'failure' ? result.messages : null;
  const ublFailure = ublResult && result.kind === 'failure' ? result.messages : null;

  return (
    <section className="stack" aria-labelledby="imports-title">
      <h1 id="imports-title">{t('bo.import.title')}</h1>
      <p className="muted">{t('bo.import.intro')}</p>

      {result?.kind === 'done' ? (
        <div className="alert success" role="status" data-testid="import-done">
          {t('bo.import.done', {
            created: result.summary.created,
            updated: result.summary.updated,
            unchanged: result.summary.unchanged,
          })}
        </div>
      ) : null}

      <div className="card stack">
        <h2 id="csv-title">{t('bo.import.csv.title')}</h2>
        <p className="hint" id="csv-hint">
          {t(csvHint.key, csvHint.params)}
        </p>
        <Form method="post" encType="multipart/form-data" aria-labelledby="csv-title" className="stack">
          <input type="hidden" name="intent" value={INTENT.csvPreview} />
          <div className="field">
            <label htmlFor="csv-file">{t('bo.import.csv.file')}</label>
            <input
              id="csv-file"
              name="file"
              type="file"
              accept=".csv,text/csv"
              required
              aria-invalid={csvFailure ? true : undefined}
              aria-describedby={csvFailure ? 'csv-hint csv-errors' : 'csv-hint'}
            />
            {csvFailure ? <Messages id="csv-errors" messages={csvFailure} /> : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('bo.import.previewButton')}
            </button>
          </div>
        </Form>
        {result?.kind === 'csvPreview' ? <CsvPreviewPanel preview={result} /> : null}
      </div>

      <div className="card stack">
        <h2 id="ubl-title">{t('bo.import.ubl.title')}</h2>
        <p className="hint" id="ubl-hint">
          {t('bo.import.ubl.hint')}
        </p>
        <Form method="post" encType="multipart/form-data" aria-labelledby="ubl-title" className="stack">
          <input type="hidden" name="intent" value={INTENT.ublPreview} />
          <div className="field">
            <label htmlFor="ubl-file">{t('bo.import.ubl.file')}</label>
            <input
              id="ubl-file"
              name="file"
              type="file"
              accept=".xml,application/xml,text/xml"
              required
              aria-invalid={ublFailure ? true : undefined}
              aria-describedby={ublFailure ? 'ubl-hint ubl-errors' : 'ubl-hint'}
            />
            {ublFailure ? <Messages id="ubl-errors" messages={ublFailure} /> : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('bo.import.previewButton')}
            </button>
          </div>
        </Form>
        {result?.kind === 'ublPreview' ? <UblPreviewPanel preview={result} /> : null}
      </div>

      <p className="small">
        {t('bo.import.apiHint')} <a href="/api/v1/openapi.json">{t('bo.import.apiDocs')}</a>
      </p>

      <div className="card stack">
        <h2>{t('bo.import.recent.title')}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t('bo.import.recent.empty')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.import.recent.title')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('bo.import.recent.when')}</th>
                  <th scope="col">{t('bo.import.recent.source')}</th>
                  <th scope="col">{t('bo.import.recent.file')}</th>
                  <th scope="col">{t('bo.import.recent.result')}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((item) => (
                  <tr key={item.id}>
                    <td>{formatDateTime(item.at, locale)}</td>
                    <td>{item.source}</td>
                    <td>{item.filename ?? '—'}</td>
                    <td>
                      {t('bo.import.recent.counts', {
                        created: item.created,
                        updated: item.updated,
                        unchanged: item.unchanged,
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

function Messages({ id, messages }: { id?: string; messages: Message[] }) {
  const t = useT();
  if (messages.length === 1) {
    return (
      <p className="field-error" id={id} role="alert">
        {t(messages[0].key, messages[0].params)}
      </p>
    );
  }
  return (
    <ul className="field-error" id={id} role="alert">
      {messages.map((message, i) => (
        <li key={i}>{t(message.key, message.params)}</li>
      ))}
    </ul>
  );
}

function OutcomeBadge({ outcome }: { outcome: 'created' | 'updated' | 'unchanged' | 'error' | null }) {
  const t = useT();
  if (outcome === null) return <span className="badge neutral">{t('bo.import.outcome.ok')}</span>;
  const tone = { created: 'ok', updated: 'info', unchanged: 'neutral', error: 'bad' }[outcome];
  return <span className={`badge ${tone}`}>{t(`bo.import.outcome.${outcome}`)}</span>;
}

function CsvPreviewPanel({ preview }: { preview: CsvPreview }) {
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const date = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value, locale, 'short') : value);
  return (
    <section className="stack" aria-labelledby="csv-preview-title" data-testid="csv-preview">
      <h3 id="csv-preview-title">{t('bo.import.preview.title', { filename: preview.filename })}</h3>
      {preview.fileMessages.length > 0 ? (
        <div className="alert error" role="alert">
          <Messages messages={preview.fileMessages} />
          <p>{t('bo.import.nothingStored')}</p>
        </div>
      ) : null}
      {preview.errorRows > 0 ? (
        <div className="alert error" role="alert">
          {tn('bo.import.preview.hasErrors', preview.errorRows)}
        </div>
      ) : null}
      {preview.summary ? (
        <div className="alert info" role="status">
          <p>
            {tn('bo.import.preview.summary', preview.summary.outcomes.length, {
              created: preview.summary.created,
              updated: preview.summary.updated,
              unchanged: preview.summary.unchanged,
            })}{' '}
            {t('bo.import.preview.debtors', {
              created: preview.summary.debtorsCreated,
              updated: preview.summary.debtorsUpdated,
            })}
          </p>
          <p>{t('bo.import.preview.stillNothingStored')}</p>
        </div>
      ) : null}
      {preview.rows.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.import.preview.rowsCaption')}>
          <table>
            <caption className="visually-hidden">{t('bo.import.preview.rowsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('bo.import.col.row')}
                </th>
                <th scope="col">{t('bo.import.col.number')}</th>
                <th scope="col">{t('bo.import.col.debtor')}</th>
                <th scope="col">{t('bo.import.col.issueDate')}</th>
                <th scope="col">{t('bo.import.col.dueDate')}</th>
                <th scope="col" className="num">
                  {t('bo.import.col.amount')}
                </th>
                <th scope="col">{t('bo.import.col.result')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.row} data-row={row.row}>
                  <td className="num">{row.row}</td>
                  <td>{row.number}</td>
                  <td>{row.debtor}</td>
                  <td>{date(row.issueDate)}</td>
                  <td>{date(row.dueDate)}</td>
                  <td className="num">
                    {row.amountCents !== null ? formatMoney(row.amountCents, 'EUR', locale) : row.amountText}
                  </td>
                  <td>
                    <OutcomeBadge outcome={row.outcome} />
                    {row.messages.length > 0 ? (
                      <ul className="field-error small">
                        {row.messages.map((message, i) => (
                          <li key={i}>{t(message.key, message.params)}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {preview.hiddenRows > 0 ? (
        <p className="muted small">{tn('bo.import.preview.more', preview.hiddenRows)}</p>
      ) : null}
      {preview.payload && preview.summary ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value={INTENT.csvImport} />
          <input type="hidden" name="filename" value={preview.filename} />
          <input type="hidden" name="payload" value={preview.payload} />
          <button type="submit" disabled={busy}>
            {tn('bo.import.preview.confirm', preview.summary.outcomes.length)}
          </button>
          <Link to="/app/imports" className="button secondary">
            {t('bo.import.cancel')}
          </Link>
        </Form>
      ) : null}
    </section>
  );
}

function UblPreviewPanel({ preview }: { preview: UblPreview }) {
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const invoice = preview.invoice;
  return (
    <section className="stack" aria-labelledby="ubl-preview-title" data-testid="ubl-preview">
      <h3 id="ubl-preview-title">{t('bo.import.preview.title', { filename: preview.filename })}</h3>
      {preview.messages.length > 0 ? (
        <div className="alert error" role="alert">
          <Messages messages={preview.messages} />
          <p>{t('bo.import.nothingStored')}</p>
        </div>
      ) : null}
      {preview.warnings.length > 0 ? (
        <div className="alert warn">
          <ul>
            {preview.warnings.map((warning, i) => (
              <li key={i}>{t(warning.key, warning.params)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {invoice ? (
        <>
          <dl className="facts">
            <dt>{t('bo.import.ubl.number')}</dt>
            <dd>{invoice.number}</dd>
            <dt>{t('bo.import.ubl.customer')}</dt>
            <dd>{invoice.customer.name}</dd>
            <dt>{t('bo.import.ubl.customerRef')}</dt>
            <dd>{invoice.customer.externalRef}</dd>
            <dt>{t('bo.import.ubl.email')}</dt>
            <dd>{invoice.customer.email ?? '—'}</dd>
            <dt>{t('bo.import.ubl.address')}</dt>
            <dd>{invoice.customer.address ?? '—'}</dd>
            <dt>{t('bo.import.ubl.vat')}</dt>
            <dd>{invoice.customer.vatNumber ?? '—'}</dd>
            <dt>{t('bo.import.ubl.issueDate')}</dt>
            <dd>{formatDate(invoice.issueDate, locale)}</dd>
            <dt>{t('bo.import.ubl.dueDate')}</dt>
            <dd>{formatDate(invoice.dueDate, locale)}</dd>
            <dt>{t('bo.import.ubl.amount')}</dt>
            <dd className="amount">{money(invoice.payableCents)}</dd>
            <dt>{t('bo.import.ubl.paymentReference')}</dt>
            <dd>{invoice.paymentReference ?? t('bo.import.ubl.paymentReferenceGenerated')}</dd>
            <dt>{t('bo.import.ubl.pdf')}</dt>
            <dd>
              {invoice.pdf
                ? `${invoice.pdf.filename} (${Math.ceil(invoice.pdf.sizeBytes / 1024)} kB)`
                : t('bo.import.ubl.noPdf')}
            </dd>
            {preview.outcome ? (
              <>
                <dt>{t('bo.import.ubl.result')}</dt>
                <dd>
                  <OutcomeBadge outcome={preview.outcome} />
                </dd>
              </>
            ) : null}
          </dl>
          {invoice.lines.length > 0 ? (
            <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.import.ubl.lines')}>
              <table>
                <caption>{t('bo.import.ubl.lines')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('bo.import.ubl.line.description')}</th>
                    <th scope="col" className="num">
                      {t('bo.import.ubl.line.quantity')}
                    </th>
                    <th scope="col" className="num">
                      {t('bo.import.ubl.line.price')}
                    </th>
                    <th scope="col" className="num">
                      {t('bo.import.ubl.line.vat')}
                    </th>
                    <th scope="col" className="num">
                      {t('bo.import.ubl.line.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {invoice.lines.map((line, i) => (
                    <tr key={i}>
                      <td>{line.description}</td>
                      <td className="num">{line.quantity}</td>
                      <td className="num">{money(line.unitPriceCents)}</td>
                      <td className="num">{line.vatRatePercent}%</td>
                      <td className="num">{money(line.amountCents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
      {preview.payload && invoice ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value={INTENT.ublImport} />
          <input type="hidden" name="filename" value={preview.filename} />
          <input type="hidden" name="payload" value={preview.payload} />
          <button type="submit" disabled={busy}>
            {t('bo.import.ubl.confirm', { number: invoice.number })}
          </button>
          <Link to="/app/imports" className="button secondary">
            {t('bo.import.cancel')}
          </Link>
        </Form>
      ) : null}
    </section>
  );
}
