/**
 * The dispute forms' rules, as zod schemas whose every issue message is an error code; the
 * code names a translation (`dispute.error.<code>`) shown next to the field.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { errorsByField, text } from '~/utils/forms';
import { hasForbiddenControlChars } from '~/utils/limits';
import { parseAmountToCents } from '~/utils/money';
import { DISPUTE_REASONS, MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE, MAX_MESSAGE_LENGTH } from './constants';
import { detectFileType, safeFilename, type AllowedType } from './file-type';
import { readDisputeForm, type FormReadError, type UploadedFile } from './upload.server';

export type DisputeErrorCode =
  | FormReadError
  | 'message_empty'
  | 'reason_invalid'
  | 'scope_invalid'
  | 'amount_invalid'
  | 'amount_too_high'
  | 'amount_too_large'
  | 'control_chars'
  | 'file_type'
  | 'note_required'
  | 'note_too_long'
  | 'confirm_withdraw'
  | 'invoice_not_open'
  | 'already_disputed'
  | 'not_active'
  | 'credit_too_high'
  | 'intent_invalid'
  | 'awaiting_answer'
  | 'nothing_to_accept'
  | 'not_a_dispute'
  | 'not_a_question'
  | 'already_asked';

export type FieldErrors = Partial<
  Record<'scope' | 'amount' | 'reason' | 'message' | 'attachments' | 'note' | 'confirm' | 'form', DisputeErrorCode>
>;

/** Browsers send textarea line breaks as CRLF; one line break is one character. */
export function normalizeText(value: string): string {
  return value.replace(/\r\n?/g, '\n').trim();
}

/** Messages and notes are multi-line: tab and line breaks pass, other control characters (NUL) do not. */
const noControlChars = (value: string) => !hasForbiddenControlChars(value, 'multiline');

const messageField = z
  .string({ error: 'message_empty' })
  .transform(normalizeText)
  .pipe(
    z
      .string()
      .min(1, { error: 'message_empty' })
      .max(MAX_MESSAGE_LENGTH, { error: 'message_too_long' })
      .refine(noControlChars, { error: 'control_chars' }),
  );

const amountField = z.string({ error: 'amount_invalid' }).transform((value, ctx) => {
  const parsed = parseAmountToCents(value);
  if (!parsed.ok || parsed.cents <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: !parsed.ok && parsed.code === 'tooLarge' ? 'amount_too_large' : 'amount_invalid',
    });
    return z.NEVER;
  }
  return parsed.cents;
});

export const openDisputeSchema = z
  .object({
    scope: z.enum(['full', 'part'], { error: 'scope_invalid' }),
    amount: z.string().optional(),
    reason: z.enum(DISPUTE_REASONS, { error: 'reason_invalid' }),
    message: messageField,
  })
  .transform((value, ctx) => {
    if (value.scope === 'full') return { ...value, amountCents: null };
    const amount = amountField.safeParse(value.amount ?? '');
    if (!amount.success) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: amount.error.issues[0]?.message ?? 'amount_invalid' });
      return z.NEVER;
    }
    return { ...value, amountCents: amount.data };
  });

export const messageSchema = z.object({ message: messageField });

export const creditSchema = z.object({
  amount: amountField,
  note: z
    .string()
    .optional()
    .transform((v) => normalizeText(v ?? ''))
    .pipe(
      z.string().max(MAX_MESSAGE_LENGTH, { error: 'note_too_long' }).refine(noControlChars, { error: 'control_chars' }),
    ),
});

export const rejectSchema = z.object({
  note: z
    .string({ error: 'note_required' })
    .transform(normalizeText)
    .pipe(
      z
        .string()
        .min(1, { error: 'note_required' })
        .max(MAX_MESSAGE_LENGTH, { error: 'note_too_long' })
        .refine(noControlChars, { error: 'control_chars' }),
    ),
});

export const withdrawSchema = z.object({ confirm: z.literal('yes', { error: 'confirm_withdraw' }) });

/**
 * The question form (a plain form, read with parseForm): one bounded multi-line message; line
 * breaks count once, control characters such as NUL are refused.
 */
export const questionSchema = z.object({
  message: z.preprocess(
    (value) => (typeof value === 'string' ? normalizeText(value) : value),
    text({
      required: { key: 'dispute.error.message_empty' },
      max: MAX_MESSAGE_LENGTH,
      tooLong: { key: 'dispute.error.message_too_long', params: { length: MAX_MESSAGE_LENGTH } },
      kind: 'multiline',
      controlChars: { key: 'dispute.error.control_chars' },
    }),
  ),
});

/** Staff closing a question: whether the invoice's manual hold ends with it. */
export const closeQuestionSchema = z.object({
  liftHold: z
    .unknown()
    .optional()
    .transform((value) => value === 'yes'),
});

/**
 * First issue per field, as error codes (the shared form reading of app/utils/forms.ts, with the
 * dispute pages' own error shape: a code the page translates as `dispute.error.<code>`).
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  return errorsByField(error, (issue) => issue.message as DisputeErrorCode) as FieldErrors;
}

export type CheckedFile = {
  filename: string;
  contentType: AllowedType;
  data: Buffer;
  sizeBytes: number;
  sha256: string;
};

/**
 * Attachments are accepted by content: PDF, JPEG or PNG magic bytes, at most 10 MB, at most
 * five. The first refused file names the error.
 */
export function checkFiles(
  files: UploadedFile[],
): { ok: true; files: CheckedFile[] } | { ok: false; error: DisputeErrorCode; filename?: string } {
  if (files.length > MAX_FILES_PER_MESSAGE) return { ok: false, error: 'too_many_files' };
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.data.length > MAX_FILE_BYTES) return { ok: false, error: 'file_too_large', filename: file.filename };
    const type = detectFileType(file.data);
    if (!type) return { ok: false, error: 'file_type', filename: file.filename };
    checked.push({
      filename: safeFilename(file.filename, type),
      contentType: type,
      data: file.data,
      sizeBytes: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
    });
  }
  return { ok: true, files: checked };
}

export type Submission =
  | { ok: true; fields: Record<string, string>; files: CheckedFile[] }
  | { ok: false; fields: Record<string, string>; errors: FieldErrors; fileName?: string };

/**
 * Reads a dispute form and checks its attachments: a refused upload (too big, too many, not a
 * PDF/JPEG/PNG) becomes a field error, never an exception.
 */
export async function readSubmission(request: Request): Promise<Submission> {
  const read = await readDisputeForm(request);
  if (!read.ok) {
    const field = read.error === 'message_too_long' ? 'message' : read.error === 'malformed' ? 'form' : 'attachments';
    return { ok: false, fields: read.fields, errors: { [field]: read.error } };
  }
  const checked = checkFiles(read.files);
  if (!checked.ok)
    return { ok: false, fields: read.fields, errors: { attachments: checked.error }, fileName: checked.filename };
  return { ok: true, fields: read.fields, files: checked.files };
}

/** Which field a service refusal belongs next to. */
export function refusalField(error: DisputeErrorCode): keyof FieldErrors {
  if (error === 'amount_invalid' || error === 'amount_too_high' || error === 'credit_too_high') return 'amount';
  if (error === 'message_empty' || error === 'message_too_long') return 'message';
  return 'form';
}
