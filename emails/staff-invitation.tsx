import { instant } from './_lib/format';
import { CallToAction, EmailShell, P, Title } from './_lib/layout';
import type { EmailLocale, EmailOrganization } from './_lib/types';
import { textFor } from './messages';

/** An invitation to join the creditor's staff in the back office; to the invitee, not to a debtor. */
export type StaffInvitationProps = {
  locale: EmailLocale;
  organization: EmailOrganization;
  /** The one-time invitation link (absolute URL). */
  inviteUrl: string;
  role: 'admin' | 'finance' | 'support';
  /** When the link stops working (ISO instant). */
  expiresAt: string;
  /** The admin who sent it, when known. */
  inviterName?: string | null;
};

export function subject(props: StaffInvitationProps): string {
  return textFor(props.locale)('invite.subject', { org: props.organization.name });
}

export function StaffInvitation(props: StaffInvitationProps) {
  const t = textFor(props.locale);
  const org = props.organization.name;
  const role = t(`invite.role.${props.role}`);
  const intro = props.inviterName
    ? t('invite.intro', { inviter: props.inviterName, org, role })
    : t('invite.introAnonymous', { org, role });
  return (
    <EmailShell
      locale={props.locale}
      organization={props.organization}
      preview={intro}
      footerNote={t('invite.footer', { org })}
    >
      <Title>{t('invite.heading')}</Title>
      <P>{t('staff.greeting')}</P>
      <P>{intro}</P>
      <P>{t('invite.setup')}</P>
      <CallToAction
        locale={props.locale}
        href={props.inviteUrl}
        label={t('cta.acceptInvite')}
        brandColor={props.organization.brandColor}
      />
      <P>{t('invite.expires', { expires: instant(props.expiresAt, props.locale) })}</P>
      <P>{t('invite.notYou')}</P>
    </EmailShell>
  );
}

StaffInvitation.PreviewProps = {
  locale: 'nl',
  organization: {
    name: 'Veldkamp Installatietechniek',
    legalName: 'Veldkamp Installatietechniek B.V.',
    brandColor: '#0b5d4b',
    kvkNumber: '12345678',
    iban: 'NL91ABNA0417164300',
  },
  inviteUrl: 'http://localhost:3000/invite/preview-token',
  role: 'finance',
  expiresAt: '2026-11-30T09:00:00.000Z',
  inviterName: 'Chantal Bakker',
} satisfies StaffInvitationProps;

export default StaffInvitation;
