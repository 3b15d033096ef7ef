import { describe, expect, it } from 'vitest';
import { safeColor, textColorOn } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { EmailLocale } from './_lib/types';
import { en, nl } from './messages';
import { isTemplateName, previewProps, renderEmail as renderRaw, TEMPLATE_NAMES, type TemplateName } from './render';

/** Money is formatted with no-break spaces ("€\u00a0484,00"); the assertions read plain spaces. */
async function renderEmail<T extends TemplateName>(...args: Parameters<typeof renderRaw<T>>) {
  const email = await renderRaw(...args);
  return { ...email, text: email.text.replace(/\u00a0|\u202f/g, ' ') };
}

/** What each template's preview must show, per language: amounts and dates as a reader sees them. */
const EXPECTED: Record<TemplateName, Record<EmailLocale, string[]>> = {
  friendly_reminder: {
    nl: ['2026-0142', '€ 484,00', '15 oktober 2026', '€ 544,50', 'Mogelijk zijn de facturen u ontgaan'],
    en: ['2026-0142', '€484.00', '15 October 2026', '€544.50'],
  },
  second_reminder: { nl: ['€ 484,00', '15 oktober 2026', '€ 544,50'], en: ['€484.00', '15 October 2026', '€544.50'] },
  final_notice: { nl: ['€ 484,00', '15 oktober 2026', '€ 81,68'], en: ['€484.00', '15 October 2026', '€81.68'] },
  collection_handover: { nl: ['€ 484,00', '15 oktober 2026', '€ 81,68', '€ 630,30'], en: ['€484.00', '€630.30'] },
  payment_received: { nl: ['€ 484,00', '20 november 2026', '€ 60,50'], en: ['€484.00', '20 November 2026', '€60.50'] },
  fresh_link: { nl: ['20 december 2026 om 10:00'], en: ['20 December 2026 at 10:00'] },
  plan_proposed_received: { nl: ['€ 136,13', '15 november 2026', '€ 544,50'], en: ['€136.13', '15 November 2026'] },
  plan_approved: { nl: ['€ 136,13', '15 november 2026'], en: ['€136.13', '15 November 2026'] },
  plan_rejected: { nl: ['€ 484,00', '15 oktober 2026', 'zes termijnen'], en: ['€484.00', '15 October 2026'] },
  plan_countered: { nl: ['€ 136,13', '15 november 2026', '1 december 2026'], en: ['€136.13', '1 December 2026'] },
  installment_reminder: {
    nl: ['€ 136,13', '15 december 2026', 'termijn 2 van 4'],
    en: ['€136.13', '15 December 2026'],
  },
  installment_missed: { nl: ['€ 136,13', '15 december 2026', '22 december 2026'], en: ['€136.13', '22 December 2026'] },
  plan_defaulted: { nl: ['€ 484,00', '15 oktober 2026', '€ 544,50'], en: ['€484.00', '15 October 2026'] },
  promise_confirmed: { nl: ['€ 544,50', '1 december 2026', '15 oktober 2026'], en: ['€544.50', '1 December 2026'] },
  promise_broken: { nl: ['€ 544,50', '1 december 2026', '15 oktober 2026'], en: ['€544.50', '1 December 2026'] },
  dispute_opened: {
    nl: ['2026-0142', 'BZ-2026-0042', 'bedrag klopt niet', '48 uur'],
    en: ['the amount is wrong', '48 hours'],
  },
  dispute_reply: { nl: ['2026-0142', 'Chantal Bakker', 'foto van de geleverde onderdelen'], en: ['invoice 2026-0142'] },
  dispute_resolved: { nl: ['2026-0142', '€ 80,00', '€ 404,00', 'voorrijtarief'], en: ['€80.00', '€404.00'] },
  staff_notification: {
    nl: ['Sanne de Vries stelt voor € 544,50', 'wacht op uw beoordeling'],
    en: ['Open in the back office'],
  },
  staff_invitation: {
    nl: ['Chantal Bakker nodigt u uit', 'Veldkamp Installatietechniek', 'Financiën', '30 november 2026 om 10:00'],
    en: ['Chantal Bakker invites you', 'with the role Finance', '30 November 2026 at 10:00', 'Accept the invitation'],
  },
  promise_kept: {
    nl: ['€ 544,50', '1 december 2026', 'Voor de facturen 2026-0142, 2026-0187 staat niets meer open'],
    en: ['€544.50', '1 December 2026', 'Nothing is outstanding any more on invoices 2026-0142, 2026-0187'],
  },
  plan_completed: {
    nl: ['Uw betalingsregeling van € 544,50 is afgerond', '2026-0142, 2026-0187'],
    en: ['Your payment plan of €544.50 is complete', '2026-0142, 2026-0187'],
  },
};

