import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import {
  INVOICE_STATUS_FILTERS,
  type InvoiceStatusFilter,
  PAUSE_FILTERS,
  type PauseFilter,
} from '~/modules/backoffice/index';
import { pageFrom } from '~/utils/search';
import { pauseReasonLabel } from '~/modules/debtors/index';
import { listInvoices, maxDunningStage } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import { Empty, InvoiceStatusBadge, Pagination, PauseBadges, useMoney } from '~/ui/backoffice/parts';
import { formatDate } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta = titleMeta('bo.invoices.title');

const oneOf = <T extends string>(list: readonly T[], value: string | null, fallback: T): T =>
  (list as readonly string[]).includes(value ?? '') ? (value as T) : fallback;

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const status = oneOf(INVOICE_STATUS_FILTERS, url.searchParams.get('status'), 'all');
  const paused = oneOf(PAUSE_FILTERS, url.searchParams.get('paused'), 'any');
  const stageText = url.searchParams.get('stage') ?? '';
  const stage = /^\d{1,2}$/.test(stageText) ? Number(stageText) : null;
  const page = pageFrom(url.searchParams.get('page'));
  const [result, maxStage] = await Promise.all([
    listInvoices(staff.organizationId, { q, status, stage, paused, page }),
    maxDunningStage(staff.organizationId),
  ]);
  return { q, status, paused, stage, maxStage: Math.max(maxStage, 4), ...result };
}

type Filters = { q: string; status: InvoiceStatusFilter; paused: PauseFilter; stage: number | null };

function href(f: Filters, page = 1) {
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.status !== 'all') params.set('status', f.status);
  if (f.stage !== null) params.set('stage', String(f.stage));
  if (f.paused !== 'any') params.set('paused', f.paused);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return `/app/invoices${s ? `?${s}` : ''}`;
}

export default function Invoices() {
  const { q, status, paused, stage, maxStage, rows, total, page, pageCount } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  const filters: Filters = { q, status, paused, stage };
  const filtered = q || status !== 'all' || paused !== 'any' || stage !== null;
  return (
    <div className="stack bo-page">
      <header className="bo-page-head">
        <h1>{t('bo.invoices.title')}</h1>
      </header>
      <Form method="get" className="bo-filters card" role="search">
        <div className="field">
          <label htmlFor="q">{t('bo.invoices.search')}</label>
          <input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="status">{t('bo.invoices.status')}</label>
          <select id="status" name="status" defaultValue={status}>
            {INVOICE_STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`bo.invoices.filter.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="stage">{t('bo.invoices.stage')}</label>
          <select id="stage" name="stage" defaultValue={stage === null ? '' : String(stage)}>
            <option value="">{t('bo.invoices.stageAny')}</option>
            {Array.from({ length: maxStage + 1 }, (_, n) => (
              <option key={n} value={n}>
                {n === 0 ? t('bo.invoices.stageNone') : t('bo.invoices.stageN', { n })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="paused">{t('bo.invoices.paused')}</label>
          <select id="paused" name="paused" defaultValue={paused}>
            {PAUSE_FILTERS.map((p) => (
              <option key={p} value={p}>
                {p === 'any' || p === 'none' || p === 'paused'
                  ? t(`bo.invoices.pausedFilter.${p}`)
                  : pauseReasonLabel(p, locale)}
              </option>
            ))}
          </select>
        </div>
        <div className="bo-filters-submit">
          <button type="submit">{t('bo.list.apply')}</button>
          {filtered ? (
            <Link to="/app/invoices" className="button quiet">
              {t('bo.list.reset')}
            </Link>
          ) : null}
        </div>
      </Form>
      <section className="card" aria-labelledby="invoice-results">
        <h2 id="invoice-results" className="visually-hidden">
          {t('bo.list.results')}
        </h2>
        {rows.length === 0 ? (
          <Empty>{t('bo.invoices.none')}</Empty>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.invoices.title')}>
            <table className="bo-table" data-testid="invoice-table">
              <thead>
                <tr>
                  <th scope="col">{t('bo.invoices.col.number')}</th>
                  <th scope="col">{t('bo.invoices.col.debtor')}</th>
                  <th scope="col">{t('bo.invoices.col.due')}</th>
                  <th scope="col" className="num">
                    {t('bo.invoices.col.total')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.invoices.col.open')}
                  </th>
                  <th scope="col">{t('bo.invoices.col.status')}</th>
                  <th scope="col" className="num">
                    {t('bo.invoices.col.stage')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link to={`/app/invoices/${i.id}`} className="bo-strong-link">
                        {i.number}
                      </Link>
                    </td>
                    <td>
                      <Link to={`/app/debtors/${i.debtorId}`}>{i.debtorName}</Link>
                    </td>
                    <td>{formatDate(i.dueDate, locale, 'short')}</td>
                    <td className="num amount">{money(i.totalCents)}</td>
                    <td className="num amount">{money(i.openCents)}</td>
                    <td className="bo-badges">
                      <InvoiceStatusBadge status={i.status} overdueDays={i.overdueDays} />
                      <PauseBadges reasons={i.pauseReasons} />
                    </td>
                    <td className="num">{i.dunningStage}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page} pageCount={pageCount} total={total} hrefFor={(p) => href(filters, p)} />
      </section>
    </div>
  );
}
