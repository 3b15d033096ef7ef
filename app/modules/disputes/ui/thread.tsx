import { formatDateTime, localeTags, type Locale } from '~/utils/i18n';
import type { ThreadMessage, UiContext } from './types';

export function formatBytes(bytes: number, locale: Locale) {
  const format = (n: number, unit: string) =>
    `${new Intl.NumberFormat(localeTags[locale], { maximumFractionDigits: 1 }).format(n)} ${unit}`;
  if (bytes < 1024) return format(bytes, 'B');
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'KB');
  return format(bytes / (1024 * 1024), 'MB');
}

const TYPE_LABEL: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/**
 * The conversation of a dispute. Message bodies are plain text rendered as React text nodes
 * (escaped; line breaks kept by CSS), never as HTML.
 */
export function DisputeThread({
  messages,
  viewer,
  organizationName,
  debtorName,
  attachmentHref,
  t,
  locale,
}: UiContext & {
  messages: ThreadMessage[];
  viewer: 'debtor' | 'staff';
  organizationName: string;
  debtorName: string;
  attachmentHref: (attachmentId: string) => string;
}) {
  const authorOf = (m: ThreadMessage) => {
    if (m.author === 'debtor') return viewer === 'debtor' ? t('dispute.thread.you') : debtorName;
    if (m.author === 'system') return t('dispute.thread.system');
    if (viewer === 'staff') return m.staffName ?? organizationName;
    return m.staffName
      ? t('dispute.thread.staffOf', { name: m.staffName, organization: organizationName })
      : organizationName;
  };
  return (
    <ol className="dispute-thread">
      {messages.map((m) => (
        <li
          key={m.id}
          className={`dispute-message from-${m.author}${m.internal ? ' internal' : ''}`}
          data-testid={m.internal ? 'internal-note' : 'dispute-message'}
        >
          <p className="dispute-message-head">
            <span className="dispute-author">{authorOf(m)}</span>
            {m.internal ? <span className="badge warn">{t('dispute.thread.internal')}</span> : null}
            <time className="muted small" dateTime={m.createdAt}>
              {formatDateTime(m.createdAt, locale)}
            </time>
          </p>
          <p className="dispute-body">{m.body}</p>
          {m.attachments.length > 0 ? (
            <ul className="dispute-attachments" aria-label={t('dispute.thread.attachments')}>
              {m.attachments.map((a) => (
                <li key={a.id}>
                  <a href={attachmentHref(a.id)} download>
                    {a.filename}
                  </a>{' '}
                  <span className="muted small">
                    ({TYPE_LABEL[a.contentType] ?? a.contentType}, {formatBytes(a.sizeBytes, locale)})
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