/** Templates whose reader is staff (or an invitee), not a debtor: no greeting by name, no creditor's legal footer. */
const TO_STAFF: TemplateName[] = ['staff_notification', 'staff_invitation'];

function linkOf(template: TemplateName, props: Record<string, unknown>): string {
  if (template === 'staff_notification') return String(props.backOfficeUrl);
  if (template === 'staff_invitation') return String(props.inviteUrl);
  return String(props.portalUrl);
}

describe('every template, in Dutch and English', () => {
  for (const template of TEMPLATE_NAMES) {
    for (const locale of ['nl', 'en'] as const) {
      it(`${template} (${locale}) shows its amounts, dates and link in HTML and plain text`, async () => {
        const props = { ...previewProps(template), locale } as never;
        const email = await renderEmail(template, props);
        const link = linkOf(template, props);

        expect(email.subject.length).toBeGreaterThan(5);
        expect(email.html).toContain(`lang="${locale}"`);
        expect(email.html).toContain(`href="${link}"`);
        expect(email.text).toContain(link);
        for (const expected of EXPECTED[template][locale]) {
          expect(email.text).toContain(expected);
        }
        if (!TO_STAFF.includes(template)) {
          expect(email.text).toContain(locale === 'nl' ? 'Beste Sanne de Vries' : 'Dear Sanne de Vries');
          expect(email.text).toContain('Veldkamp Installatietechniek B.V.');
          expect(email.text).toContain('NL91 ABNA 0417 1643 00');
          expect(email.text).toContain('12345678');
        }
      });
    }
  }

  it('has an English text for every Dutch one', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const value of Object.values(en)) expect(value.trim()).not.toBe('');
  });
});

describe('friendly reminder', () => {
  it('uses the gentle tone for a single invoice', async () => {
    const base = previewBase();
    const one = { ...base, invoices: [base.invoices[0]], totals: { openCents: 48_400 } };
    const email = await renderEmail('friendly_reminder', one);
    expect(email.text).toContain('Mogelijk is de factuur u ontgaan.');
    expect(email.subject).toBe('Vriendelijke herinnering: factuur 2026-0142 van Veldkamp Installatietechniek');
  });
});

describe('final notice', () => {
  it('gives a consumer the exact collection costs and the safe fourteen-day wording', async () => {
    const email = await renderEmail('final_notice', { ...previewBase('nl', 'consumer'), sentOn: '2026-11-19' });
    // WIK staffel: 15% of EUR 544.50 = 81.675, rounded half up once.
    expect(email.text).toContain('incassokosten verschuldigd van € 81,68');
    expect(email.text).toContain('binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd');
    expect(email.text).toContain('loopt de termijn tot en met 3 december 2026');
    expect(email.text).not.toMatch(/dagtekening|na de datum van deze (brief|e-mail)/);
    // Costs are announced, not charged: the amount to pay now is the principal alone.
    expect(email.text).toMatch(/Nu te betalen\s+€ 544,50/);
    expect(email.subject).toBe('Laatste aanmaning: 2 openstaande facturen van Veldkamp Installatietechniek');
  });

  it('applies the EUR 40 minimum to a small consumer claim and keeps a computed amount given by the caller', async () => {
    const base = previewBase('nl', 'consumer');
    const small = { ...base, invoices: [{ ...base.invoices[0], openCents: 10_000 }], totals: { openCents: 10_000 } };
    expect((await renderEmail('final_notice', { ...small, sentOn: '2026-11-19' })).text).toContain(
      'incassokosten verschuldigd van € 40,00',
    );
    const given = { ...small, totals: { openCents: 10_000, costsCents: 4_840 } };
    expect((await renderEmail('final_notice', { ...given, sentOn: '2026-11-19' })).text).toContain(
      'incassokosten verschuldigd van € 48,40',
    );
  });

  it('words the consumer term the same way in English', async () => {
    const email = await renderEmail('final_notice', { ...previewBase('en', 'consumer'), sentOn: '2026-12-30' });
    expect(email.text).toContain('within fourteen days from the day after this letter is delivered to you');
    expect(email.text).toContain('up to and including 13 January 2027');
  });

  it('gives a business the EUR 40 minimum compensation and statutory commercial interest as separate lines', async () => {
    const base = previewBase('nl', 'business');
    const email = await renderEmail('final_notice', {
      ...base,
      totals: { openCents: 54_450, costsCents: 2_500, interestCents: 1_234 },
      sentOn: '2026-11-19',
    });
    expect(email.text).toMatch(/Vergoeding invorderingskosten \(BIK, ten minste € 40,00\)\s+€ 40,00/);
    expect(email.text).toMatch(/Wettelijke handelsrente tot en met 19 november 2026\s+€ 12,34/);
    expect(email.text).toMatch(/Totaal te betalen\s+€ 596,84/);
    expect(email.text).toContain('uiterlijk 3 december 2026');
    expect(email.text).not.toContain('veertien dagen vanaf de dag nadat');
  });
});

