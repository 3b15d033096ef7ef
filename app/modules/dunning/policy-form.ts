/**
 * The dunning-policy editor's form: reading its rows and turning the dunning module's policy
 * problems (`validateDunningPolicy`, which holds the Dutch rules) into errors next to the
 * fields they concern. Pure.
 */
import type { DunningPolicy } from '../../../db/schema';
import type { FieldError } from '../../utils/i18n';
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
  inside_consumer_term: { key: 'bo.dunning.problem.inside_consumer_term', params: { days: CONSUMER_COSTS_WAIT_DAYS } },
  handover_not_last: { key: 'bo.dunning.problem.handover_not_last' },
  rate_table: { key: 'bo.dunning.problem.flow_missing' },
};

const offsetOf = (s: StageInput) =>
  /^\d{1,4}$/.test(s.offsetDays.trim()) ? Number(s.offsetDays.trim()) : Number.POSITIVE_INFINITY;

/**
 * Orders each flow's rows by their days (so a stage typed into a blank row slots into place),
 * validates the result with the dunning module's rules, and returns the policy or the errors
 * keyed by form field (`consumer.2.offsetDays`, or `consumer` for the flow as a whole).
 */
export function checkDunningForm(input: Record<Flow, StageInput[]>): PolicyResult {
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
  if (parsed.ok) return parsed;
  const errors: PolicyErrors = {};
  for (const p of parsed.problems) {
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
  return { ok: false, errors };
}

/**
 * Reads the editor's rows from a form: fields `<flow>.<row>.key|offsetDays|template|addsCosts|remove`.
 * A row with neither key nor days is an unused blank row; a row marked remove is dropped.
 */
export function stagesFromForm(form: FormData): Record<Flow, StageInput[]> {
  const result: Record<Flow, StageInput[]> = { consumer: [], business: [] };
  for (const flow of FLOWS) {
    for (let row = 0; row < MAX_STAGES + BLANK_ROWS + 2; row++) {
      const get = (field: string) => {
        const v = form.get(`${flow}.${row}.${field}`);
        return typeof v === 'string' ? v : null;
      };
      const key = get('key');
      const offsetDays = get('offsetDays');
      if (get('remove') !== null) continue;
      if (!key?.trim() && !offsetDays?.trim()) continue;
      result[flow].push({
        row,
        key: key ?? '',
        offsetDays: offsetDays ?? '',
        template: get('template') ?? '',
        addsCosts: get('addsCosts') !== null,
      });
    }
  }
  return result;
}
