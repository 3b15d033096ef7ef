/**
 * Turns audit events into one human-readable, translated line each. Pure (no data access), so
 * the route renders it in the reader's language and tests can check the wording.
 */
import {
  formatDate,
  formatDateTime,
  translate,
  type Locale,
  type MessageKey,
  type Params,
  type TextKey,
} from '~/utils/i18n';
import { providerLabel } from '~/utils/i18n/labels';
import { formatMoney } from '~/utils/money';

/** The newest events shown on one page; older ones stay in the audit log. */
export const TIMELINE_LIMIT = 200;

export type TimelineEvent = {
  id: number;
  at: string;
  action: string;
  entityType: string;
  entityId: string;
  actorType: 'debtor' | 'staff' | 'system' | 'provider' | 'api';
  actorId: string | null;
  /** Staff member's name, API key's name or debtor's name, when the actor is one of those. */
  actorName: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  data: Record<string, unknown> | null;
};

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';
export type TimelineLine = { text: string; actor: string; tone: Tone };

/** A counted key (`x.one` / `x.other`) takes its form from the event's `count`. */
type Rule = { key: TextKey; tone: Tone };

/** Exact actions we know how to say. Anything else falls back to a readable generic line. */
const RULES: Record<string, Rule> = {
  'invoice.created': { key: 'bo.tl.invoice.created', tone: 'neutral' },
  'invoice.updated': { key: 'bo.tl.invoice.updated', tone: 'neutral' },
  'invoice.pdf_attached': { key: 'bo.tl.invoice.pdf_attached', tone: 'neutral' },
  'invoice.paid': { key: 'bo.tl.invoice.paid', tone: 'ok' },
  'invoice.credited': { key: 'bo.tl.invoice.credited', tone: 'ok' },
  'invoice.partially_settled': { key: 'bo.tl.invoice.partially_settled', tone: 'ok' },
  'invoice.written_off': { key: 'bo.tl.invoice.written_off', tone: 'neutral' },
  'debtor.created': { key: 'bo.tl.debtor.created', tone: 'neutral' },
  'debtor.updated': { key: 'bo.tl.debtor.updated', tone: 'neutral' },
  'debtor.email_blocked': { key: 'bo.tl.debtor.email_blocked', tone: 'bad' },
  'debtor.locale_changed': { key: 'bo.tl.debtor.locale_changed', tone: 'neutral' },
  'debtor.flagged': { key: 'bo.tl.debtor.flagged', tone: 'warn' },
  'debtor.hold_placed': { key: 'bo.tl.debtor.hold_placed', tone: 'warn' },
  'debtor.hold_lifted': { key: 'bo.tl.debtor.hold_lifted', tone: 'info' },
  'debtor.flag_cleared': { key: 'bo.tl.debtor.flag_cleared', tone: 'info' },
  'dunning.paused': { key: 'bo.tl.dunning.paused', tone: 'info' },
  'dunning.resumed': { key: 'bo.tl.dunning.resumed', tone: 'info' },
  'dunning.pause_lifted': { key: 'bo.tl.dunning.pause_lifted', tone: 'info' },
  'dunning.step': { key: 'bo.tl.dunning.step', tone: 'warn' },
  'dunning.postponed': { key: 'bo.tl.dunning.postponed', tone: 'neutral' },
  'dunning.ended': { key: 'bo.tl.dunning.ended', tone: 'bad' },
  'dunning.step_withdrawn': { key: 'bo.tl.dunning.step_withdrawn', tone: 'neutral' },
  'dunning.reminder_dropped': { key: 'bo.tl.dunning.step_withdrawn', tone: 'neutral' },
  'invoice.partially_paid': { key: 'bo.tl.invoice.partially_paid', tone: 'ok' },
  'invoice.partially_credited': { key: 'bo.tl.invoice.partially_credited', tone: 'ok' },
  'debtor.credit_added': { key: 'bo.tl.debtor.credit_added', tone: 'info' },
  'payment.started': { key: 'bo.tl.payment.created', tone: 'neutral' },
  'payment.checkout_failed': { key: 'bo.tl.payment.checkout_failed', tone: 'bad' },
  'plan.counter_proposed': { key: 'bo.tl.plan.countered', tone: 'info' },
  'plan.counter_accepted': { key: 'bo.tl.plan.counter_accepted', tone: 'ok' },
  'plan.counter_declined': { key: 'bo.tl.plan.declined', tone: 'warn' },
  'plan.counter_expired': { key: 'bo.tl.plan.counter_expired', tone: 'warn' },
  'plan.installment_paid': { key: 'bo.tl.plan.installment_paid', tone: 'ok' },
  'plan.installment_reversed': { key: 'bo.tl.plan.installment_reversed', tone: 'bad' },
  'plan.installment_missed': { key: 'bo.tl.plan.installment_missed', tone: 'bad' },
  'plan.installment_reminded': { key: 'bo.tl.plan.installment_reminded', tone: 'neutral' },
  'plan.installment_rescheduled': { key: 'bo.tl.plan.installment_rescheduled', tone: 'neutral' },
  'promise.made': { key: 'bo.tl.promise.created', tone: 'info' },
  'promise.cancelled': { key: 'bo.tl.promise.cancelled', tone: 'neutral' },
  'dispute.debtor_replied': { key: 'bo.tl.dispute.debtor_replied', tone: 'neutral' },
  'dispute.staff_replied': { key: 'bo.tl.dispute.staff_replied', tone: 'neutral' },
  'dispute.note_added': { key: 'bo.tl.dispute.note_added', tone: 'neutral' },
  'dispute.assigned': { key: 'bo.tl.dispute.assigned', tone: 'neutral' },
  'communication.queued': { key: 'bo.tl.communication.queued', tone: 'neutral' },
  'communication.sent': { key: 'bo.tl.communication.sent', tone: 'neutral' },
  'communication.delivered': { key: 'bo.tl.communication.delivered', tone: 'ok' },
  'communication.opened': { key: 'bo.tl.communication.opened', tone: 'ok' },
  'communication.bounced': { key: 'bo.tl.communication.bounced', tone: 'bad' },
  'communication.complained': { key: 'bo.tl.communication.complained', tone: 'bad' },
  'communication.failed': { key: 'bo.tl.communication.failed', tone: 'bad' },
  'communication.cancelled': { key: 'bo.tl.communication.cancelled', tone: 'neutral' },
  'link.issued': { key: 'bo.tl.link.issued', tone: 'neutral' },
  'link.requested': { key: 'bo.tl.link.requested', tone: 'neutral' },
  'link.sent_by_staff': { key: 'bo.tl.link.sent_by_staff', tone: 'info' },
  'link.revoked': { key: 'bo.tl.link.revoked', tone: 'warn' },
  'link.revoked_all': { key: 'bo.tl.link.revoked_all', tone: 'warn' },
  'portal.opened': { key: 'bo.tl.portal.opened', tone: 'neutral' },
  'payment.created': { key: 'bo.tl.payment.created', tone: 'neutral' },
  'payment.checkout_created': { key: 'bo.tl.payment.created', tone: 'neutral' },
  'payment.paid': { key: 'bo.tl.payment.paid', tone: 'ok' },
  'payment.failed': { key: 'bo.tl.payment.failed', tone: 'bad' },
  'payment.canceled': { key: 'bo.tl.payment.canceled', tone: 'neutral' },
  'payment.expired': { key: 'bo.tl.payment.expired', tone: 'neutral' },
  'payment.refunded': { key: 'bo.tl.payment.refunded', tone: 'warn' },
  'payment.charged_back': { key: 'bo.tl.payment.charged_back', tone: 'bad' },
  'payment.recorded_external': { key: 'bo.tl.payment.recorded_external', tone: 'ok' },
  'payment.credit_note_recorded': { key: 'bo.tl.payment.credit_note_recorded', tone: 'ok' },
  'payment.bank_transfer_recorded': { key: 'bo.tl.payment.bank_transfer_recorded', tone: 'ok' },
  'payment.write_off_recorded': { key: 'bo.tl.payment.write_off_recorded', tone: 'neutral' },
  'payment.credit_applied': { key: 'bo.tl.payment.credit_applied', tone: 'ok' },
  'payment.returned': { key: 'bo.tl.payment.returned', tone: 'bad' },
  'invoice.partially_written_off': { key: 'bo.tl.invoice.partially_written_off', tone: 'neutral' },
  'invoice.reopened': { key: 'bo.tl.invoice.reopened', tone: 'warn' },
  'invoice.payment_reversed': { key: 'bo.tl.invoice.payment_reversed', tone: 'warn' },
  'debtor.credit_used': { key: 'bo.tl.debtor.credit_used', tone: 'info' },
  'plan.proposed': { key: 'bo.tl.plan.proposed', tone: 'info' },
  'plan.approved': { key: 'bo.tl.plan.approved', tone: 'ok' },
  'plan.auto_approved': { key: 'bo.tl.plan.approved', tone: 'ok' },
  'plan.rejected': { key: 'bo.tl.plan.rejected', tone: 'warn' },
  'plan.countered': { key: 'bo.tl.plan.countered', tone: 'info' },
  'plan.declined': { key: 'bo.tl.plan.declined', tone: 'warn' },
  'plan.completed': { key: 'bo.tl.plan.completed', tone: 'ok' },
  'plan.defaulted': { key: 'bo.tl.plan.defaulted', tone: 'bad' },
  'plan.cancelled': { key: 'bo.tl.plan.cancelled', tone: 'neutral' },
  'promise.created': { key: 'bo.tl.promise.created', tone: 'info' },
  'promise.kept': { key: 'bo.tl.promise.kept', tone: 'ok' },
  'promise.broken': { key: 'bo.tl.promise.broken', tone: 'bad' },
  'dispute.opened': { key: 'bo.tl.dispute.opened', tone: 'warn' },
  'dispute.message': { key: 'bo.tl.dispute.message', tone: 'neutral' },
  'dispute.resolved': { key: 'bo.tl.dispute.resolved', tone: 'ok' },
  'dispute.withdrawn': { key: 'bo.tl.dispute.withdrawn', tone: 'neutral' },
  'dispute.part_credited': { key: 'bo.tl.dispute.part_credited', tone: 'info' },
  'dispute.question_asked': { key: 'bo.tl.dispute.question_asked', tone: 'info' },
  'dispute.question_closed': { key: 'bo.tl.dispute.question_closed', tone: 'ok' },
  'transfer_notice.announced': { key: 'bo.tl.transfer_notice.announced', tone: 'info' },
  'transfer_notice.received': { key: 'bo.tl.transfer_notice.received', tone: 'ok' },
  'transfer_notice.lapsed': { key: 'bo.tl.transfer_notice.lapsed', tone: 'warn' },
};

