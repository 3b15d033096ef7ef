/**
 * Parsing and checking the settings forms (plan and promise policy, portal and dispute
 * settings, branding fields). Pure: the routes call these on the posted form and answer 400
 * with the errors next to their fields.
 */
import type { PlanPolicy, PortalSettings } from '../../../db/schema';
import { hasForbiddenControlChars } from '../../utils/limits';
import { centsToDecimalString, parseAmountToCents } from '../../utils/money';
import { MAX_TRANSFER_NOTICE_DAYS, MIN_TRANSFER_NOTICE_DAYS } from '../bank/index';
import { MAX_INSTALLMENTS_HARD, MIN_INSTALLMENTS } from '../plans/index';
import { HEX_COLOR } from './contrast';
import type { FieldError } from '../../utils/i18n';

export type { FieldError };
export type FormErrors = Record<string, FieldError>;
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FormErrors };

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

function int(form: FormData, name: string, min: number, max: number, errors: FormErrors): number {
  const raw = text(form, name);
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    errors[name] = { key: 'bo.form.error.intRange', params: { min, max } };
    return 0;
  }
  return n;
}

function money(form: FormData, name: string, minCents: number, maxCents: number, errors: FormErrors): number {
  const parsed = parseAmountToCents(text(form, name));
  if (!parsed.ok) {
    errors[name] = { key: 'bo.form.error.amount' };
    return 0;
  }
  if (parsed.cents < minCents || parsed.cents > maxCents) {
    errors[name] = {
      key: 'bo.form.error.amountRange',
      params: { min: centsToDecimalString(minCents), max: centsToDecimalString(maxCents) },
    };
    return 0;
  }
  return parsed.cents;
}

const checkbox = (form: FormData, name: string) => form.get(name) !== null;

export const MAX_PLAN_TOTAL_CENTS = 100_000_000;

export function parsePlanPolicy(form: FormData): FormResult<PlanPolicy> {
  const errors: FormErrors = {};
  const value: PlanPolicy = {
    maxInstallments: int(form, 'maxInstallments', MIN_INSTALLMENTS, MAX_INSTALLMENTS_HARD, errors),
    maxDurationDays: int(form, 'maxDurationDays', 14, 1_825, errors),
    minInstallmentCents: money(form, 'minInstallmentCents', 100, 1_000_000, errors),
    maxTotalCents: money(form, 'maxTotalCents', 100, MAX_PLAN_TOTAL_CENTS, errors),
    consumersMayPropose: checkbox(form, 'consumersMayPropose'),
    businessesMayPropose: checkbox(form, 'businessesMayPropose'),
    minDownPaymentPercent: int(form, 'minDownPaymentPercent', 0, 90, errors),
    promiseMaxDays: int(form, 'promiseMaxDays', 1, 90, errors),
    graceDays: int(form, 'graceDays', 0, 30, errors),
    firstPaymentMaxDays: int(form, 'firstPaymentMaxDays', 1, 90, errors),
  };
  if (
    !errors.maxTotalCents &&
    !errors.minInstallmentCents &&
    value.maxTotalCents < value.minInstallmentCents * MIN_INSTALLMENTS
  ) {
    errors.maxTotalCents = { key: 'bo.plans.error.totalBelowMinimum', params: { count: MIN_INSTALLMENTS } };
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

export function parsePortalSettings(form: FormData): FormResult<PortalSettings> {
  const errors: FormErrors = {};
  const value: PortalSettings = {
    linkTtlDays: int(form, 'linkTtlDays', 1, 90, errors),
    minPartialPaymentCents: money(form, 'minPartialPaymentCents', 100, 1_000_000, errors),
    disputeResponseHours: int(form, 'disputeResponseHours', 1, 720, errors),
    disputeRejectGraceDays: int(form, 'disputeRejectGraceDays', 0, 60, errors),
    transferNoticeDays: int(form, 'transferNoticeDays', MIN_TRANSFER_NOTICE_DAYS, MAX_TRANSFER_NOTICE_DAYS, errors),
  };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

export type BrandingFields = { brandColor: string; senderName: string | null; replyTo: string | null };
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function parseBranding(form: FormData): FormResult<BrandingFields> {
  const errors: FormErrors = {};
  const brandColor = text(form, 'brandColor').toLowerCase();
  if (!HEX_COLOR.test(brandColor)) errors.brandColor = { key: 'bo.branding.error.color' };
  const senderName = text(form, 'senderName');
  // No line breaks or angle brackets: the name goes into a From header.
  if (senderName.length > 70 || /[<>\r\n"]/.test(senderName))
    errors.senderName = { key: 'bo.branding.error.senderName' };
  else if (hasForbiddenControlChars(senderName)) errors.senderName = { key: 'bo.form.error.controlChars' };
  const replyTo = text(form, 'replyTo');
  if (replyTo && (replyTo.length > 254 || !isEmailAddress(replyTo))) errors.replyTo = { key: 'bo.form.error.email' };
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: { brandColor, senderName: senderName || null, replyTo: replyTo || null } };
}

export function isEmailAddress(value: string) {
  return value.length <= 254 && EMAIL.test(value) && !hasForbiddenControlChars(value);
}
