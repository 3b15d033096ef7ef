/**
 * Abandoned payment attempts, collapsed. Every checkout a debtor opens and leaves pauses the
 * invoices it covers ("payment on its way") and resumes them when the checkout expires, fails or
 * is cancelled: on its own that is two lines of history per attempt, and six attempts bury the
 * rest. A run of such attempts that ended without a payment, with nothing else in between, reads
 * as one line ("3 betaalpogingen afgebroken") with the time it spans; every other entry stays.
 *
 * Pure and browser-safe: the one rule behind the portal's invoice history and the back office's
 * debtor and invoice timelines (one adapter per shape of history below, one collapsing core).
 */
import { amsterdamDate } from '~/utils/clock';
import { formatDate, formatDateTime, type Locale } from '~/utils/i18n';
import type { TimelineEvent } from './timeline';

/** How a payment_pending pause ends when the payment did not happen (as dunning's lifts name it). */
export const ABANDONED_PAYMENT_ENDINGS: ReadonlySet<string> = new Set([
  'payment_expired',
  'payment_canceled',
  'payment_failed',
  'checkout_failed',
]);

/** The payment statuses that end an attempt without money. */
const ABANDONED_PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  'payment.expired',
  'payment.canceled',
  'payment.failed',
]);

/** The events of a payment's life up to its end without money: part of the attempt. */
const ATTEMPT_PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  'payment.started',
  'payment.pending',
  ...ABANDONED_PAYMENT_EVENTS,
]);

/** An entry's part in a payment attempt: which attempt, and whether that attempt ended without a payment. */
export type AttemptPart = { attempt: string; abandoned: boolean };

export type AbandonedRun<T> = {
  kind: 'abandoned_payments';
  /** Distinct attempts in the run. */
  count: number;
  /** The earliest and the latest moment of the run (ISO). */
  from: string;
  to: string;
  entries: T[];
};
export type Collapsed<T> = { kind: 'entry'; entry: T } | AbandonedRun<T>;

/**
 * The core: entries in the order shown (newest first or oldest first), each maybe part of an
 * attempt. Consecutive entries of abandoned attempts become one run, provided every attempt in it
 * lies wholly inside it (an attempt split by another entry is kept as it is); the rest pass through.
 */
export function collapseAbandonedAttempts<T>(
  entries: readonly T[],
  partOf: (entry: T, index: number) => AttemptPart | null,
  span: (entry: T) => { from: string; to: string },
): Collapsed<T>[] {
  const parts = entries.map((e, i) => partOf(e, i));
  const candidate = parts.map((p) => p !== null && p.abandoned);
  // Drop attempts whose entries do not all sit in one run, until every run holds whole attempts.
  for (;;) {
    const runOf = new Map<string, Set<number>>();
    let run = 0;
    candidate.forEach((c, i) => {
      if (!c) {
        run += 1;
        return;
      }
      const id = parts[i]!.attempt;
      const runs = runOf.get(id) ?? new Set<number>();
      runs.add(run);
      runOf.set(id, runs);
    });
    const split = new Set([...runOf].filter(([, runs]) => runs.size > 1).map(([id]) => id));
    if (split.size === 0) break;
    candidate.forEach((c, i) => {
      if (c && split.has(parts[i]!.attempt)) candidate[i] = false;
    });
  }
  const out: Collapsed<T>[] = [];
  let current: { entries: T[]; attempts: Set<string>; from: string; to: string } | null = null;
  const close = () => {
    if (current) {
      out.push({
        kind: 'abandoned_payments',
        count: current.attempts.size,
        from: current.from,
        to: current.to,
        entries: current.entries,
      });
    }
    current = null;
  };
  entries.forEach((entry, i) => {
    if (!candidate[i]) {
      close();
      out.push({ kind: 'entry', entry });
      return;
    }
    const { from, to } = span(entry);
    current ??= { entries: [], attempts: new Set(), from, to };
    current.entries.push(entry);
    current.attempts.add(parts[i]!.attempt);
    if (from < current.from) current.from = from;
    if (to > current.to) current.to = to;
  });
  close();
  return out;
}

/** The portal's invoice history: one entry per pause, with when and why it ended. */
export type PauseHistoryEntry = {
  kind: string;
  at: string;
  reason?: string;
  liftedAt?: string | null;
  liftedReason?: string | null;
};

