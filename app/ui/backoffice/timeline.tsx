import { Link } from '@remix-run/react';
import { collapseTimeline, describeEvent, formatSpan, type TimelineEvent } from '~/modules/debtors/index';
import { formatDate, localeTags } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';

type InvoiceRef = { id: string; number: string };
// One action done to several invoices at once (a hold, a resume) reads as one line with each
// invoice named; a run of abandoned payment attempts reads as one line with the time it spans.
type Entry =
  | { kind: 'event'; event: TimelineEvent; invoices: InvoiceRef[] }
  | { kind: 'abandoned'; key: string; count: number; from: string; to: string; invoices: InvoiceRef[] };

function invoiceOf(e: TimelineEvent): InvoiceRef | null {
  return e.invoiceId && e.invoiceNumber ? { id: e.invoiceId, number: e.invoiceNumber } : null;
}

/**
 * One timeline of audit events, newest first, grouped by day (Europe/Amsterdam). Each line says
 * what happened, who did it and when; on a debtor's timeline the invoice it concerns links on.
 * Abandoned payment attempts in a row collapse into one line (collapseTimeline).
 */
export function Timeline({
  events,
  linkInvoices,
  limit,
}: {
  events: TimelineEvent[];
  linkInvoices: boolean;
  limit: number;
}) {
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  if (events.length === 0) return <p className="muted">{t('bo.timeline.empty')}</p>;
  const time = new Intl.DateTimeFormat(localeTags[locale], {
    timeZone: 'Europe/Amsterdam',
    hour: '2-digit',
    minute: '2-digit',
  });
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const groups: { day: string; entries: Entry[] }[] = [];
  const groupFor = (at: string) => {
    const day = dayOf.format(new Date(at));
    let last = groups[groups.length - 1];
    if (last?.day !== day) {
      last = { day, entries: [] };
      groups.push(last);
    }
    return last;
  };
  for (const item of collapseTimeline(events)) {
    if (item.kind === 'abandoned_payments') {
      const invoices = new Map<string, InvoiceRef>();
      for (const e of item.entries) {
        const invoice = invoiceOf(e);
        if (invoice) invoices.set(invoice.id, invoice);
      }
      // Newest first: the run sits on the day it ended.
      groupFor(item.to).entries.push({
        kind: 'abandoned',
        key: `abandoned-${item.entries[0]!.id}`,
        count: item.count,
        from: item.from,
        to: item.to,
        invoices: [...invoices.values()],
      });
      continue;
    }
    const e = item.entry;
    const last = groupFor(e.at);
    const invoice = invoiceOf(e);
    const previous = last.entries[last.entries.length - 1];
    const sameBatch =
      linkInvoices &&
      previous?.kind === 'event' &&
      invoice &&
      previous.invoices.length > 0 &&
      previous.event.action === e.action &&
      previous.event.actorType === e.actorType &&
      previous.event.actorId === e.actorId &&
      JSON.stringify(previous.event.data) === JSON.stringify(e.data) &&
      Math.abs(Date.parse(previous.event.at) - Date.parse(e.at)) < 60_000;
    if (sameBatch) previous.invoices.push(invoice);
    else last.entries.push({ kind: 'event', event: e, invoices: invoice ? [invoice] : [] });
  }
  const chips = (invoices: InvoiceRef[]) =>
    linkInvoices
      ? [...invoices]
          .sort((a, b) => a.number.localeCompare(b.number))
          .map((i) => (
            <span key={i.id}>
              {' '}
              <Link to={`/app/invoices/${i.id}`} className="bo-chip">
                {i.number}
              </Link>
            </span>
          ))
      : null;
  return (
    <div className="bo-timeline" data-testid="timeline">
      {groups.map((g) => (
        <section key={g.day} aria-label={formatDate(g.day, locale)}>
          <h3 className="bo-timeline-day">{formatDate(g.day, locale)}</h3>
          <ol>
            {g.entries.map((entry) => {
              if (entry.kind === 'abandoned') {
                return (
                  <li key={entry.key} className="tone-neutral" data-testid="timeline-abandoned-payments">
                    <span className="bo-timeline-dot" aria-hidden="true" />
                    <div>
                      <p className="bo-timeline-text">
                        {tn('bo.tl.abandonedPayments', entry.count)}
                        {chips(entry.invoices)}
                      </p>
                      <p className="small muted">
                        {formatSpan(entry.from, entry.to, locale)} · {t('bo.tl.abandonedPaymentsHint')}
                      </p>
                    </div>
                  </li>
                );
              }
              const { event: e, invoices } = entry;
              const line = describeEvent(e, locale);
              return (
                <li key={e.id} className={`tone-${line.tone}`}>
                  <span className="bo-timeline-dot" aria-hidden="true" />
                  <div>
                    <p className="bo-timeline-text">
                      {line.text}
                      {chips(invoices)}
                    </p>
                    <p className="small muted">
                      <time dateTime={e.at}>{time.format(new Date(e.at))}</time> · {line.actor}
                    </p>
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
      {events.length >= limit ? <p className="small muted">{tn('bo.timeline.limited', limit)}</p> : null}
    </div>
  );
}
