/**
 * Parsing and checking the settings forms (plan and promise policy, portal and dispute
 * settings, branding fields): zod schemas read with `parseForm` (app/utils/forms.ts). Pure: the
 * routes call these on the posted form and answer 400 with the errors next to their fields.
 */
import { z } from 'zod';
import type { PlanPolicy, PortalSettings } from '~db/schema';
import {
  amount,
  checkbox,
  field,
  type FormErrors,
  type FormResult as Parsed,
  parseForm,
  reject,
  whenValid,
  wholeNumber,
} from '~/utils/forms';
import { hasForbiddenControlChars } from '~/utils/limits';
import { centsToDecimalString } from '~/utils/money';
import { MAX_TRANSFER_NOTICE_DAYS, MIN_TRANSFER_NOTICE_DAYS } from '~/modules/bank/index';
import { MAX_INSTALLMENTS_HARD, MIN_INSTALLMENTS } from '~/modules/plans/index';
import { HEX_COLOR } from './contrast';

export type { FormErrors };
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FormErrors };

/** An amount in euros typed as people write it, from `minCents` to `maxCents`. */
const euros = (minCents: number, maxCents: number) =>
  amount({
    invalid: { key: 'bo.form.error.amount' },
    min: minCents,
    max: maxCents,
    range: {
      key: 'bo.form.error.amountRange',
      params: { min: centsToDecimalString(minCents), max: centsToDecimalString(maxCents) },
    },
  });

const days = (min: number, max: number) => wholeNumber({ min, max });

function result<T>(parsed: Parsed<T>): FormResult<T> {
  return parsed.ok ? { ok: true, value: parsed.data } : parsed;
}

export const MAX_PLAN_TOTAL_CENTS = 100_000_000;

export const planPolicySchema = z
  .object({
    maxInstallments: wholeNumber({ min: MIN_INSTALLMENTS, max: MAX_INSTALLMENTS_HARD }),
    maxDurationDays: days(14, 1_825),
    minInstallmentCents: euros(100, 1_000_000),
    maxTotalCents: euros(100, MAX_PLAN_TOTAL_CENTS),
    consumersMayPropose: checkbox(),
    businessesMayPropose: checkbox(),
    minDownPaymentPercent: wholeNumber({ min: 0, max: 90 }),
    promiseMaxDays: days(1, 90),
    graceDays: days(0, 30),
    firstPaymentMaxDays: days(1, 90),
  })
  .superRefine(
    (policy, ctx) => {
      if (policy.maxTotalCents < policy.minInstallmentCents * MIN_INSTALLMENTS)
        reject(ctx, { key: 'bo.plans.error.totalBelowMinimum', params: { count: MIN_INSTALLMENTS } }, [
          'maxTotalCents',
        ]);
    },
    whenValid('maxTotalCents', 'minInstallmentCents'),
  );

export function parsePlanPolicy(form: FormData): FormResult<PlanPolicy> {
  return result(parseForm(planPolicySchema, form));
}

export const portalSettingsSchema = z.object({
  linkTtlDays: days(1, 90),
  minPartialPaymentCents: euros(100, 1_000_000),
  disputeResponseHours: wholeNumber({ min: 1, max: 720 }),
  disputeRejectGraceDays: days(0, 60),
  transferNoticeDays: days(MIN_TRANSFER_NOTICE_DAYS, MAX_TRANSFER_NOTICE_DAYS),
});

export function parsePortalSettings(form: FormData): FormResult<PortalSettings> {
  return result(parseForm(portalSettingsSchema, form));
}

export type BrandingFields = { brandColor: string; senderName: string | null; replyTo: string | null };
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export const brandingSchema = z.object({
  brandColor: field()
    .transform((value) => value.toLowerCase())
    .refine((value) => HEX_COLOR.test(value), { error: 'bo.branding.error.color' }),
  senderName: field().transform((value, ctx) => {
    // No line breaks or angle brackets: the name goes into a From header.
    if (value.length > 70 || /[<>\r\n"]/.test(value)) return reject(ctx, { key: 'bo.branding.error.senderName' });
    if (hasForbiddenControlChars(value)) return reject(ctx, { key: 'bo.form.error.controlChars' });
    return value || null;
  }),
  replyTo: field().transform((value, ctx) => {
    if (value && (value.length > 254 || !isEmailAddress(value))) return reject(ctx, { key: 'bo.form.error.email' });
    return value || null;
  }),
});

export function parseBranding(form: FormData): FormResult<BrandingFields> {
  return result(parseForm(brandingSchema, form));
}

/** The branding form's "remove the logo" checkbox (the logo itself is an upload, checked by its bytes). */
export const logoChoiceSchema = z.object({ removeLogo: checkbox() });

export function isEmailAddress(value: string) {
  return value.length <= 254 && EMAIL.test(value) && !hasForbiddenControlChars(value);
}
