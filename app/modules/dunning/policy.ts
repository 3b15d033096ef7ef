/**
 * Validation of an organization's dunning policy and of the statutory rate table. Pure: the
 * settings page (and the API) call these before saving; `applyPolicyChange` refuses what
 * fails them. Every problem names the field it is about, e.g. "consumer[2].offsetDays".
 */
import type { DunningPolicy, DunningStage } from '~db/schema';
import { validateRateTable, type StatutoryRate } from './statutory-interest';
import { CONSUMER_COSTS_WAIT_DAYS } from './schedule';

export const DUNNING_TEMPLATES = [
  'friendly_reminder',
  'second_reminder',
  'final_notice',
  'collection_handover',
] as const;
export type DunningTemplate = (typeof DUNNING_TEMPLATES)[number];

export const DEBTOR_KINDS = ['consumer', 'business'] as const;
export type DebtorKind = (typeof DEBTOR_KINDS)[number];

export const MAX_STAGES = 10;
export const MAX_OFFSET_DAYS = 730;
const KEY_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export type PolicyProblemCode =
  | 'not_an_object'
  | 'flow_missing'
  | 'flow_empty'
  | 'flow_too_long'
  | 'stage_not_an_object'
  | 'key_invalid'
  | 'key_duplicate'
  | 'template_missing'
  | 'template_unknown'
  | 'offset_invalid'
  | 'offset_negative'
  | 'offset_on_due_date'
  | 'offset_too_large'
  | 'offset_overlaps'
  | 'offset_not_increasing'
  | 'adds_costs_invalid'
  | 'costs_need_final_notice'
  | 'final_notice_needs_costs'
  | 'inside_consumer_term'
  | 'handover_not_last'
  | 'rate_table';

export type PolicyProblem = {
  /** The offending field: "consumer", "business[1].template", "rates[2].from", ... */
  field: string;
  /** Stable code for translated messages. */
  code: PolicyProblemCode;
  /** English explanation, starting with the field. */
  message: string;
};