describe('branding and escaping', () => {
  it('refuses a brand colour or logo URL that could break out of the markup', async () => {
    const base = previewBase();
    const email = await renderEmail('friendly_reminder', {
      ...base,
      organization: { ...base.organization, brandColor: 'red;background:url(x)', logoUrl: 'javascript:alert(1)' },
    });
    expect(email.html).not.toContain('url(x)');
    expect(email.html).not.toContain('javascript:');
    expect(email.html).toContain('#0b5d4b');
  });

  it('shows an https logo and escapes what debtors and staff typed', async () => {
    const base = previewBase();
    const email = await renderEmail('dispute_reply', {
      ...base,
      organization: { ...base.organization, logoUrl: 'https://cdn.example/logo.png' },
      debtor: { name: 'Eve <script>alert(1)</script>', kind: 'consumer' },
      dispute: { reference: 'BZ-1', invoiceNumber: '2026-0142' },
      message: '<img src=x onerror=alert(1)>',
    });
    expect(email.html).toContain('src="https://cdn.example/logo.png"');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('picks a readable button text colour for the brand colour', () => {
    expect(textColorOn('#0b5d4b')).toBe('#ffffff');
    expect(textColorOn('#ffd400')).toBe('#111111');
    expect(safeColor('#ABC')).toBe('#aabbcc');
    expect(safeColor('blue')).toBe('#0b5d4b');
  });
});

describe('staff invitation', () => {
  it('names the organisation in the subject, works without an inviter name, and asks not to forward the link', async () => {
    const props = { ...previewProps('staff_invitation'), inviterName: null, role: 'support' as const };
    const nl = await renderEmail('staff_invitation', props);
    expect(nl.subject).toBe('Uitnodiging om mee te werken in Voldaan voor Veldkamp Installatietechniek');
    expect(nl.text).toContain(
      'U bent uitgenodigd om in Voldaan mee te werken voor Veldkamp Installatietechniek, met de rol Support.',
    );
    expect(nl.text).toContain('Stuur deze e-mail niet door');
    const en = await renderEmail('staff_invitation', { ...props, locale: 'en' });
    expect(en.subject).toBe('Invitation to work in Voldaan for Veldkamp Installatietechniek');
  });
});

describe('promise kept and plan completed', () => {
  it('says "invoice" for one settled invoice and thanks the debtor in the subject', async () => {
    const base = previewProps('promise_kept');
    const one = { ...base, invoices: [base.invoices[0]] };
    const kept = await renderEmail('promise_kept', one);
    expect(kept.subject).toBe('Bedankt: uw toegezegde betaling is binnen');
    expect(kept.text).toContain('Voor factuur 2026-0142 staat niets meer open.');
    const completed = await renderEmail('plan_completed', {
      ...previewProps('plan_completed'),
      invoices: [base.invoices[0]],
      locale: 'en',
    });
    expect(completed.subject).toBe('Your payment plan is complete');
    expect(completed.text).toContain('Nothing is outstanding any more on invoice 2026-0142.');
  });
});

describe('renderEmail', () => {
  it('knows its templates by name', async () => {
    expect(isTemplateName('final_notice')).toBe(true);
    expect(isTemplateName('toString')).toBe(false);
    await expect(renderEmail('nope' as TemplateName, {} as never)).rejects.toThrow(/unknown email template/);
  });
});
