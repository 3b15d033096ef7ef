import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Img,
  Link,
  Preview,
  Section,
  Text,
} from '@react-email/components';
import type { CSSProperties, ReactNode } from 'react';
import { textFor } from '~emails/messages';
import { day, money } from './format';
import type { EmailInvoice, EmailLocale, EmailOrganization, PlanInstallment } from './types';

const HOUSE_COLOR = '#0b5d4b';
const INK = '#1f2933';
const MUTED = '#52606d';
const LINE = '#d9dee3';

/** A '#rrggbb' colour, or the house colour: the value ends up inside a style attribute. */
export function safeColor(value: string | null | undefined): string {
  if (value && /^#[0-9a-fA-F]{6}$/.test(value)) return value.toLowerCase();
  if (value && /^#[0-9a-fA-F]{3}$/.test(value)) {
    return `#${[...value.slice(1)].map((c) => c + c).join('')}`.toLowerCase();
  }
  return HOUSE_COLOR;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function textColorOn(background: string): string {
  const l = luminance(background);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / 0.0611;
  return onWhite >= onDark ? '#ffffff' : '#111111';
}

export function safeUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

const styles = {
  body: { backgroundColor: '#f4f5f7', fontFamily: 'Helvetica, Arial, sans-serif', color: INK, margin: 0 },
  container: { backgroundColor: '#ffffff', maxWidth: '600px', margin: '24px auto', borderRadius: '8px' },
  content: { padding: '8px 32px 24px' },
  heading: { fontSize: '22px', lineHeight: '30px', margin: '16px 0 8px', color: INK },
  text: { fontSize: '16px', lineHeight: '24px', margin: '12px 0', color: INK },
  small: { fontSize: '13px', lineHeight: '20px', margin: '6px 0', color: MUTED },
  table: { width: '100%', borderCollapse: 'collapse', fontSize: '15px', margin: '16px 0' },
  th: {
    textAlign: 'left',
    fontWeight: 600,
    padding: '8px 6px',
    borderBottom: `2px solid ${LINE}`,
    color: MUTED,
    fontSize: '13px',
  },
  td: { padding: '8px 6px', borderBottom: `1px solid ${LINE}`, verticalAlign: 'top' },
  amount: { textAlign: 'right', whiteSpace: 'nowrap' },
  quote: {
    borderLeft: `4px solid ${LINE}`,
    padding: '4px 0 4px 16px',
    margin: '12px 0',
    whiteSpace: 'pre-wrap',
    fontSize: '16px',
    lineHeight: '24px',
  },
} satisfies Record<string, CSSProperties>;

export function EmailShell(props: {
  locale: EmailLocale;
  organization: EmailOrganization;
  preview: string;
  children: ReactNode;
  footerNote?: string;
}) {
  const { locale, organization } = props;
  const t = textFor(locale);
  const brand = safeColor(organization.brandColor);
  const logo = safeUrl(organization.logoUrl);
  const legal = [
    organization.legalName,
    organization.kvkNumber ? t('footer.kvk', { kvk: organization.kvkNumber }) : null,
    organization.iban ? t('footer.iban', { iban: formatIban(organization.iban) }) : null,
  ].filter(Boolean);
  return (
    <Html lang={locale} dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
      </Head>
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={{ ...styles.container, borderTop: `6px solid ${brand}` }}>
          <Section style={{ padding: '20px 32px 0' }}>
            {logo ? (
              <Img src={logo} alt={organization.name} height="40" style={{ height: '40px', width: 'auto' }} />
            ) : (
              <Text style={{ fontSize: '18px', fontWeight: 700, margin: 0, color: brand }}>{organization.name}</Text>
            )}
          </Section>
          <Section style={styles.content}>{props.children}</Section>
          <Hr style={{ borderColor: LINE, margin: 0 }} />
          <Section style={{ padding: '16px 32px 24px' }}>
            <Text style={styles.small}>
              {props.footerNote ?? sentence(t('footer.sentFor', { legalName: organization.legalName }))}
            </Text>
            <Text style={styles.small}>{legal.join(' · ')}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export function Title({ children }: { children: ReactNode }) {
  return (
    <Heading as="h1" style={styles.heading}>
      {children}
    </Heading>
  );
}

export function P({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

export function Quote({ children }: { children: ReactNode }) {
  return <Text style={styles.quote}>{children}</Text>;
}

/** The button plus the same link as text, for clients that block buttons and for the plain-text part. */
export function CallToAction(props: {
  locale: EmailLocale;
  href: string;
  label: string;
  brandColor: string;
  personal?: boolean;
}) {
  const t = textFor(props.locale);
  const brand = safeColor(props.brandColor);
  return (
    <Section style={{ margin: '24px 0 8px' }}>
      <Button
        href={props.href}
        style={{
          backgroundColor: brand,
          color: textColorOn(brand),
          padding: '14px 24px',
          borderRadius: '6px',
          fontSize: '16px',
          fontWeight: 600,
          textDecoration: 'none',
          display: 'inline-block',
        }}
      >
        {props.label}
      </Button>
      <Text style={{ ...styles.small, marginTop: '16px' }}>{t('cta.fallback')}</Text>
      <Text style={{ ...styles.small, wordBreak: 'break-all' }}>
        <Link href={props.href} style={{ color: brand }}>
          {props.href}
        </Link>
      </Text>
      {props.personal === false ? null : <Text style={styles.small}>{t('cta.personal')}</Text>}
    </Section>
  );
}

export function InvoiceTable({ locale, invoices }: { locale: EmailLocale; invoices: EmailInvoice[] }) {
  const t = textFor(locale);
  if (invoices.length === 0) return null;
  return (
    <table style={styles.table} cellPadding={0} cellSpacing={0} data-text-format="dataTable">
      <caption style={{ ...styles.small, textAlign: 'left', captionSide: 'top' }}>{t('invoices.caption')}</caption>
      <thead>
        <tr>
          <th scope="col" style={styles.th}>
            {t('invoices.number')}
          </th>
          <th scope="col" style={styles.th}>
            {t('invoices.dueDate')}
          </th>
          <th scope="col" style={{ ...styles.th, ...styles.amount }}>
            {t('invoices.open')}
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => (
          <tr key={invoice.number}>
            <td style={styles.td}>
              {invoice.number}
              <br />
              <span style={{ color: MUTED, fontSize: '13px' }}>
                {t('invoices.issueDate')}: {day(invoice.issueDate, locale)}
              </span>
            </td>
            <td style={styles.td}>{day(invoice.dueDate, locale)}</td>
            <td style={{ ...styles.td, ...styles.amount }}>{money(invoice.openCents, locale, invoice.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export type AmountLine = { label: string; cents: number; strong?: boolean };

export function AmountLines({
  locale,
  lines,
  currency,
}: {
  locale: EmailLocale;
  lines: AmountLine[];
  currency: string;
}) {
  return (
    <table role="presentation" style={styles.table} cellPadding={0} cellSpacing={0} data-text-format="dataTable">
      <tbody>
        {lines.map((line) => (
          <tr key={line.label}>
            <td style={{ ...styles.td, fontWeight: line.strong ? 700 : 400 }}>{line.label}</td>
            <td style={{ ...styles.td, ...styles.amount, fontWeight: line.strong ? 700 : 400 }}>
              {money(line.cents, locale, currency)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ScheduleTable(props: {
  locale: EmailLocale;
  installments: PlanInstallment[];
  totalCents: number;
  currency: string;
}) {
  const t = textFor(props.locale);
  return (
    <table style={styles.table} cellPadding={0} cellSpacing={0} data-text-format="dataTable">
      <caption style={{ ...styles.small, textAlign: 'left', captionSide: 'top' }}>{t('schedule.caption')}</caption>
      <thead>
        <tr>
          <th scope="col" style={styles.th}>
            {t('schedule.number')}
          </th>
          <th scope="col" style={styles.th}>
            {t('schedule.dueDate')}
          </th>
          <th scope="col" style={{ ...styles.th, ...styles.amount }}>
            {t('schedule.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.installments.map((i) => (
          <tr key={i.number}>
            <td style={styles.td}>{i.number}</td>
            <td style={styles.td}>{day(i.dueDate, props.locale)}</td>
            <td style={{ ...styles.td, ...styles.amount }}>{money(i.amountCents, props.locale, props.currency)}</td>
          </tr>
        ))}
        <tr>
          <td style={{ ...styles.td, fontWeight: 700 }} colSpan={2}>
            {t('schedule.total')}
          </td>
          <td style={{ ...styles.td, ...styles.amount, fontWeight: 700 }}>
            {money(props.totalCents, props.locale, props.currency)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

export function SignOff({ locale, organization }: { locale: EmailLocale; organization: EmailOrganization }) {
  const t = textFor(locale);
  return (
    <>
      <Text style={styles.text}>
        {organization.email ? t('questions', { email: organization.email }) : t('questionsNoEmail')}
      </Text>
      <Text style={styles.text}>
        {t('signoff')}
        <br />
        {organization.name}
      </Text>
    </>
  );
}

/** Ends the text with one full stop ("… B.V." stays as it is). */
function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function formatIban(iban: string): string {
  return iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1 ');
}