function problem(field: string, code: PolicyProblemCode, text: string): PolicyProblem {
  return { field, code, message: `${field}: ${text}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isDunningTemplate(value: unknown): value is DunningTemplate {
  return typeof value === 'string' && (DUNNING_TEMPLATES as readonly string[]).includes(value);
}

/**
 * Checks a dunning policy (possibly straight from a form or API body). Rules:
 * - both flows (consumer, business) exist and have 1..10 stages;
 * - each stage has a key (lowercase, unique in its flow: it names the reminder in dedupe keys),
 *   a known template, a whole-day offset of at least 1 day after the due date, and addsCosts;
 * - offsets strictly increase: two stages on the same day overlap, a smaller one goes backwards;
 * - a final notice claims costs (its email states them) and, for consumers, only the final
 *   notice (the Dutch 14-day letter) may add costs;
 * - for consumers, the stage after the final notice comes no sooner than the 14-day term
 *   counted from the day after delivery allows (16 days: delivery is taken as the next day);
 * - a collection hand-over is the last stage.
 */
export function validateDunningPolicy(policy: unknown): PolicyProblem[] {
  if (!isRecord(policy)) return [problem('policy', 'not_an_object', 'expected an object with consumer and business')];
  return DEBTOR_KINDS.flatMap((kind) => validateFlow(kind, policy[kind]));
}

function validateFlow(kind: DebtorKind, flow: unknown): PolicyProblem[] {
  if (flow === undefined || flow === null) return [problem(kind, 'flow_missing', 'a list of stages is required')];
  if (!Array.isArray(flow)) return [problem(kind, 'flow_missing', 'expected a list of stages')];
  if (flow.length === 0) return [problem(kind, 'flow_empty', 'has no stages: at least one reminder is needed')];
  if (flow.length > MAX_STAGES)
    return [problem(kind, 'flow_too_long', `has ${flow.length} stages; at most ${MAX_STAGES}`)];

  const problems: PolicyProblem[] = [];
  const keys = new Map<string, number>();
  let previousOffset: { index: number; value: number } | undefined;
  let letterOffset: { index: number; value: number } | undefined;

  flow.forEach((stage: unknown, index) => {
    const at = `${kind}[${index}]`;
    if (!isRecord(stage)) {
      problems.push(problem(at, 'stage_not_an_object', 'expected a stage with key, offsetDays, template, addsCosts'));
      return;
    }

    const key = stage.key;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      problems.push(
        problem(`${at}.key`, 'key_invalid', 'use 1-40 lowercase letters, digits, "-" or "_", starting with a letter'),
      );
    } else if (keys.has(key)) {
      problems.push(problem(`${at}.key`, 'key_duplicate', `"${key}" is already used by ${kind}[${keys.get(key)}]`));
    } else {
      keys.set(key, index);
    }

    const template = stage.template;
    if (template === undefined || template === null || template === '') {
      problems.push(problem(`${at}.template`, 'template_missing', 'every stage needs a template'));
    } else if (!isDunningTemplate(template)) {
      problems.push(
        problem(
          `${at}.template`,
          'template_unknown',
          `"${String(template)}" is not one of ${DUNNING_TEMPLATES.join(', ')}`,
        ),
      );
    } else if (template === 'collection_handover' && index !== flow.length - 1) {
      problems.push(problem(`${at}.template`, 'handover_not_last', 'the collection hand-over must be the last stage'));
    }

    const addsCosts = stage.addsCosts;
    if (typeof addsCosts !== 'boolean') {
      problems.push(problem(`${at}.addsCosts`, 'adds_costs_invalid', 'expected true or false'));
    } else if (template === 'final_notice' && !addsCosts) {
      problems.push(
        problem(
          `${at}.addsCosts`,
          'final_notice_needs_costs',
          'a final notice states the costs it claims: set addsCosts',
        ),
      );
    } else if (kind === 'consumer' && addsCosts && isDunningTemplate(template) && template !== 'final_notice') {
      problems.push(
        problem(
          `${at}.addsCosts`,
          'costs_need_final_notice',
          'consumers owe collection costs only after a final notice (14-day letter): only that stage may add costs',
        ),
      );
    }

    const offset = stage.offsetDays;
    if (typeof offset !== 'number' || !Number.isInteger(offset)) {
      problems.push(
        problem(`${at}.offsetDays`, 'offset_invalid', 'expected a whole number of days after the due date'),
      );
      return;
    }
    if (offset < 0) {
      problems.push(problem(`${at}.offsetDays`, 'offset_negative', `${offset} is before the due date`));
    } else if (offset === 0) {
      problems.push(
        problem(`${at}.offsetDays`, 'offset_on_due_date', 'a reminder comes at least 1 day after the due date'),
      );
    } else if (offset > MAX_OFFSET_DAYS) {
      problems.push(problem(`${at}.offsetDays`, 'offset_too_large', `at most ${MAX_OFFSET_DAYS} days`));
    } else if (previousOffset && offset === previousOffset.value) {
      problems.push(
        problem(`${at}.offsetDays`, 'offset_overlaps', `${offset} is the same day as ${kind}[${previousOffset.index}]`),
      );
    } else if (previousOffset && offset < previousOffset.value) {
      problems.push(
        problem(
          `${at}.offsetDays`,
          'offset_not_increasing',
          `${offset} comes before ${kind}[${previousOffset.index}] (${previousOffset.value}); stages run in order`,
        ),
      );
    } else if (kind === 'consumer' && letterOffset && offset - letterOffset.value < CONSUMER_COSTS_WAIT_DAYS) {
      problems.push(
        problem(
          `${at}.offsetDays`,
          'inside_consumer_term',
          `falls inside the 14-day term of the final notice ${kind}[${letterOffset.index}]: at least ${
            letterOffset.value + CONSUMER_COSTS_WAIT_DAYS
          }`,
        ),
      );
    }
    if (!previousOffset || offset > previousOffset.value) previousOffset = { index, value: offset };
    if (kind === 'consumer' && addsCosts === true && template === 'final_notice')
      letterOffset = { index, value: offset };
  });
  return problems;
}

export type ParsedPolicy = { ok: true; policy: DunningPolicy } | { ok: false; problems: PolicyProblem[] };

/** Validates and returns the policy with only the known fields, ready to store. */
export function parseDunningPolicy(input: unknown): ParsedPolicy {
  const problems = validateDunningPolicy(input);
  if (problems.length > 0) return { ok: false, problems };
  const record = input as Record<DebtorKind, Record<string, unknown>[]>;
  const clean = (stages: Record<string, unknown>[]): DunningStage[] =>
    stages.map((s) => ({
      key: s.key as string,
      offsetDays: s.offsetDays as number,
      template: s.template as DunningTemplate,
      addsCosts: s.addsCosts as boolean,
    }));
  return { ok: true, policy: { consumer: clean(record.consumer), business: clean(record.business) } };
}

/**
 * The statutory rate table, checked with `validateRateTable` (order, duplicates, gaps between
 * half-year resets, and with `asOf` a table that has fallen behind a reset). Fields are
 * prefixed "rates", e.g. "rates[2].from".
 */
export function validateStatutoryRates(
  table: readonly StatutoryRate[],
  options: { asOf?: string } = {},
): PolicyProblem[] {
  return validateRateTable(table, options).map((p) => {
    const field = p.field === 'table' ? 'rates' : p.field === 'asOf' ? 'asOf' : `rates${p.field}`;
    return { field, code: 'rate_table', message: `${field}: ${p.message.slice(p.field.length + 2)}` };
  });
}
