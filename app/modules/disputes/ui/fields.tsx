import { MAX_FILES_PER_MESSAGE, MAX_MESSAGE_LENGTH } from '~/modules/disputes/constants';
import { ALLOWED_TYPES, EXTENSION } from '~/modules/disputes/file-type';
import type { DisputeErrorCode } from '~/modules/disputes/forms.server';
import type { UiContext } from './types';

/** The text of an error code, with the refused file's name where there is one. */
export function errorText(t: UiContext['t'], code: DisputeErrorCode, fileName?: string) {
  return t(`dispute.error.${code}`, { name: fileName ?? '', max: MAX_FILES_PER_MESSAGE, length: MAX_MESSAGE_LENGTH });
}

export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

export function MessageField({
  t,
  id,
  label,
  hint,
  error,
  defaultValue,
  name = 'message',
  required = true,
}: Pick<UiContext, 't'> & {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  defaultValue?: string;
  name?: string;
  required?: boolean;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={6}
        maxLength={MAX_MESSAGE_LENGTH}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      <p className="hint small">{t('dispute.form.messageLimit', { length: MAX_MESSAGE_LENGTH })}</p>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

const ACCEPT = [...ALLOWED_TYPES, ...Object.values(EXTENSION), '.jpeg'].join(',');

export function AttachmentsField({ t, id, error }: Pick<UiContext, 't'> & { id: string; error: string | null }) {
  return (
    <div className="field">
      <label htmlFor={id}>{t('dispute.form.attachments')}</label>
      <p className="hint" id={`${id}-hint`}>
        {t('dispute.form.attachmentsHint', { max: MAX_FILES_PER_MESSAGE })}
      </p>
      <input
        id={id}
        type="file"
        name="attachments"
        multiple
        accept={ACCEPT}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
