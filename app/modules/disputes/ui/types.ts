import type { Locale, MessageKey, Params } from '~/utils/i18n';

/** Components take the translator as a prop, so they render the same in a route and in a test. */
export type Translate = (key: MessageKey, params?: Params) => string;
export type UiContext = { t: Translate; locale: Locale };

export type ThreadAttachment = { id: string; filename: string; contentType: string; sizeBytes: number };
export type ThreadMessage = {
  id: string;
  author: 'debtor' | 'staff' | 'system';
  body: string;
  internal: boolean;
  createdAt: string;
  staffName: string | null;
  attachments: ThreadAttachment[];
};
