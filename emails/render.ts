import { render } from '@react-email/render';
import { createElement, type FunctionComponent } from 'react';
import * as collectionHandover from './collection-handover';
import * as disputeOpened from './dispute-opened';
import * as disputeReply from './dispute-reply';
import * as disputeResolved from './dispute-resolved';
import * as finalNotice from './final-notice';
import * as freshLink from './fresh-link';
import * as friendlyReminder from './friendly-reminder';
import * as installmentMissed from './installment-missed';
import * as installmentReminder from './installment-reminder';
import * as paymentReceived from './payment-received';
import * as planApproved from './plan-approved';
import * as planCountered from './plan-countered';
import * as planCompleted from './plan-completed';
import * as planDefaulted from './plan-defaulted';
import * as planProposedReceived from './plan-proposed-received';
import * as planRejected from './plan-rejected';
import * as promiseBroken from './promise-broken';
import * as promiseConfirmed from './promise-confirmed';
import * as promiseKept from './promise-kept';
import * as secondReminder from './second-reminder';
import * as staffInvitation from './staff-invitation';
import * as staffNotification from './staff-notification';

export type { DebtorEmailProps, EmailInvoice, EmailLocale, EmailOrganization, EmailPlan } from './_lib/types';

type TemplateModule<P> = { default: FunctionComponent<P>; subject(props: P): string };

/** Template name (as stored in communications.template) -> its module. */
const templates = {
  friendly_reminder: friendlyReminder,
  second_reminder: secondReminder,
  final_notice: finalNotice,
  collection_handover: collectionHandover,
  payment_received: paymentReceived,
  fresh_link: freshLink,
  plan_proposed_received: planProposedReceived,
  plan_approved: planApproved,
  plan_rejected: planRejected,
  plan_countered: planCountered,
  installment_reminder: installmentReminder,
  installment_missed: installmentMissed,
  plan_defaulted: planDefaulted,
  promise_confirmed: promiseConfirmed,
  promise_broken: promiseBroken,
  dispute_opened: disputeOpened,
  dispute_reply: disputeReply,
  dispute_resolved: disputeResolved,
  staff_notification: staffNotification,
  staff_invitation: staffInvitation,
  promise_kept: promiseKept,
  plan_completed: planCompleted,
} satisfies Record<string, TemplateModule<never>>;

export type TemplateName = keyof typeof templates;

/** The props each template takes. */
export type TemplateProps = {
  [K in TemplateName]: Parameters<(typeof templates)[K]['subject']>[0];
};

export const TEMPLATE_NAMES = Object.keys(templates) as TemplateName[];

export function isTemplateName(value: unknown): value is TemplateName {
  return typeof value === 'string' && Object.hasOwn(templates, value);
}

export type RenderedEmail = { subject: string; html: string; text: string };

export async function renderEmail<T extends TemplateName>(
  template: T,
  props: TemplateProps[T],
): Promise<RenderedEmail> {
  const mod = templates[template] as unknown as TemplateModule<TemplateProps[T]>;
  if (!mod) throw new Error(`unknown email template: ${String(template)}`);
  const element = createElement(mod.default, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: mod.subject(props), html, text };
}

/** Preview props of a template (what `npm run email:dev` shows), for tests and the dev pages. */
export function previewProps<T extends TemplateName>(template: T): TemplateProps[T] {
  const component = templates[template].default as unknown as { PreviewProps: TemplateProps[T] };
  return component.PreviewProps;
}
