/**
 * The one way a posted form is read: a zod schema over the form's values, parsed by `parseForm`,
 * which returns the typed data or, per field, the first refusal as a `FieldError` (a message key
 * and its parameters, shown next to the field; the route answers 400 with them). Pure and
 * browser-safe: a page's live preview reads its form with the same schema the server uses.
 *
 * Schemas say what each field may hold with the builders below (`text`, `wholeNumber`,
 * `amount`, `day`, `checkbox`, `choice`, `repeated`, …), each naming the message of its
 * refusal; `reject(ctx, error)` and `invalid(error)` add any other refusal with parameters.
 * An issue's message alone is read as a message key (`z.enum(…, { error: 'plan.error.frequency' })`).
 */
import { z } from 'zod';
import type { FieldError, MessageKey } from './i18n';
import { isUuid } from './ids';
import { hasForbiddenControlChars, type TextKind } from './limits';
import { parseAmountToCents } from './money';

/** Refusals keyed by field name (`note`, `consumer.2.offsetDays`); `form` for the form as a whole. */
export type FormErrors = Record<string, FieldError>;

/** A form's values: one entry per name, an array where the name was posted more than once. */
export type FormValues = Record<string, FormDataEntryValue | FormDataEntryValue[]>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

/** A form as posted, or values already read (an object of any shape the schema reads). */
type FormSource = FormData | URLSearchParams | FormValues | Record<string, unknown>;

function isEntries(source: FormSource): source is FormData | URLSearchParams {
  return typeof (source as FormData).getAll === 'function' && typeof (source as FormData).keys === 'function';
}

/** The values of a FormData or URLSearchParams; names posted more than once become arrays. */
export function formValues(source: FormData | URLSearchParams): FormValues {
  const values: FormValues = {};
  for (const [name, value] of (source as FormData).entries()) {
    const seen = values[name];
    if (seen === undefined) values[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else values[name] = [seen, value];
  }
  return values;
}

const FIELD_ERROR = 'fieldError';

/** The refusal an issue carries: its `FieldError` when added by `reject`/`invalid`, else its message as the key. */
export function issueFieldError(issue: z.core.$ZodIssue): FieldError {
  const carried = (issue as { params?: Record<string, unknown> }).params?.[FIELD_ERROR];
  if (carried && typeof carried === 'object') return carried as FieldError;
  return { key: issue.message as MessageKey };
}

/** The field an issue belongs to: its path joined with dots, `form` when it has none. */
export function issueField(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.map(String).join('.') : 'form';
}

/** The first issue per field, each turned into the form's own error shape. */
export function errorsByField<E>(error: z.ZodError, toError: (issue: z.core.$ZodIssue) => E): Record<string, E> {
  const out: Record<string, E> = {};
  for (const issue of error.issues) {
    const field = issueField(issue);
    if (!(field in out)) out[field] = toError(issue);
  }
  return out;
}

/** The first refusal per field, as `FieldError`s. */
export function fieldErrors(error: z.ZodError): FormErrors {
  return errorsByField(error, issueFieldError);
}

/**
 * Parses a posted form (FormData, URLSearchParams, or values already read) with a schema:
 * the typed data, or the first refusal per field.
 */
export function parseForm<S extends z.ZodType>(schema: S, source: FormSource): FormResult<z.output<S>> {
  const parsed = schema.safeParse(isEntries(source) ? formValues(source) : source);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: fieldErrors(parsed.error) };
}

/** What was typed into text fields, each cut at `max` characters, to show a refused form again as it was left. */
export function typedValues<N extends string>(source: FormSource, names: readonly N[], max: number): Record<N, string> {
  const values: Record<string, unknown> = isEntries(source) ? formValues(source) : source;
  return Object.fromEntries(names.map((name) => [name, firstText(values[name]).slice(0, max)])) as Record<N, string>;
}

/** Check options that carry a `FieldError` with parameters: `.refine(fn, invalid({ key, params }))`. */
export function invalid(error: FieldError) {
  return { message: error.key, params: { [FIELD_ERROR]: error } };
}

/** Adds a refusal inside a `transform` or `superRefine` (at `path` below the current value) and returns `z.NEVER`. */
export function reject(ctx: z.RefinementCtx, error: FieldError, path?: (string | number)[]): never {
  ctx.addIssue({ code: 'custom', ...invalid(error), ...(path ? { path } : {}) });
  return z.NEVER;
}

/**
 * Options for a check across fields (`.superRefine(fn, whenValid('a', 'b'))`): it runs when
 * none of the named fields was refused, whatever the other fields hold, so its refusal shows
 * beside theirs.
 */
export function whenValid(...names: string[]) {
  return {
    when: (payload: z.core.ParsePayload) => !payload.issues.some((issue) => names.includes(String(issue.path?.[0]))),
  };
}

/**
 * Any posted value, a missing name included: zod refuses a missing key unless its schema is optional
 * on the way in (a field read from a form decides itself what a missing name means).
 */
const posted = () => z.unknown().optional();

