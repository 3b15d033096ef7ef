/**
 * The dunning-policy editor's form: reading its rows and turning the dunning module's policy
 * problems (`validateDunningPolicy`, which holds the Dutch rules) into errors next to the
 * fields they concern. Two zod schemas read with `parseForm` (app/utils/forms.ts): the rows as
 * posted, then the policy they make. Pure.
 */
import { z } from 'zod';
import type { DunningPolicy } from '~db/schema';
import { checkbox, field, parseForm, reject } from '~/utils/forms';
import type { FieldError } from '~/utils/i18n';
import {
  CONSUMER_COSTS_WAIT_DAYS,
  DEBTOR_KINDS,
  DUNNING_TEMPLATES,
  MAX_OFFSET_DAYS,
  MAX_STAGES,
  parseDunningPolicy,
  type PolicyProblem,
} from './index';

export const FLOWS = DEBTOR_KINDS;
export type Flow = (typeof FLOWS)[number];
export const STAGE_TEMPLATES = DUNNING_TEMPLATES;
export { MAX_STAGES };
/** Blank rows the editor offers under the existing stages (it works without JavaScript). */
export const BLANK_ROWS = 2;

export type PolicyErrors = Record<string, FieldError>;

/** A stage as typed in the form, with its row number there (errors point back at that row). */
export type StageInput = { row: number; key: string; offsetDays: string; template: string; addsCosts: boolean };

export type PolicyResult = { ok: true; policy: DunningPolicy } | { ok: false; errors: PolicyErrors };

const PROBLEM_MESSAGES: Record<PolicyProblem['code'], FieldError> = {
  not_an_object: { key: 'bo.dunning.problem.flow_missing' },
  flow_missing: { key: 'bo.dunning.problem.flow_missing' },
  flow_empty: { key: 'bo.dunning.problem.flow_empty' },
  flow_too_long: { key: 'bo.dunning.problem.flow_too_long', params: { max: MAX_STAGES } },
  stage_not_an_object: { key: 'bo.dunning.problem.flow_missing' },
  key_invalid: { key: 'bo.dunning.problem.key_invalid' },
  key_duplicate: { key: 'bo.dunning.problem.key_duplicate' },
  template_missing: { key: 'bo.dunning.problem.template_missing' },
  template_unknown: { key: 'bo.dunning.problem.template_missing' },
  offset_invalid: { key: 'bo.dunning.problem.offset_invalid', params: { max: MAX_OFFSET_DAYS } },
  offset_negative: { key: 'bo.dunning.problem.offset_invalid', params: { max: MAX_OFFSET_DAYS } },
  offset_on_due_date: { key: 'bo.dunning.problem.offset_invalid', params: { max: MAX_OFFSET_DAYS } },
  offset_too_large: { key: 'bo.dunning.problem.offset_invalid', params: { max: MAX_OFFSET_DAYS } },
  offset_overlaps: { key: 'bo.dunning.problem.offset_overlaps' },
  offset_not_increasing: { key: 'bo.dunning.problem.offset_overlaps' },
  adds_costs_invalid: { key: 'bo.dunning.problem.costs_need_final_notice' },
  costs_need_final_notice: { key: 'bo.dunning.problem.costs_need_final_notice' },
  final_notice_needs_costs: { key: 'bo.dunning.problem.final_notice_needs_costs' },
  inside_consumer_term: { key: 'bo.dunning.problem.inside_consumer_term', params: { count: CONSUMER_COSTS_WAIT_DAYS } },
  handover_not_last: { key: 'bo.dunning.problem.handover_not_last' },
  rate_table: { key: 'bo.dunning.problem.flow_missing' },
};

const offsetOf = (s: StageInput) =>
  /^\d{1,4}$/.test(s.offsetDays.trim()) ? Number(s.offsetDays.trim()) : Number.POSITIVE_INFINITY;

