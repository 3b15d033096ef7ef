import type { DunningPolicy, PlanPolicy, PortalSettings } from '~db/schema';

export const DEFAULT_DUNNING_POLICY: DunningPolicy = {
  consumer: [
    { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
    { key: 'second', offsetDays: 21, template: 'second_reminder', addsCosts: false },
    { key: 'final', offsetDays: 35, template: 'final_notice', addsCosts: true },
    { key: 'collection', offsetDays: 56, template: 'collection_handover', addsCosts: false },
  ],
  business: [
    { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
    { key: 'second', offsetDays: 21, template: 'second_reminder', addsCosts: false },
    { key: 'final', offsetDays: 35, template: 'final_notice', addsCosts: true },
  ],
};

export const DEFAULT_PLAN_POLICY: PlanPolicy = {
  maxInstallments: 12,
  maxDurationDays: 365,
  minInstallmentCents: 2_500,
  maxTotalCents: 500_000,
  consumersMayPropose: true,
  businessesMayPropose: true,
  minDownPaymentPercent: 0,
  promiseMaxDays: 14,
  graceDays: 7,
};

export const DEFAULT_PORTAL_SETTINGS: PortalSettings = {
  linkTtlDays: 30,
  minPartialPaymentCents: 1_000,
  disputeResponseHours: 48,
  disputeRejectGraceDays: 7,
};