/** The entity named by an action's prefix, for the generic line. */
const ENTITY_KEYS: Record<string, MessageKey> = {
  invoice: 'bo.tl.entity.invoice',
  debtor: 'bo.tl.entity.debtor',
  dunning: 'bo.tl.entity.dunning',
  communication: 'bo.tl.entity.communication',
  link: 'bo.tl.entity.link',
  portal: 'bo.tl.entity.portal',
  payment: 'bo.tl.entity.payment',
  plan: 'bo.tl.entity.plan',
  installment: 'bo.tl.entity.plan',
  promise: 'bo.tl.entity.promise',
  dispute: 'bo.tl.entity.dispute',
};

/** Why a pause ended, as the services that lift pauses name it. */
const LIFTED_REASONS = new Set([
  'manual_hold_lifted',
  'settled',
  'paid',
  'payment_paid',
  'payment_failed',
  'payment_canceled',
  'payment_expired',
  'checkout_failed',
  'plan_rejected',
  'plan_defaulted',
  'plan_completed',
  'countered',
  'counter_declined',
  'counter_expired',
  'replaced_by_plan',
  'promise_kept',
  'promise_broken',
  'dispute_rejected',
  'dispute_credited_full',
  'dispute_credited_partial',
  'dispute_paid',
  'dispute_withdrawn',
  'invoice_credited',
  'transfer_received',
  'transfer_not_received',
  'written_off',
]);

