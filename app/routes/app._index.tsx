import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getDashboard, type AgeingBucket } from '~/modules/backoffice/index.server';
import { pauseReasonLabel } from '~/modules/debtors/index';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import { BarChart, LineChart, type Tone } from '~/ui/backoffice/charts';
import { Empty, flagReasonKey, useMoney } from '~/ui/backoffice/parts';
import { formatDate, localeTags, type Locale } from '~/utils/i18n';
import { formatCompactMoney, formatFixed } from '~/utils/money';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta = titleMeta('bo.dashboard.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const dashboard = await getDashboard(staff.organizationId);
  return { dashboard, canDecidePlans: hasRole(staff, 'finance'), canHandleDisputes: hasRole(staff, 'support') };
}

const AGE_TONES: Record<AgeingBucket, Tone> = {
  not_due: 'muted',
  d1_30: 'age1',
  d31_60: 'age2',
  d61_90: 'age3',
  d90_plus: 'age4',
};

// Axis labels and figures are written by our own formatters, not Intl's compact notation or its
// fraction options: Node and the browser would write them differently and the page would not hydrate.
const compactMoney = (locale: Locale) => (cents: number) => formatCompactMoney(cents, locale);
const oneDecimal = (locale: Locale) => (v: number) => formatFixed(v, locale, 1);

function monthLabel(day: string, locale: Locale, withYear = false) {
  return new Intl.DateTimeFormat(localeTags[locale], {
    month: 'short',
    ...(withYear ? { year: 'numeric' as const } : {}),
    timeZone: 'UTC',
  })
    .format(new Date(`${day}T12:00:00Z`))
    .replace('.', '');
}

