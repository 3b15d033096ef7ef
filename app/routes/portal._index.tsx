import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getPortalOverview } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { InvoiceActions, OverviewActions } from '~/ui/portal/actions';
import { NextStepBlock } from '~/ui/portal/next-step-text';
import { StatusBadge } from '~/ui/portal/status-badge';
import { formatDate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { translate } from '~/utils/i18n';
import { formatMoney } from '~/utils/money';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const overview = await getPortalOverview(session);
  const locale = await getLocale(request);
  return {
    ...overview,
    title: translate(locale, 'portal.title', { organization: session.organization.name }),
    debtorName: session.debtor.name,
    organizationName: session.organization.name,
  };
}

export default function PortalOverview() {
  const { invoices, totals, debtorName, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  return (
    <div className="stack">
      <h1>{t('portal.greeting', { name: debtorName })}</h1>
      {totals.openCount === 0 ? (
        <section className="card all-paid" aria-labelledby="all-paid">
          <h2 id="all-paid">{t('portal.allPaid.title')}</h2>
          <p>{t('portal.allPaid.body', { organization: organizationName })}</p>
        </section>
      ) : (
        <section className="card summary" aria-labelledby="summary-title">
          <h2 id="summary-title" className="visually-hidden">
            {t('portal.title', { organization: organizationName })}
          </h2>
          <div className="summary-grid">
            <div>
              <p className="label">{t('portal.total.outstanding')}</p>
              <p className="big amount" data-testid="total-outstanding">
                {money(totals.outstandingCents)}
              </p>
            </div>
            <div>
              <p className="label">{t('portal.total.overdue')}</p>
              <p className={`big amount ${totals.overdueCents > 0 ? 'overdue' : ''}`} data-testid="total-overdue">
                {money(totals.overdueCents)}
              </p>
              <p className="small muted">
                {totals.overdueCount > 0
                  ? tn('portal.total.overdueCount', totals.openCount, { overdue: totals.overdueCount })
                  : t('portal.total.noneOverdue')}
              </p>
            </div>
          </div>
          {totals.creditCents > 0 ? (
            <p className="alert info">{t('portal.total.credit', { amount: money(totals.creditCents) })}</p>
          ) : null}
          <OverviewActions openCount={totals.openCount} overdueCount={totals.overdueCount} />
        </section>
      )}
      {invoices.length > 0 ? (
        <section aria-labelledby="invoices-title">
          <h2 id="invoices-title">{t('portal.invoices.heading')}</h2>
          <ul className="invoice-list">
            {invoices.map((invoice) => (
              <li key={invoice.id} className="card invoice-card">
                <div className="invoice-card-head">
                  <h3>
                    <Link
                      to={`/portal/invoices/${invoice.id}`}
                      aria-label={t('portal.invoice.details', { number: invoice.number })}
                    >
                      {t('portal.invoice.number', { number: invoice.number })}
                    </Link>
                  </h3>
                  <StatusBadge invoice={invoice} />
                </div>
                {invoice.description ? <p className="muted small">{invoice.description}</p> : null}
                <dl className="invoice-facts">
                  <div>
                    <dt>{t('portal.invoice.open')}</dt>
                    <dd className="amount strong">{money(invoice.openCents)}</dd>
                  </div>
                  <div>
                    <dt>{t('portal.invoice.due')}</dt>
                    <dd>{formatDate(invoice.dueDate, locale)}</dd>
                  </div>
                  <div>
                    <dt>{t('portal.invoice.total')}</dt>
                    <dd className="amount">{money(invoice.totalCents)}</dd>
                  </div>
                  <div>
                    <dt>{t('portal.invoice.issued')}</dt>
                    <dd>{formatDate(invoice.issueDate, locale)}</dd>
                  </div>
                </dl>
                <NextStepBlock invoice={invoice} organizationName={organizationName} />
                <InvoiceActions invoice={invoice} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
