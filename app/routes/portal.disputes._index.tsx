import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listDebtorDisputes } from '~/modules/disputes/index.server';
import { DisputeKindBadge, DisputeStatusBadge } from '~/modules/disputes/index';
import { requireDebtor } from '~/modules/links/index.server';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import disputeStyles from '~/styles/disputes.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  return {
    title: translate(await getLocale(request), 'dispute.list.titleAll'),
    disputes: await listDebtorDisputes(session),
  };
}

export default function PortalDisputes() {
  const { disputes } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="stack">
      <h1>{t('dispute.list.titleAll')}</h1>
      {disputes.length === 0 ? (
        <section className="card">
          <p>{t('dispute.list.emptyAll')}</p>
          <p>
            <Link to="/portal">{t('dispute.list.toOverview')}</Link>
          </p>
        </section>
      ) : (
        <ul className="invoice-list">
          {disputes.map((d) => (
            <li key={d.id} className="card invoice-card">
              <div className="invoice-card-head">
                <h2 className="h3">
                  <Link to={`/portal/disputes/${d.id}`}>
                    {t(d.kind === 'question' ? 'dispute.list.questionItem' : 'dispute.list.item', {
                      number: d.invoiceNumber,
                    })}
                  </Link>
                </h2>
                <span className="badges">
                  <DisputeKindBadge kind={d.kind} t={t} />{' '}
                  <DisputeStatusBadge status={d.status} outcome={d.outcome} kind={d.kind} viewer="debtor" t={t} />
                </span>
              </div>
              <dl className="invoice-facts">
                {d.kind === 'question' ? null : (
                  <>
                    <div>
                      <dt>{t('dispute.facts.reason')}</dt>
                      <dd>{t(`dispute.reason.${d.reason}`)}</dd>
                    </div>
                    <div>
                      <dt>{t('dispute.facts.amount')}</dt>
                      <dd className="amount">{formatMoney(d.disputedCents, d.currency, locale)}</dd>
                    </div>
                  </>
                )}
                <div>
                  <dt>{t('dispute.facts.reference')}</dt>
                  <dd>{d.reference}</dd>
                </div>
                <div>
                  <dt>{t('dispute.facts.opened')}</dt>
                  <dd>{formatDate(new Date(d.createdAt), locale)}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
