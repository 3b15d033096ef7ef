import type { ReactNode } from 'react';
import { countFor, textFor, type EmailCountedKey, type EmailMessageKey } from '~emails/messages';
import { CallToAction, EmailShell, P, SignOff, Title } from './layout';
import type { DebtorEmailProps } from './types';

/** The frame of every email to a debtor: greeting, body, call to action with the portal link, sign-off. */
export function DebtorEmail(props: {
  base: DebtorEmailProps;
  preview: string;
  heading: string;
  cta: EmailMessageKey;
  children: ReactNode;
  after?: ReactNode;
}) {
  const { base } = props;
  const t = textFor(base.locale);
  return (
    <EmailShell locale={base.locale} organization={base.organization} preview={props.preview}>
      <Title>{props.heading}</Title>
      <P>{t('greeting', { name: base.debtor.name })}</P>
      {props.children}
      <CallToAction
        locale={base.locale}
        href={base.portalUrl}
        label={t(props.cta)}
        brandColor={base.organization.brandColor}
      />
      {props.after}
      <SignOff locale={base.locale} organization={base.organization} />
    </EmailShell>
  );
}

/** "invoice 2026-0012" for one invoice, "3 outstanding invoices" for more (the pair `subject.one` / `.other`). */
export function countedSubject(
  base: DebtorEmailProps,
  subject: EmailCountedKey,
  extra: Record<string, string | number> = {},
): string {
  const params = { org: base.organization.name, number: base.invoices[0]?.number ?? '', ...extra };
  return countFor(base.locale)(subject, base.invoices.length, params);
}
