import { Link } from '@remix-run/react';
import { describeEvent, type TimelineEvent } from '~/modules/debtors/index';
import { formatDate, localeTags } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';

/**
 * One timeline of audit events, newest first, grouped by day (Europe/Amsterdam). Each line says
 * what happened, who did it and when; on a debtor's timeline the invoice it concerns links on.
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
  // One action done to several invoices at once (a hold, a resume) reads as one line with
  // each invoice named, instead of one line per invoice.
  type Entry = { event: TimelineEvent; invoices: { id: string; number: string }[] };
  const groups: { day: string; entries: Entry[] }[] = [];
  for (const e of events) {
    const day = dayOf.format(new Date(e.at));
    let last = groups[groups.length - 1];
    if (last?.day !== day) {
      last = { day, entries: [] };
      groups.push(last);
    }
    const invoice = e.invoiceId && e.invoiceNumber ? { id: e.invoiceId, number: e.invoiceNumber } : null;
    const previous = last.entries[last.entries.length - 1];
    const sameBatch =
      linkInvoices &&
      previous &&
      invoice &&
      previous.invoices.length > 0 &&
      previous.event.action === e.action &&
      previous.event.actorType === e.actorType &&
      previous.event.actorId === e.actorId &&
      JSON.stringify(previous.event.data) === JSON.stringify(e.data) &&
      Math.abs(Date.parse(previous.event.at) - Date.parse(e.at)) < 60_000;
    if (sameBatch) previous.invoices.push(invoice);
    else last.entries.push({ event: e, invoices: invoice ? [invoice] : [] });
  }
  return (
    <div className="bo-timeline" data-testid="timeline">
      {groups.map((g) => (
        <section key={g.day} aria-label={formatDate(g.day, locale)}>
          <h3 className="bo-timeline-day">{formatDate(g.day, locale)}</h3>
          <ol>
            {g.entries.map(({ event: e, invoices }) => {
              const line = describeEvent(e, locale);
              return (
                <li key={e.id} className={`tone-${line.tone}`}>
                  <span className="bo-timeline-dot" aria-hidden="true" />
                  <div>
                    <p className="bo-timeline-text">
                      {line.text}
                      {linkInvoices
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
                        : null}
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