const PAUSE_REASONS = new Set([
  'payment_pending',
  'payment_plan',
  'promise_to_pay',
  'dispute',
  'manual',
  'transfer_announced',
]);
const TEMPLATES = new Set([
  'friendly_reminder',
  'second_reminder',
  'final_notice',
  'collection_handover',
  'payment_received',
  'fresh_link',
  'plan_proposed_received',
  'plan_approved',
  'plan_rejected',
  'plan_countered',
  'installment_reminder',
  'installment_missed',
  'plan_defaulted',
  'promise_confirmed',
  'promise_broken',
  'dispute_opened',
  'dispute_reply',
  'dispute_resolved',
  'staff_notification',
  'staff_invitation',
  'promise_kept',
  'plan_completed',
]);

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const cents = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

export function pauseReasonLabel(reason: string, locale: Locale): string {
  return PAUSE_REASONS.has(reason) ? translate(locale, `bo.pause.${reason}` as MessageKey) : reason;
}

export function templateLabel(template: string, locale: Locale): string {
  return TEMPLATES.has(template)
    ? translate(locale, `bo.template.${template}` as MessageKey)
    : template.replace(/_/g, ' ');
}

export function actorLabel(event: Pick<TimelineEvent, 'actorType' | 'actorId' | 'actorName'>, locale: Locale): string {
  switch (event.actorType) {
    case 'staff':
      return event.actorName ?? translate(locale, 'bo.actor.staff');
    case 'debtor':
      return translate(locale, 'bo.actor.debtor');
    case 'api':
      return event.actorName
        ? translate(locale, 'bo.actor.apiNamed', { name: event.actorName })
        : translate(locale, 'bo.actor.api');
    case 'provider':
      return translate(locale, 'bo.actor.provider', { provider: providerLabel(locale, event.actorId) });
    default:
      return translate(locale, 'bo.actor.system');
  }
}

