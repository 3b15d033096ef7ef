import { useT } from '~/utils/i18n/react';

/** What a debtor needs to reach the creditor: the public contact details, nothing else. */
export type CreditorContactDetails = {
  name: string;
  email: string | null;
  phone: string | null;
  website: string | null;
};

/** The organisation's public contact details as a page may send them to the browser. */
export function contactDetails(org: {
  name: string;
  email?: string | null;
  phone?: string | null;
  website?: string | null;
}): CreditorContactDetails {
  return { name: org.name, email: org.email ?? null, phone: org.phone ?? null, website: org.website ?? null };
}

/**
 * A dialable `tel:` target: digits, with the leading + of an international number kept and the
 * trunk prefix written as "(0)" ("+31 (0)20 …") dropped, as it is not dialled from abroad.
 */
export function telHref(phone: string): string | null {
  const digits = phone
    .replace(/\(0\)/g, '')
    .replace(/[^\d+]/g, '')
    .replace(/(?!^)\+/g, '');
  return /\d{3,}/.test(digits) ? `tel:${digits}` : null;
}

/** Only web addresses open as links (never `javascript:` or the like); an address without a scheme gets https. */
export function websiteHref(website: string): string | null {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(website) ? website : `https://${website}`;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The address as a reader would type it: without the scheme, "www." or a trailing slash. */
function websiteLabel(href: string): string {
  return href.replace(/^https?:\/\//i, '').replace(/\/$/, '');
}

/**
 * The creditor's email (mailto:), phone (tel:) and website, as a region with its own heading so it
 * can be reached from the header's "Contact" link (`#contact`) and by landmark.
 */
export function CreditorContact({
  contact,
  headingLevel = 2,
}: {
  contact: CreditorContactDetails;
  headingLevel?: 2 | 3;
}) {
  const t = useT();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const tel = contact.phone ? telHref(contact.phone) : null;
  const web = contact.website ? websiteHref(contact.website) : null;
  const rows = [
    contact.email ? { label: t('portal.contact.email'), href: `mailto:${contact.email}`, text: contact.email } : null,
    contact.phone && tel ? { label: t('portal.contact.phone'), href: tel, text: contact.phone } : null,
    web ? { label: t('portal.contact.website'), href: web, text: websiteLabel(web) } : null,
  ].filter((row) => row !== null);
  return (
    <section id="contact" className="creditor-contact" aria-labelledby="contact-title">
      <Heading id="contact-title" className="creditor-contact-title">
        {t('portal.contact.title')}
      </Heading>
      <p>{t('portal.footer.questions', { organization: contact.name })}</p>
      {rows.length > 0 ? (
        <dl className="creditor-contact-list">
          {rows.map((row) => (
            <div key={row.href}>
              <dt>{row.label}</dt>
              <dd>
                <a href={row.href} rel={row.href.startsWith('http') ? 'noopener noreferrer' : undefined}>
                  {row.text}
                </a>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>{t('portal.contact.none')}</p>
      )}
    </section>
  );
}