export default function Dashboard() {
  const { dashboard: d, canDecidePlans, canHandleDisputes } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  const compact = compactMoney(locale);
  const dec = oneDecimal(locale);
  const latestDso = [...d.dso].reverse().find((p) => p.dso !== null) ?? null;
  const collectedTotal = d.collected.reduce((s, w) => s + w.cents, 0);
  const overdueShare = d.outstanding.cents > 0 ? Math.round((d.overdue.cents / d.outstanding.cents) * 100) : 0;
  const bucketLabel = (b: AgeingBucket) => t(`bo.ageing.${b}`);

  return (
    <div className="stack bo-page">
      <header className="bo-page-head">
        <div>
          <h1>{t('bo.dashboard.title')}</h1>
          <p className="muted small">{t('bo.dashboard.asOf', { date: formatDate(d.today, locale) })}</p>
        </div>
        <nav className="actions" aria-label={t('bo.dashboard.shortcuts')}>
          <Link className="button secondary" to="/app/debtors?filter=overdue">
            {t('bo.dashboard.toOverdueDebtors')}
          </Link>
          <Link className="button secondary" to="/app/invoices?status=overdue">
            {t('bo.dashboard.toOverdueInvoices')}
          </Link>
        </nav>
      </header>

      <section aria-labelledby="kpi-title">
        <h2 id="kpi-title" className="visually-hidden">
          {t('bo.dashboard.keyFigures')}
        </h2>
        <div className="grid cols-4 bo-kpis">
          <div className="stat" data-testid="kpi-outstanding">
            <div className="label">{t('bo.dashboard.outstanding')}</div>
            <div className="value amount">{money(d.outstanding.cents)}</div>
            <div className="small muted">
              {tn('bo.dashboard.invoices', d.outstanding.count)}
            </div>
          </div>
          <div className="stat stat-bad" data-testid="kpi-overdue">
            <div className="label">{t('bo.dashboard.overdue')}</div>
            <div className="value amount">{money(d.overdue.cents)}</div>
            <div className="small muted">
              {tn('bo.dashboard.overdueDetail', d.overdue.debtors, { share: overdueShare })}
            </div>
          </div>
          <div className="stat" data-testid="kpi-dso">
            <div className="label">{t('bo.dashboard.dso')}</div>
            <div className="value">
              {latestDso?.dso != null ? tn('bo.dashboard.days', latestDso.dso, { days: dec(latestDso.dso) }) : '—'}
            </div>
            <div className="small muted">{t('bo.dashboard.dsoHint')}</div>
          </div>
          <div className="stat" data-testid="kpi-collected">
            <div className="label">{t('bo.dashboard.collected12w')}</div>
            <div className="value amount">{money(collectedTotal)}</div>
            <div className="small muted">{t('bo.dashboard.collectedHint')}</div>
          </div>
        </div>
      </section>

      <section aria-labelledby="queues-title">
        <h2 id="queues-title" className="visually-hidden">
          {t('bo.dashboard.queues')}
        </h2>
        <div className="grid cols-3 bo-queues">
          <Link to="/app/plans" className="bo-queue" data-testid="queue-plans">
            <span className="bo-queue-count">{d.plansAwaiting.count}</span>
            <span>
              <strong>{t('bo.dashboard.plansAwaiting')}</strong>
              <span className="small muted">
                {d.plansAwaiting.count > 0
                  ? t('bo.dashboard.plansAwaitingAmount', { amount: money(d.plansAwaiting.cents) })
                  : t('bo.dashboard.nothingWaiting')}
                {canDecidePlans ? '' : ` · ${t('bo.dashboard.financeDecides')}`}
              </span>
            </span>
          </Link>
          <Link to="/app/disputes" className="bo-queue" data-testid="queue-disputes">
            <span className={`bo-queue-count${d.disputesAwaiting.pastTarget > 0 ? ' late' : ''}`}>
              {d.disputesAwaiting.count}
            </span>
            <span>
              <strong>{t('bo.dashboard.disputesAwaiting')}</strong>
              <span className="small muted">
                {d.disputesAwaiting.pastTarget > 0
                  ? tn('bo.dashboard.disputesLate', d.disputesAwaiting.pastTarget)
                  : d.disputesAwaiting.count > 0
                    ? t('bo.dashboard.disputesInTime')
                    : t('bo.dashboard.nothingWaiting')}
                {canHandleDisputes ? '' : ` · ${t('bo.dashboard.supportHandles')}`}
              </span>
            </span>
          </Link>
          <Link to="/app/debtors?filter=flagged" className="bo-queue" data-testid="queue-flagged">
            <span className={`bo-queue-count${d.flagged.count > 0 ? ' warn' : ''}`}>{d.flagged.count}</span>
            <span>
              <strong>{t('bo.dashboard.flagged')}</strong>
              <span className="small muted">{t('bo.dashboard.flaggedHint')}</span>
            </span>
          </Link>
        </div>
      </section>

      <section className="card" aria-labelledby="ageing-title">
        <h2 id="ageing-title">{t('bo.dashboard.ageingTitle')}</h2>
        <figure className="bo-figure bo-figure-split">
          <figcaption className="small muted">{t('bo.dashboard.ageingCaption')}</figcaption>
          <BarChart
            label={t('bo.dashboard.ageingAlt', {
              summary: d.ageing.map((a) => `${bucketLabel(a.bucket)}: ${money(a.cents)}`).join('; '),
            })}
            format={compact}
            bars={d.ageing.map((a) => ({
              label: t(`bo.ageing.short.${a.bucket}`),
              value: a.cents,
              tone: AGE_TONES[a.bucket],
            }))}
          />
          <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.dashboard.ageingTitle')}>
            <table data-testid="ageing-table">
              <caption className="visually-hidden">{t('bo.dashboard.ageingTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('bo.dashboard.bucket')}</th>
                  <th scope="col" className="num">
                    {t('bo.dashboard.invoices')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.dashboard.amount')}
                  </th>
                  <th scope="col" className="num">
                    {t('bo.dashboard.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.ageing.map((a) => (
                  <tr key={a.bucket}>
                    <th scope="row">
                      <span className={`bo-swatch tone-${AGE_TONES[a.bucket]}`} aria-hidden="true" />
                      {t(`bo.ageing.row.${a.bucket}`)}
                    </th>
                    <td className="num">{a.count}</td>
                    <td className="num amount">{money(a.cents)}</td>
                    <td className="num">
                      {d.outstanding.cents > 0 ? `${Math.round((a.cents / d.outstanding.cents) * 100)}%` : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('bo.dashboard.total')}</th>
                  <td className="num">{d.outstanding.count}</td>
                  <td className="num amount">{money(d.outstanding.cents)}</td>
                  <td className="num">{d.outstanding.cents > 0 ? '100%' : '—'}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </figure>
      </section>

      <div className="grid cols-2">
        <section className="card" aria-labelledby="dso-title">
          <h2 id="dso-title">{t('bo.dashboard.dsoTitle')}</h2>
          <figure className="bo-figure">
            <figcaption className="small muted">{t('bo.dashboard.dsoCaption')}</figcaption>
            <LineChart
              label={t('bo.dashboard.dsoAlt', {
                summary: d.dso
                  .map((p) => `${monthLabel(p.day, locale, true)}: ${p.dso === null ? '—' : dec(p.dso)}`)
                  .join('; '),
              })}
              format={(v) => String(Math.round(v))}
              points={d.dso.map((p) => ({
                label: monthLabel(p.day, locale),
                value: p.dso,
                valueLabel: p.dso === null ? undefined : t('bo.dashboard.daysShort', { days: dec(p.dso) }),
              }))}
              emptyText={t('bo.dashboard.noSales')}
            />
            <details className="bo-details">
              <summary>{t('bo.dashboard.showTable')}</summary>
              <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.dashboard.dsoTitle')}>
                <table data-testid="dso-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('bo.dashboard.measuredOn')}</th>
                      <th scope="col" className="num">
                        {t('bo.dashboard.receivables')}
                      </th>
                      <th scope="col" className="num">
                        {t('bo.dashboard.sales3m')}
                      </th>
                      <th scope="col" className="num">
                        {t('bo.dashboard.dsoShort')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.dso.map((p) => (
                      <tr key={p.day}>
                        <th scope="row">{formatDate(p.day, locale, 'short')}</th>
                        <td className="num amount">{money(p.receivablesCents)}</td>
                        <td className="num amount">{money(p.salesCents)}</td>
                        <td className="num">{p.dso === null ? '—' : dec(p.dso)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </figure>
        </section>

        <section className="card" aria-labelledby="collected-title">
          <h2 id="collected-title">{t('bo.dashboard.collectedTitle')}</h2>
          <figure className="bo-figure">
            <figcaption className="small muted">{t('bo.dashboard.collectedCaption')}</figcaption>
            <BarChart
              label={t('bo.dashboard.collectedAlt', {
                summary: d.collected.map((w) => `${w.week}: ${money(w.cents)}`).join('; '),
              })}
              format={compact}
              showValues={false}
              thinLabels
              emptyText={t('bo.dashboard.collectedNone')}
              bars={d.collected.map((w) => ({ label: w.week.slice(-3), value: w.cents, tone: 'brand' as const }))}
            />
            <details className="bo-details">
              <summary>{t('bo.dashboard.showTable')}</summary>
              <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.dashboard.collectedTitle')}>
                <table data-testid="collected-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('bo.dashboard.week')}</th>
                      <th scope="col" className="num">
                        {t('bo.dashboard.payments')}
                      </th>
                      <th scope="col" className="num">
                        {t('bank.dashboard.portal')}
                      </th>
                      <th scope="col" className="num">
                        {t('bank.dashboard.bank')}
                      </th>
                      <th scope="col" className="num">
                        {t('bank.dashboard.external')}
                      </th>
                      <th scope="col" className="num">
                        {t('bo.dashboard.amount')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.collected.map((w) => (
                      <tr key={w.week}>
                        <th scope="row">
                          {w.week} <span className="small muted">({formatDate(w.weekStart, locale, 'short')})</span>
                        </th>
                        <td className="num">{w.count}</td>
                        <td className="num amount">{money(w.portalCents)}</td>
                        <td className="num amount">{money(w.bankCents)}</td>
                        <td className="num amount">{money(w.externalCents)}</td>
                        <td className="num amount">{money(w.cents)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </figure>
        </section>
      </div>

      <div className="grid cols-2">
        <section className="card" aria-labelledby="paused-title">
          <h2 id="paused-title">{t('bo.dashboard.pausedTitle')}</h2>
          {d.paused.byReason.length === 0 ? (
            <Empty>{t('bo.dashboard.pausedNone')}</Empty>
          ) : (
            <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.dashboard.pausedTitle')}>
              <table data-testid="paused-table">
                <thead>
                  <tr>
                    <th scope="col">{t('bo.dashboard.reason')}</th>
                    <th scope="col" className="num">
                      {t('bo.dashboard.invoices')}
                    </th>
                    <th scope="col" className="num">
                      {t('bo.dashboard.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.paused.byReason.map((r) => (
                    <tr key={r.reason}>
                      <th scope="row">
                        <Link to={`/app/invoices?paused=${r.reason}`}>{pauseReasonLabel(r.reason, locale)}</Link>
                      </th>
                      <td className="num">{r.count}</td>
                      <td className="num amount">{money(r.cents)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('bo.dashboard.pausedTotal')}</th>
                    <td className="num">{d.paused.invoices}</td>
                    <td className="num amount">{money(d.paused.cents)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </section>

        <section className="card" aria-labelledby="flagged-title">
          <h2 id="flagged-title">{t('bo.dashboard.flaggedTitle')}</h2>
          {d.flagged.debtors.length === 0 ? (
            <Empty>{t('bo.dashboard.flaggedNone')}</Empty>
          ) : (
            <ul className="bo-list" data-testid="flagged-list">
              {d.flagged.debtors.map((f) => (
                <li key={f.id}>
                  <div>
                    <Link to={`/app/debtors/${f.id}`}>{f.name}</Link>
                    <div className="small muted">
                      {t(flagReasonKey(f.flaggedReason))} · {formatDate(f.flaggedAt, locale, 'short')}
                    </div>
                  </div>
                  <span className="amount">{f.overdueCents > 0 ? money(f.overdueCents) : ''}</span>
                </li>
              ))}
            </ul>
          )}
          {d.flagged.count > d.flagged.debtors.length ? (
            <p className="small">
              <Link to="/app/debtors?filter=flagged">{tn('bo.dashboard.flaggedAll', d.flagged.count)}</Link>
            </p>
          ) : null}
        </section>
      </div>
    </div>
  );
}
