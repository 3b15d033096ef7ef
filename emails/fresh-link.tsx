import { DebtorEmail } from './_lib/debtor-email';
import { instant } from './_lib/format';
import { P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type FreshLinkProps = DebtorEmailProps & {
  /** When the new link stops working (ISO instant); the sentence about validity is left out without it. */
  expiresAt?: string | Date | null;
};

export function subject(props: FreshLinkProps): string {
  return textFor(props.locale)('fresh.subject', { org: props.organization.name });
}

export function FreshLink(props: FreshLinkProps) {
  const t = textFor(props.locale);
  const org = props.organization.name;
  const intro = props.expiresAt
    ? t('fresh.intro', { org, expires: instant(props.expiresAt, props.locale) })
    : t('fresh.introNoExpiry', { org });
  return (
    <DebtorEmail
      base={props}
      preview={intro}
      heading={t('fresh.heading')}
      cta="cta.portal"
      after={<P>{t('fresh.notYou')}</P>}
    >
      <P>{intro}</P>
    </DebtorEmail>
  );
}

FreshLink.PreviewProps = { ...previewBase(), expiresAt: '2026-12-20T09:00:00.000Z' } satisfies FreshLinkProps;

export default FreshLink;
