import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import {
  AGE_FILTERS,
  ageParts,
  answerLastDay,
  DisputeKindBadge,
  DisputeStatusBadge,
  KIND_FILTERS,
  parseInboxFilters,
  STATUS_FILTERS,
} from '~/modules/disputes/index';
import { disputeStaff, listInbox } from '~/modules/disputes/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import disputeStyles from '~/styles/disputes.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'support');
  const filters = parseInboxFilters(new URL(request.url).searchParams);
  const [inbox, people] = await Promise.all([listInbox(staff, filters), disputeStaff(staff.organizationId)]);
  return {
    title: translate(await getLocale(request), 'dispute.inbox.titleAll'),
    filters,
    ...inbox,
    people,
    me: staff.id,
  };
}

export default function DisputeInbox() {
  const { filters, rows, targetHours, people, me } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const age = (ms: number) => {
    const { unit, count } = ageParts(ms);
    return tn(`dispute.age.${unit}`, count);
  };
  return (
    <section className="stack" aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('dispute.inbox.titleAll')}</h1>
      <p className="muted">{tn('dispute.inbox.intro', targetHours)}</p>
      <Form method="get" className="card inbox-filters" aria-label={t('dispute.inbox.filters')}>
        <div className="field">
          <label htmlFor="filter-kind">{t('dispute.inbox.kind')}</label>
          <select id="filter-kind" name="kind" defaultValue={filters.kind}>
            {KIND_FILTERS.map((k) => (
              <option key={k} value={k}>
                {t(`dispute.filter.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">{t('dispute.inbox.status')}</label>
          <select id="filter-status" name="status" defaultValue={filters.status}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`dispute.filter.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-age">{t('dispute.inbox.age')}</label>
          <select id="filter-age" name="age" defaultValue={filters.age}>
            {AGE_FILTERS.map((a) => (
              <option key={a} value={a}>
                {t(`dispute.filter.age.${a}`, { count: targetHours })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-assignee">{t('dispute.inbox.assignee')}</label>
          <select id="filter-assignee" name="assignee" defaultValue={filters.assignee}>
            <option value="any">{t('dispute.filter.assignee.any')}</option>
            <option value="me">{t('dispute.filter.assignee.me')}</option>
            <option value="none">{t('dispute.filter.assignee.none')}</option>
            {people
              .filter((p) => p.id !== me)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
          </select>
        </div>
        <div className="inbox-filter-submit">
          <button type="submit">{t('dispute.inbox.apply')}</button>
        </div>
      </Form>
      {rows.length === 0 ? (
        <p className="card" role="status">
          {t('dispute.inbox.empty')}
        </p>
      ) : (
        <div className="table-wrap card">
          <table className="inbox-table">
            <caption className="visually-hidden">{tn('dispute.inbox.caption', rows.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dispute.inbox.col.waiting')}</th>
                <th scope="col">{t('dispute.inbox.col.dispute')}</th>
                <th scope="col">{t('dispute.inbox.col.debtor')}</th>
                <th scope="col">{t('dispute.inbox.col.reason')}</th>
                <th scope="col" className="num">
                  {t('dispute.inbox.col.amount')}
                </th>
                <th scope="col">{t('dispute.inbox.col.status')}</th>
                <th scope="col">{t('dispute.inbox.col.assignee')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="inbox-row">
                  <td>
                    {r.level && r.waitingMs !== null ? (
                      <span
                        className={`badge ${r.level}`}
                        title={t(`dispute.level.${r.level}`, { hours: targetHours })}
                      >
                        {age(r.waitingMs)}
                        <span className="visually-hidden">
                          {' '}
                          ({t(`dispute.level.${r.level}`, { hours: targetHours })})
                        </span>
                      </span>
                    ) : r.status === 'awaiting_debtor' && r.waitingMs !== null ? (
                      <>
                        <span className="badge neutral">
                          {t('dispute.inbox.debtorTurn', { age: age(r.waitingMs) })}
                        </span>
                        {r.answerDueAt ? (
                          <div className="muted small">
                            {t('dispute.inbox.answerDue', {
                              date: formatDate(answerLastDay(r.answerDueAt), locale, 'short'),
                            })}
                          </div>
                        ) : null}
                      </>
                    ) : (
                      <span className="muted small">—</span>
                    )}
                  </td>
                  <td>
                    <DisputeKindBadge kind={r.kind} t={t} />{' '}
                    <Link to={`/app/disputes/${r.id}`}>{t('dispute.inbox.rowLink', { number: r.invoiceNumber })}</Link>
                    <div className="muted small">
                      {r.reference} · {formatDate(new Date(r.createdAt), locale, 'short')}
                    </div>
                  </td>
                  <td>{r.debtorName}</td>
                  <td>{r.kind === 'question' ? <span className="muted">—</span> : t(`dispute.reason.${r.reason}`)}</td>
                  <td className="num amount">
                    {r.kind === 'question' ? (
                      <span className="muted">—</span>
                    ) : (
                      formatMoney(r.disputedCents, r.currency, locale)
                    )}
                  </td>
                  <td>
                    <DisputeStatusBadge status={r.status} outcome={r.outcome} kind={r.kind} viewer="staff" t={t} />
                  </td>
                  <td>
                    {r.mine
                      ? t('dispute.inbox.me')
                      : (r.assigneeName ?? <span className="muted">{t('dispute.inbox.nobody')}</span>)}
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
