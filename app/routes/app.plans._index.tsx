import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listProposals } from '~/modules/plans/index.server';
import { reasonText } from '~/modules/plans/index';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import { formatDate, formatDateTime, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import planStyles from '~/styles/plans.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: planStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const { queue, awaitingDebtor } = await listProposals(staff);
  return {
    title: translate(await getLocale(request), 'plan.bo.title'),
    isAdmin: hasRole(staff, 'admin'),
    queue: queue.map(({ plan, debtor, verdict }) => ({
      id: plan.id,
      createdAt: plan.createdAt.toISOString(),
      debtorName: debtor.name,
      debtorKind: debtor.kind,
      totalCents: plan.totalCents,
      payments: plan.installments.length,
      downPaymentCents: plan.downPaymentCents,
      installmentCount: plan.installmentCount,
      frequency: plan.frequency,
      firstDueDate: plan.firstDueDate,
      reasons: verdict.reasons,
    })),
    awaitingDebtor: awaitingDebtor.map(({ plan, debtor, respondBy }) => ({
      id: plan.id,
      debtorName: debtor.name,
      totalCents: plan.totalCents,
      installmentCount: plan.installmentCount,
      frequency: plan.frequency,
      respondBy,
    })),
  };
}

export default function PlanQueue() {
  const { queue, awaitingDebtor, isAdmin } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  return (
    <section className="stack plan-queue" aria-labelledby="queue-title">
      <div className="queue-head">
        <h1 id="queue-title">{t('plan.bo.title')}</h1>
        {isAdmin ? <Link to="/app/settings">{t('plan.bo.policyLink')}</Link> : null}
      </div>
      <h2>{t('plan.bo.queue')}</h2>
      <p className="muted">{t('plan.bo.queueIntro')}</p>
      {queue.length === 0 ? (
        <p className="card" role="status">
          {t('plan.bo.queueEmpty')}
        </p>
      ) : (
        <div className="table-wrap card" tabIndex={0} role="group" aria-label={t('plan.bo.queue')}>
          <table>
            <caption className="visually-hidden">{t('plan.bo.queue')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('plan.bo.col.received')}</th>
                <th scope="col">{t('plan.bo.col.debtor')}</th>
                <th scope="col" className="num">
                  {t('plan.bo.col.total')}
                </th>
                <th scope="col">{t('plan.bo.col.installments')}</th>
                <th scope="col">{t('plan.bo.col.first')}</th>
                <th scope="col">{t('plan.bo.col.why')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('plan.bo.decide')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queue.map((row) => (
                <tr key={row.id} data-testid="plan-queue-row">
                  <td>{formatDateTime(row.createdAt, locale)}</td>
                  <td>
                    {row.debtorName}
                    <div className="muted small">{t(`plan.bo.kind.${row.debtorKind}`)}</div>
                  </td>
                  <td className="num amount">{money(row.totalCents)}</td>
                  <td>
                    {row.installmentCount} × {t(`plan.frequencyShort.${row.frequency}`)}
                    {row.downPaymentCents > 0 ? (
                      <div className="muted small">
                        {t('plan.bo.downPayment')} {money(row.downPaymentCents)}
                      </div>
                    ) : null}
                  </td>
                  <td>{formatDate(row.firstDueDate, locale, 'short')}</td>
                  <td>
                    <ul className="reasons">
                      {row.reasons.map((r) => (
                        <li key={r.code}>{reasonText(t, locale, r)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <Link
                      to={`/app/plans/${row.id}`}
                      className="button"
                      aria-label={t('plan.bo.reviewLabel', { debtor: row.debtorName })}
                    >
                      {t('plan.bo.review')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {awaitingDebtor.length > 0 ? (
        <>
          <h2>{t('plan.bo.awaiting')}</h2>
          <div className="table-wrap card" tabIndex={0} role="group" aria-label={t('plan.bo.awaiting')}>
            <table>
              <caption className="visually-hidden">{t('plan.bo.awaiting')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('plan.bo.col.debtor')}</th>
                  <th scope="col" className="num">
                    {t('plan.bo.col.total')}
                  </th>
                  <th scope="col">{t('plan.bo.col.installments')}</th>
                  <th scope="col">{t('plan.bo.col.respondBy')}</th>
                </tr>
              </thead>
              <tbody>
                {awaitingDebtor.map((row) => (
                  <tr key={row.id}>
                    <td>
                      <Link to={`/app/plans/${row.id}`}>{row.debtorName}</Link>
                    </td>
                    <td className="num amount">{money(row.totalCents)}</td>
                    <td>
                      {row.installmentCount} × {t(`plan.frequencyShort.${row.frequency}`)}
                    </td>
                    <td>{formatDate(row.respondBy, locale, 'short')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
