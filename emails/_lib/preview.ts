import type { DebtorEmailProps, EmailLocale, EmailPlan } from './types';

/** Sample data for `npm run email:dev` and the template tests. */
export function previewBase(locale: EmailLocale = 'nl', kind: 'consumer' | 'business' = 'consumer'): DebtorEmailProps {
  return {
    locale,
    organization: {
      name: 'Veldkamp Installatietechniek',
      legalName: 'Veldkamp Installatietechniek B.V.',
      brandColor: '#0b5d4b',
      kvkNumber: '12345678',
      iban: 'NL91ABNA0417164300',
      email: 'debiteuren@veldkamp.example',
    },
    debtor: kind === 'consumer' ? { name: 'Sanne de Vries', kind } : { name: 'Bakkerij Jansen B.V.', kind },
    portalUrl: 'http://localhost:3000/l/preview-token',
    invoices: [
      {
        number: '2026-0142',
        issueDate: '2026-09-15',
        dueDate: '2026-10-15',
        totalCents: 48_400,
        openCents: 48_400,
        currency: 'EUR',
      },
      {
        number: '2026-0187',
        issueDate: '2026-10-01',
        dueDate: '2026-10-31',
        totalCents: 12_100,
        openCents: 6_050,
        currency: 'EUR',
      },
    ],
    totals: { openCents: 54_450 },
  };
}

const PLAN_DAYS = ['2026-11-15', '2026-12-15', '2027-01-15', '2027-02-15', '2027-03-15', '2027-04-15'];

export function previewPlan(count = 4): EmailPlan {
  const amounts = [13_613, 13_613, 13_612, 13_612, 13_000, 13_000].slice(0, count);
  return {
    currency: 'EUR',
    totalCents: amounts.reduce((a, b) => a + b, 0),
    installments: amounts.map((amountCents, i) => ({ number: i + 1, dueDate: PLAN_DAYS[i], amountCents })),
  };
}
