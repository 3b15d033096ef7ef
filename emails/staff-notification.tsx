import { CallToAction, EmailShell, P, Title } from './_lib/layout';
import type { EmailLocale, EmailOrganization } from './_lib/types';
import { textFor } from './messages';

/** A notice to the creditor's finance or support staff; not to a debtor. */
export type StaffNotificationProps = {
  locale: EmailLocale;
  organization: EmailOrganization;
  title: string;
  lines: string[];
  /** Absolute URL of the back-office page to act on. */
  backOfficeUrl: string;
};

export function subject(props: StaffNotificationProps): string {
  return textFor(props.locale)('staff.subject', { org: props.organization.name, title: props.title });
}

export function StaffNotification(props: StaffNotificationProps) {
  const t = textFor(props.locale);
  return (
    <EmailShell
      locale={props.locale}
      organization={props.organization}
      preview={props.lines[0] ?? props.title}
      footerNote={t('staff.footer', { org: props.organization.name })}
    >
      <Title>{props.title}</Title>
      <P>{t('staff.greeting')}</P>
      {props.lines.map((line, i) => (
        <P key={i}>{line}</P>
      ))}
      <CallToAction
        locale={props.locale}
        href={props.backOfficeUrl}
        label={t('cta.backoffice')}
        brandColor={props.organization.brandColor}
        personal={false}
      />
    </EmailShell>
  );
}

StaffNotification.PreviewProps = {
  locale: 'nl',
  organization: {
    name: 'Veldkamp Installatietechniek',
    legalName: 'Veldkamp Installatietechniek B.V.',
    brandColor: '#0b5d4b',
    kvkNumber: '12345678',
    iban: 'NL91ABNA0417164300',
  },
  title: 'Nieuw voorstel voor een betalingsregeling',
  lines: ['Sanne de Vries stelt voor € 544,50 in 4 termijnen te betalen.', 'Het voorstel wacht op uw beoordeling.'],
  backOfficeUrl: 'http://localhost:3000/app/plans',
} satisfies StaffNotificationProps;

export default StaffNotification;