/** The policy's problems keyed by form field (`consumer.2.offsetDays`, or `consumer` for the flow as a whole). */
function problemsByField(ordered: Record<Flow, StageInput[]>, problems: PolicyProblem[]): PolicyErrors {
  const errors: PolicyErrors = {};
  for (const p of problems) {
    const match = /^(consumer|business)(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(p.field);
    const message = PROBLEM_MESSAGES[p.code];
    if (!match) {
      errors.policy ??= message;
      continue;
    }
    const [, flow, index, field] = match;
    const row = index === undefined ? undefined : ordered[flow as Flow][Number(index)]?.row;
    const name = row === undefined ? flow : `${flow}.${row}.${field ?? 'key'}`;
    errors[name] ??= message;
  }
  return errors;
}

/**
 * The policy the editor's rows make: each flow's rows ordered by their days (so a stage typed
 * into a blank row slots into place), validated with the dunning module's rules; every problem
 * is an issue at its form field.
 */
export const policyStagesSchema = z.custom<Record<Flow, StageInput[]>>().transform((input, ctx): DunningPolicy => {
  const ordered = Object.fromEntries(
    FLOWS.map((flow) => [flow, [...input[flow]].sort((a, b) => offsetOf(a) - offsetOf(b) || a.row - b.row)]),
  ) as Record<Flow, StageInput[]>;
  const candidate = Object.fromEntries(
    FLOWS.map((flow) => [
      flow,
      ordered[flow].map((s) => {
        const days = s.offsetDays.trim();
        return {
          key: s.key.trim(),
          offsetDays: /^-?\d{1,7}$/.test(days) ? Number(days) : days,
          template: s.template,
          addsCosts: s.addsCosts,
        };
      }),
    ]),
  );
  const parsed = parseDunningPolicy(candidate);
  if (parsed.ok) return parsed.policy;
  for (const [name, error] of Object.entries(problemsByField(ordered, parsed.problems)))
    reject(ctx, error, name.split('.'));
  return z.NEVER;
});

/** Checks the editor's rows: the policy, or the errors keyed by form field. */
export function checkDunningForm(input: Record<Flow, StageInput[]>): PolicyResult {
  const parsed = parseForm(policyStagesSchema, input);
  return parsed.ok ? { ok: true, policy: parsed.data } : parsed;
}

/** Rows the form holds per flow: the stages, the blank rows and room for a stage moved by its days. */
const FORM_ROWS = MAX_STAGES + BLANK_ROWS + 2;
const ROW_FIELDS = { key: 'text', offsetDays: 'text', template: 'text', addsCosts: 'box', remove: 'box' } as const;

/**
 * The editor's rows as posted: fields `<flow>.<row>.key|offsetDays|template|addsCosts|remove`,
 * kept as typed (a refused form comes back as it was left). A row with neither key nor days is
 * an unused blank row; a row marked remove is dropped. Never refuses.
 */
export const stagesFormSchema = z
  .object(
    Object.fromEntries(
      FLOWS.flatMap((flow) =>
        Array.from({ length: FORM_ROWS }, (_, row) =>
          Object.entries(ROW_FIELDS).map(([name, kind]) => [
            `${flow}.${row}.${name}`,
            kind === 'text' ? field({ trim: false }) : checkbox(),
          ]),
        ).flat(),
      ),
    ),
  )
  .transform((values) => {
    const result: Record<Flow, StageInput[]> = { consumer: [], business: [] };
    for (const flow of FLOWS) {
      for (let row = 0; row < FORM_ROWS; row++) {
        const get = (name: string) => values[`${flow}.${row}.${name}`];
        const [key, offsetDays, template] = (['key', 'offsetDays', 'template'] as const).map((n) => String(get(n)));
        if (get('remove')) continue;
        if (!key.trim() && !offsetDays.trim()) continue;
        result[flow].push({ row, key, offsetDays, template, addsCosts: get('addsCosts') === true });
      }
    }
    return result;
  });

/** Reads the editor's rows from a form (see `stagesFormSchema`). */
export function stagesFromForm(form: FormData): Record<Flow, StageInput[]> {
  const parsed = parseForm(stagesFormSchema, form);
  return parsed.ok ? parsed.data : { consumer: [], business: [] };
}
