/** Props every debtor-facing email shares. Amounts are integer cents; days are 'YYYY-MM-DD'. */
export type EmailLocale = 'nl' | 'en';

export type EmailOrganization = {
  name: string;
  legalName: string;
  /** '#rrggbb'; anything else falls back to the house colour. */
  brandColor: string;
  /** An absolute http(s) URL; anything else is ignored. */
  logoUrl?: string | null;
  kvkNumber?: string | null;
  iban?: string | null;
  email?: string | null;
};

export type EmailDebtor = { name: string; kind: 'consumer' | 'business' };

export type EmailInvoice = {
  number: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  openCents: number;
  currency: string;
};

export type EmailTotals = {
  /** The principal still open over all listed invoices. */
  openCents: number;
  /** Collection costs (consumers) or compensation for collection costs (businesses). */
  costsCents?: number | null;
  /** Statutory interest accrued so far. */
  interestCents?: number | null;
};

export type DebtorEmailProps = {
  locale: EmailLocale;
  organization: EmailOrganization;
  debtor: EmailDebtor;
  /** The signed portal link (absolute URL). */
  portalUrl: string;
  invoices: EmailInvoice[];
  totals: EmailTotals;
};

export type PlanInstallment = { number: number; dueDate: string; amountCents: number };

export type EmailPlan = {
  installments: PlanInstallment[];
  totalCents: number;
  currency?: string;
};
