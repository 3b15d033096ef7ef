import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { collapseInvoiceHistory, formatSpan } from '~/modules/debtors/index';
import { getPortalInvoice } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { InvoiceActions } from '~/ui/portal/actions';
import { moneyEntryText } from '~/ui/portal/money-entry-text';
import { NextStepBlock } from '~/ui/portal/next-step-text';
import { StatusBadge } from '~/ui/portal/status-badge';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import { owedCents } from '~/modules/ledger/index';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.invoice.number} · ${data.organizationName}` : 'Voldaan' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const found = await getPortalInvoice(session, params.id ?? '');
  if (!found) notFound();
  return { ...found, organizationName: session.organization.name };
}

const TEMPLATES = ['friendly_reminder', 'second_reminder', 'final_notice', 'collection_handover'] as const;

export default function PortalInvoice() {
  const { invoice, lines, history, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const net = lines.reduce((sum, line) => sum + line.amountCents, 0);
  return (
    <div className="stack">
      <p>
        <Link to="/portal">← {t('portal.invoice.back')}</Link>
      </p>
      <div className="invoice-card-head">
        <h1>{t('portal.invoice.number', { number: invoice.number })}</h1>
        <StatusBadge invoice={invoice} />
      </div>
      {invoice.description ? <p className="muted">{invoice.description}</p> : null}
      <section className="card">
        <dl className="facts">
          <dt>{t('portal.invoice.issued')}</dt>
          <dd>{formatDate(invoice.issueDate, locale)}</dd>
          <dt>{t('portal.invoice.due')}</dt>
          <dd>{formatDate(invoice.dueDate, locale)}</dd>
          <dt>{t('portal.invoice.total')}</dt>
          <dd className="amount">{money(invoice.totalCents)}</dd>
          {invoice.costsCents > 0 ? (
            <>
              <dt>{t('portal.invoice.costs')}</dt>
              <dd className="amount">{money(invoice.costsCents)}</dd>
            </>
          ) : null}
          {invoice.interestCents > 0 ? (
            <>
              <dt>{t('portal.invoice.interest')}</dt>
              <dd className="amount">{money(invoice.interestCents)}</dd>
            </>
          ) : null}
          <dt>{t('portal.invoice.open')}</dt>
          <dd className="amount strong" data-testid="invoice-open">
            {money(owedCents(invoice))}
          </dd>
        </dl>
        {invoice.status === 'open' ? <NextStepBlock invoice={invoice} organizationName={organizationName} /> : null}
        <p className="spaced">
          <Link to={`/portal/invoices/${invoice.id}/question`}>{t('dispute.question.ask')}</Link>
        </p>
        <InvoiceActions invoice={invoice} />
        {/* Every invoice has a PDF: the creditor's, else one drawn from the invoice data. */}
        <p className="spaced">
          <a className="button secondary" href={`/portal/invoices/${invoice.id}/pdf`} download>
            {t('portal.invoice.pdf')}
          </a>
        </p>
      </section>
      {lines.length > 0 ? (
        <section className="card" aria-labelledby="lines-title">
          <h2 id="lines-title">{t('portal.invoice.lines')}</h2>
          <div className="table-wrap" tabIndex={0} role="group" aria-labelledby="lines-title">
            <table className="lines-table">
              <thead>
                <tr>
                  <th scope="col">{t('portal.invoice.line.description')}</th>
                  <th scope="col" className="num hide-sm">
                    {t('portal.invoice.line.quantity')}
                  </th>
                  <th scope="col" className="num hide-sm">
                    {t('portal.invoice.line.price')}
                  </th>
                  <th scope="col" className="num hide-sm">
                    {t('portal.invoice.line.vat')}
                  </th>
                  <th scope="col" className="num">
                    {t('portal.invoice.line.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line, i) => (
                  <tr key={i}>
                    <td>
                      {line.description}
                      <span className="line-detail">
                        {line.quantity} × {money(line.unitPriceCents)} · {t('portal.invoice.line.vat')}{' '}
                        {line.vatRatePercent}%
                      </span>
                    </td>
                    <td className="num hide-sm">{line.quantity}</td>
                    <td className="num amount hide-sm">{money(line.unitPriceCents)}</td>
                    <td className="num hide-sm">{line.vatRatePercent}%</td>
                    <td className="num amount">{money(line.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={4} className="num hide-sm">
                    {t('portal.invoice.subtotal')}
                  </th>
                  <th scope="row" className="num show-sm">
                    {t('portal.invoice.subtotal')}
                  </th>
                  <td className="num amount">{money(net)}</td>
                </tr>
                <tr>
                  <th scope="row" colSpan={4} className="num hide-sm">
                    {t('portal.invoice.vatTotal')}
                  </th>
                  <th scope="row" className="num show-sm">
                    {t('portal.invoice.vatTotal')}
                  </th>
                  <td className="num amount">{money(invoice.totalCents - net)}</td>
                </tr>
                <tr>
                  <th scope="row" colSpan={4} className="num hide-sm">
                    {t('portal.invoice.total')}
                  </th>
                  <th scope="row" className="num show-sm">
                    {t('portal.invoice.total')}
                  </th>
                  <td className="num amount strong">{money(invoice.totalCents)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </section>
      ) : null}
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{t('portal.invoice.history')}</h2>
        <ol className="timeline">
          {/* Abandoned payment attempts in a row read as one line (the same rule as the back office's timelines). */}
          {collapseInvoiceHistory(history).map((item, i) => {
            if (item.kind === 'abandoned_payments') {
              return (
                <li key={i} data-testid="history-abandoned-payments">
                  <span className="timeline-when">{formatSpan(item.from, item.to, locale)}</span>
                  <span>{tn('portal.history.abandonedPayments', item.count)}</span>
                </li>
              );
            }
            const entry = item.entry;
            return (
              <li key={i}>
                <span className="timeline-when">
                  {entry.kind === 'issued' ? formatDate(entry.at, locale) : formatDateTime(entry.at, locale)}
                </span>
                <span>
                  {entry.kind === 'issued'
                    ? t('portal.history.issued')
                    : entry.kind === 'reminder'
                      ? (TEMPLATES as readonly string[]).includes(entry.template)
                        ? t('portal.history.reminder', {
                            template: t(`portal.template.${entry.template as (typeof TEMPLATES)[number]}` as const),
                          })
                        : t('portal.history.email')
                      : entry.kind === 'money'
                        ? moneyEntryText(entry.entry, t, locale)
                        : `${t('portal.history.pause', { reason: t(`portal.pauseReason.${entry.reason}` as const) })}${
                            entry.liftedAt
                              ? ` · ${t('portal.history.pauseLifted')} ${formatDateTime(entry.liftedAt, locale)}`
                              : ''
                          }`}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
    </div>
  );
}
