import { isUuid } from '~/utils/ids';
/** Pure rules of the support inbox: filters and how urgent a waiting dispute looks. */

export const STATUS_FILTERS = [
  'active',
  'waiting',
  'open',
  'awaiting_support',
  'awaiting_debtor',
  'closed',
  'all',
] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const AGE_FILTERS = ['any', 'over_target', 'over_week'] as const;
export type AgeFilter = (typeof AGE_FILTERS)[number];

/** Disputes and questions share the inbox; staff may look at one kind only. */
export const KIND_FILTERS = ['any', 'dispute', 'question'] as const;
export type KindFilter = (typeof KIND_FILTERS)[number];

export type InboxFilters = {
  status: StatusFilter;
  age: AgeFilter;
  assignee: 'any' | 'me' | 'none' | string;
  kind: KindFilter;
};

/** Reads the inbox's query string; anything unknown falls back to the default. */
export function parseInboxFilters(params: URLSearchParams): InboxFilters {
  const status = params.get('status');
  const age = params.get('age');
  const assignee = params.get('assignee') ?? 'any';
  const kind = params.get('kind');
  return {
    kind: (KIND_FILTERS as readonly string[]).includes(kind ?? '') ? (kind as KindFilter) : 'any',
    status: (STATUS_FILTERS as readonly string[]).includes(status ?? '') ? (status as StatusFilter) : 'active',
    age: (AGE_FILTERS as readonly string[]).includes(age ?? '') ? (age as AgeFilter) : 'any',
    assignee: ['any', 'me', 'none'].includes(assignee) || isUuid(assignee) ? assignee : 'any',
  };
}

export type AgeLevel = 'ok' | 'warn' | 'bad';

/** Against the organisation's target: calm below three quarters of it, a warning up to it, late after. */
export function ageLevel(waitingMs: number, targetHours: number): AgeLevel {
  const target = Math.max(1, targetHours) * 3_600_000;
  if (waitingMs >= target) return 'bad';
  if (waitingMs >= target * 0.75) return 'warn';
  return 'ok';
}

/** A waiting time in the largest whole unit that reads well: minutes, hours, then days. */
export function ageParts(waitingMs: number): { unit: 'minutes' | 'hours' | 'days'; count: number } {
  const minutes = Math.max(0, Math.floor(waitingMs / 60_000));
  if (minutes < 60) return { unit: 'minutes', count: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { unit: 'hours', count: hours };
  return { unit: 'days', count: Math.floor(hours / 24) };
}