/** The first value of a name as text, '' when it is missing or a file (as `form.get` read it). */
function firstText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** A text field as posted, trimmed unless `trim: false`. Never refuses: '' when missing. */
export function field({ trim = true }: { trim?: boolean } = {}) {
  return posted().transform((value) => (trim ? firstText(value).trim() : firstText(value)));
}

export type TextRules = {
  /** Refusal for an empty value; without it the field is optional (''). */
  required?: FieldError;
  max?: number;
  /** Refusal above `max`; defaults to `bo.form.error.tooLong` with `{ max }`. */
  tooLong?: FieldError;
  /** `line` (the default) refuses every control character; `multiline` lets tab and line breaks pass. */
  kind?: TextKind;
  /** Refusal for control characters (NUL among them); defaults to `bo.form.error.controlChars`. */
  controlChars?: FieldError;
  trim?: boolean;
};

/** Bounded text: the first rule broken, in the order required, length, control characters, is the refusal. */
export function text(rules: TextRules = {}) {
  const { required, max, kind = 'line', trim } = rules;
  return field({ trim }).transform((value, ctx) => {
    if (required && value === '') return reject(ctx, required);
    if (max !== undefined && value.length > max)
      return reject(ctx, rules.tooLong ?? { key: 'bo.form.error.tooLong', params: { max } });
    if (hasForbiddenControlChars(value, kind))
      return reject(ctx, rules.controlChars ?? { key: 'bo.form.error.controlChars' });
    return value;
  });
}

/**
 * A whole number of at most `digits` digits (no sign, no decimals) from `min` to `max`; the
 * refusal defaults to `bo.form.error.intRange` with `{ min, max }`.
 */
export function wholeNumber({
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
  digits = 7,
  error,
}: {
  min?: number;
  max?: number;
  digits?: number;
  error?: FieldError;
}) {
  const pattern = new RegExp(`^\\d{1,${digits}}$`);
  return field().transform((value, ctx) => {
    const n = pattern.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      return reject(ctx, error ?? { key: 'bo.form.error.intRange', params: { min, max } });
    return n;
  });
}

export type AmountRules = {
  /** The amount cannot be read (`parseAmountToCents` refused it). */
  invalid: FieldError;
  /** Above MAX_AMOUNT_CENTS; defaults to `invalid`. */
  tooLarge?: FieldError;
  /** Written with a sign; defaults to `invalid`. */
  signed?: FieldError;
  /** An empty field is this amount instead of a refusal. */
  empty?: number;
  min?: number;
  max?: number;
  /** Refusal outside min..max; defaults to `invalid`. */
  range?: FieldError;
};

/** An amount as people type it (`1.234,56`, `1,234.56`), in cents, within MAX_AMOUNT_CENTS. */
export function amount(rules: AmountRules) {
  return field().transform((value, ctx) => {
    if (value === '' && rules.empty !== undefined) return rules.empty;
    const parsed = parseAmountToCents(value);
    if (!parsed.ok) {
      if (parsed.code === 'tooLarge') return reject(ctx, rules.tooLarge ?? rules.invalid);
      if (parsed.code === 'signed') return reject(ctx, rules.signed ?? rules.invalid);
      return reject(ctx, rules.invalid);
    }
    if ((rules.min !== undefined && parsed.cents < rules.min) || (rules.max !== undefined && parsed.cents > rules.max))
      return reject(ctx, rules.range ?? rules.invalid);
    return parsed.cents;
  });
}

/** A checkbox: true when the name was posted at all. */
export function checkbox() {
  return posted().transform((value) => value !== undefined);
}

/**
 * A file field: the posted file (possibly empty), or null when none was posted. Never refuses:
 * uploads answer their own refusals (empty, too large: 413) before anything is read.
 */
export function upload() {
  return posted().transform((value) => {
    const first = Array.isArray(value) ? value[0] : value;
    // Any value that is not text is the file: FormData has no third kind, and the File class
    // differs between the runtimes a form is read in.
    return first !== undefined && first !== null && typeof first !== 'string' ? (first as File) : null;
  });
}

/** One of a fixed set of values (a select, radio buttons, an intent button), exactly as posted. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, error: FieldError) {
  return field({ trim: false }).transform((value, ctx) =>
    (values as readonly string[]).includes(value) ? (value as T[number]) : reject(ctx, error),
  );
}

/** A name posted any number of times (checkboxes): every text value, each parsed by `item`. */
export function repeated<T extends z.ZodType>(item: T) {
  return posted()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
    .transform((values): unknown[] => values.filter((v) => typeof v === 'string'))
    .pipe(z.array(item));
}

/** A well-formed id (any UUID version), exactly as posted, as `isUuid` reads it. */
export function uuid(error: FieldError) {
  return field({ trim: false }).transform((value, ctx) => (isUuid(value) ? value : reject(ctx, error)));
}

/**
 * The `intent` field of a form with several actions (which button was pressed): one of the
 * values of `intents`; anything else is refused as an unknown action.
 */
export function intentSchema<const I extends Record<string, string>>(
  intents: I,
  error: FieldError = { key: 'bo.form.error.unknownAction' },
) {
  const values = Object.values(intents) as [I[keyof I], ...I[keyof I][]];
  return z.object({ intent: choice(values, error) });
}