/**
 * An invoice's history as the debtor reads it: each payment_pending pause lifted because its
 * payment expired, failed or was cancelled is one abandoned attempt.
 */
export function collapseInvoiceHistory<T extends PauseHistoryEntry>(history: readonly T[]): Collapsed<T>[] {
  return collapseAbandonedAttempts(
    history,
    (entry, index) =>
      entry.kind === 'pause' &&
      entry.reason === 'payment_pending' &&
      entry.liftedAt &&
      entry.liftedReason &&
      ABANDONED_PAYMENT_ENDINGS.has(entry.liftedReason)
        ? { attempt: `pause-${index}`, abandoned: true }
        : null,
    (entry) => ({ from: entry.at, to: entry.liftedAt ?? entry.at }),
  );
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * Which attempt each audit event belongs to. An attempt is a payment: its start and end
 * (`payment.*`), the payment_pending pauses it placed (`dunning.paused`, source = the payment) and
 * the resumes that lifted them (`dunning.resumed` carries no source: it is paired, per invoice,
 * with the oldest payment pause still open there). An attempt is abandoned when it ended without
 * money: a payment ending expired, failed or cancelled, or a resume for one of those reasons, and
 * nothing that says it was paid.
 */
function attemptParts(events: readonly TimelineEvent[]) {
  const attemptOf = new Map<number, string>();
  const abandoned = new Set<string>();
  const paid = new Set<string>();
  const open = new Map<string, string[]>();
  const chronological = [...events].sort((a, b) => (a.at === b.at ? a.id - b.id : a.at < b.at ? -1 : 1));
  for (const e of chronological) {
    const data = e.data ?? {};
    if (e.action === 'dunning.paused' && data.reason === 'payment_pending' && e.invoiceId) {
      const payment = text(data.sourceId) ?? `pause-${e.id}`;
      attemptOf.set(e.id, payment);
      open.set(e.invoiceId, [...(open.get(e.invoiceId) ?? []), payment]);
    } else if (
      e.action === 'dunning.resumed' &&
      e.invoiceId &&
      Array.isArray(data.reasons) &&
      data.reasons.length > 0 &&
      data.reasons.every((r) => r === 'payment_pending')
    ) {
      const queue = open.get(e.invoiceId) ?? [];
      const payment = queue.shift() ?? `resume-${e.id}`;
      attemptOf.set(e.id, payment);
      const why = text(data.liftedReason) ?? '';
      if (ABANDONED_PAYMENT_ENDINGS.has(why)) abandoned.add(payment);
      else paid.add(payment);
    } else if (e.entityType === 'payment' && ATTEMPT_PAYMENT_EVENTS.has(e.action)) {
      attemptOf.set(e.id, e.entityId);
      if (ABANDONED_PAYMENT_EVENTS.has(e.action)) abandoned.add(e.entityId);
    } else if (e.entityType === 'payment' && e.action === 'payment.paid') {
      paid.add(e.entityId);
    }
  }
  for (const p of paid) abandoned.delete(p);
  return { attemptOf, abandoned };
}

/** A staff timeline (a debtor's or an invoice's), newest first, with abandoned attempts collapsed. */
export function collapseTimeline(events: readonly TimelineEvent[]): Collapsed<TimelineEvent>[] {
  const { attemptOf, abandoned } = attemptParts(events);
  return collapseAbandonedAttempts(
    events,
    (e) => {
      const attempt = attemptOf.get(e.id);
      return attempt === undefined ? null : { attempt, abandoned: abandoned.has(attempt) };
    },
    (e) => ({ from: e.at, to: e.at }),
  );
}

const clockTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** "09:05" in Amsterdam, from the numbers alone (the same on the server and in every browser). */
function hhmm(at: string) {
  const parts = Object.fromEntries(clockTime.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute}`;
}

/** The time a run spans: one moment, one day with two times, or two moments. */
export function formatSpan(from: string, to: string, locale: Locale): string {
  if (from === to) return formatDateTime(from, locale);
  if (amsterdamDate(new Date(from)) === amsterdamDate(new Date(to))) {
    return `${formatDate(new Date(from), locale, 'short')} ${hhmm(from)}–${hhmm(to)}`;
  }
  return `${formatDateTime(from, locale)} – ${formatDateTime(to, locale)}`;
}