function paramsFor(event: TimelineEvent, locale: Locale): Params {
  const d = event.data ?? {};
  const money = (v: unknown) => {
    const c = cents(v);
    return c === null ? '' : formatMoney(c, 'EUR', locale);
  };
  const number = event.invoiceNumber ?? str(d.number);
  const reasons = Array.isArray(d.reasons) ? d.reasons.map((r) => pauseReasonLabel(str(r), locale)).join(', ') : '';
  const changes = d.changes && typeof d.changes === 'object' ? Object.keys(d.changes as object).join(', ') : '';
  const until = typeof d.until === 'string' && d.until ? formatDateTime(d.until, locale) : '';
  return {
    number,
    amount: money(d.amountCents ?? d.totalCents),
    open: money(d.openCents),
    reason: pauseReasonLabel(str(d.reason ?? d.pauseReason), locale),
    reasons,
    liftedReason: LIFTED_REASONS.has(str(d.liftedReason))
      ? translate(locale, `bo.lifted.${str(d.liftedReason)}` as MessageKey)
      : str(d.liftedReason).replace(/_/g, ' '),
    stage: typeof d.stage === 'number' ? d.stage : '',
    template: templateLabel(str(d.template), locale),
    error: str(d.error ?? d.reason),
    count: typeof d.count === 'number' ? d.count : 0,
    changes,
    until: until ? ` ${translate(locale, 'bo.tl.until', { date: until })}` : '',
    note: typeof d.note === 'string' && d.note ? ` — ${d.note}` : '',
    provider: d.provider ? providerLabel(locale, str(d.provider)) : '',
    date: typeof d.promisedDate === 'string' ? formatDate(d.promisedDate, locale) : '',
    transferredOn: typeof d.transferredOn === 'string' ? formatDate(d.transferredOn, locale) : '',
    language: d.to === 'nl' || d.to === 'en' ? translate(locale, `bo.language.${d.to}`) : str(d.to),
  };
}

export function describeEvent(event: TimelineEvent, locale: Locale): TimelineLine {
  const rule = RULES[event.action];
  const actor = actorLabel(event, locale);
  if (rule) {
    const params = paramsFor(event, locale);
    const text = translate(locale, rule.key, params).replace(/\s+$/, '');
    return { text, actor, tone: rule.tone };
  }
  const [prefix, ...rest] = event.action.split('.');
  const entityKey = ENTITY_KEYS[prefix];
  const entity = entityKey ? translate(locale, entityKey) : prefix;
  const what = rest.join(' ').replace(/_/g, ' ') || event.action;
  const text = translate(locale, 'bo.tl.generic', { entity, action: what });
  return { text, actor, tone: 'neutral' };
}
