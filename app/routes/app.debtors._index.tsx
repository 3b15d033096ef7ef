import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { listDebtors } from '~/modules/debtors/index.server';
import { DEBTOR_FILTERS, type DebtorFilter } from '~/modules/debtors/index';
import { pageFrom } from '~/utils/search';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import { Empty, flagReasonKey, Pagination, useMoney } from '~/ui/backoffice/parts';
import { formatDate } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta = titleMeta('bo.debtors.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const rawFilter = url.searchParams.get('filter');
  const filter: DebtorFilter = (DEBTOR_FILTERS as readonly string[]).includes(rawFilter ?? '')
    ? (rawFilter as DebtorFilter)
    : 'all';
  const page = pageFrom(url.searchParams.get('page'));
  const result = await listDebtors(staff.organizationId, { q, filter, page });
  return { q, filter, ...result };
}

function href(q: string, filter: DebtorFilter, page = 1) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (filter !== 'all') params.set('filter', filter);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return `/app/debtors${s ? `?${s}` : ''}`;
}

export default function Debtors() {
  const { q, filter, rows, total, page, pageCount } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  return (
    <div className="stack bo-page">
      <header className="bo-page-head">
        <h1>{t('bo.debtors.title')}</h1>
      </header>
      <Form method="get" className="bo-filters card" role="search">
        <div className="field">
          <label htmlFor="q">{t('bo.debtors.search')}</label>
          <input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="filter">{t('bo.list.show')}</label>
          <select id="filter" name="filter" defaultValue={filter}>
            {DEBTOR_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`bo.debtors.filter.${f}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="bo-filters-submit">
          <button type="submit">{t('bo.list.apply')}</button>
          {q || filter !== 'all' ? (
            <Link to="/app/debtors" className="button quiet">
              {t('bo.list.reset')}
            </Link>
          ) : null}
        </div>
      </Form>
      <nav className="bo-tabs" aria-label={t('bo.list.quickFilters')}>
        {DEBTOR_FILTERS.map((f) => (
          <Link key={f} to={href(q, f)} aria-current={f === filter ? 'page' : undefined}>
            {t(`bo.debtors.filter.${f}`)}
          </Link>
        ))}
      </nav>
      <section className="card" aria-labelledby="debtors-results">
        <h2 id="debtors-results" className="visually-hidden">
          {t('bo.list.results')}
        </h2>
        {rows.length === 0 ? (
          <Empty>{t('bo.debtors.none')}</Empty>
        ) : (
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.debtors.title')}>
            <table className="bo-table" data-testid="debtor-table">
              <thead>
                <tr>
                  <th scope="col">{t('bo.debtors.col.debtor')}</th>
                  <th scope="col">{t('bo.debtors.col.kind')}</th>
                  <th scope="col" className="num">
                    {t('bo.debtors.col.open')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.debtors.col.overdue')}
                  </th>
                  <th scope="col">{t('bo.debtors.col.oldest')}</th>
                  <th scope="col">{t('bo.debtors.col.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/app/debtors/${d.id}`} className="bo-strong-link">
                        {d.name}
                      </Link>
                      <div className="small muted">
                        {d.externalRef ? `${d.externalRef} · ` : ''}
                        {d.email}
                      </div>
                    </td>
                    <td>{t(`bo.kind.${d.kind}`)}</td>
                    <td className="num amount">{money(d.openCents)}</td>
                    <td className={`num amount${d.overdueCents > 0 ? ' bo-bad' : ''}`}>{money(d.overdueCents)}</td>
                    <td>{d.oldestDueDate ? formatDate(d.oldestDueDate, locale, 'short') : '—'}</td>
                    <td className="bo-badges">
                      {d.flagged ? <span className="badge warn">{t(flagReasonKey(d.flaggedReason))}</span> : null}
                      {d.emailBlocked ? <span className="badge bad">{t('bo.debtor.emailBlocked')}</span> : null}
                      {d.pausedCount > 0 ? (
                        <span className="badge info">{tn('bo.debtors.pausedCount', d.pausedCount)}</span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page} pageCount={pageCount} total={total} hrefFor={(p) => href(q, filter, p)} />
      </section>
    </div>
  );
}
