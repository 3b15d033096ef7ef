import { z } from 'zod';
import {
  hasForbiddenControlChars,
  isDateWithinLimits,
  MAX_AMOUNT_CENTS,
  MAX_AMOUNT_TEXT,
  MAX_DATE,
  MIN_DATE,
  type TextKind,
} from '~/utils/limits';

/**
 * The REST API's request and response shapes. Requests are validated with these schemas
 * and /api/v1/openapi.json is generated from the very same objects (see openapi.ts), so
 * the document cannot drift from what the server accepts.
 */

/** Identifiers end up in URLs, CSV cells and emails: no control characters (the rule is in utils/limits.ts). */
const withoutControlChars = (value: string) => !hasForbiddenControlChars(value, 'line');
const CONTROL_CHARS_MESSAGE = 'No control characters (such as NUL).';
const CONTROL_CHARS_MULTILINE_MESSAGE = 'No control characters (such as NUL); tab and line breaks are fine.';

/** Text from the client: trimmed, bounded, and without control characters (multi-line text may hold tab and line breaks). */
const text = (max: number, kind: TextKind = 'line') =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !hasForbiddenControlChars(value, kind), {
      message: kind === 'line' ? CONTROL_CHARS_MESSAGE : CONTROL_CHARS_MULTILINE_MESSAGE,
    });

const AMOUNT_LIMIT_MESSAGE = `At most ${MAX_AMOUNT_CENTS} cents (EUR ${MAX_AMOUNT_TEXT}).`;
/** Any amount in cents, bounded by the one limit Voldaan has (utils/limits.ts). */
// The limit first, so a huge number is reported against it rather than as an unsafe integer.
const cents = () =>
  z
    .number()
    .max(MAX_AMOUNT_CENTS, { message: AMOUNT_LIMIT_MESSAGE })
    .min(-MAX_AMOUNT_CENTS, { message: `At least -${MAX_AMOUNT_CENTS} cents.` })
    .int();
const positiveCents = () => z.number().max(MAX_AMOUNT_CENTS, { message: AMOUNT_LIMIT_MESSAGE }).int().positive();

export const ExternalRef = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(withoutControlChars, 'No control characters.')
  .meta({ description: "Your system's identifier of the debtor (customer number)." });

export const InvoiceNumber = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(withoutControlChars, 'No control characters.')
  .meta({ description: 'The invoice number, unique within your organization. URL-encode it in paths.' });

export const IsoDate = z.iso
  .date({ message: 'A real calendar date as YYYY-MM-DD.' })
  // Only for the YYYY-MM-DD shape: a malformed date already has its issue, one per field is enough.
  .refine((value) => !/^\d{4}-\d{2}-\d{2}$/.test(value) || isDateWithinLimits(value), {
    message: `A date from ${MIN_DATE} to ${MAX_DATE}.`,
  })
  .meta({ description: `A calendar date as YYYY-MM-DD, from ${MIN_DATE} to ${MAX_DATE}.` });

const optionalText = (max: number, kind: TextKind = 'line') => text(max, kind).nullable().optional();

const DebtorKind = z
  .enum(['consumer', 'business'])
  .meta({ description: 'Consumers and businesses get different dunning.' });
const DebtorName = text(200).pipe(z.string().min(1));
const Email = z.email().max(320);
const Locale = z.enum(['nl', 'en']);
const Country = z.string().regex(/^[A-Z]{2}$/, 'An ISO 3166 two-letter country code.');

const debtorContactFields = {
  contactName: optionalText(200),
  phone: optionalText(40),
  addressLine: optionalText(300),
  postalCode: optionalText(20),
  city: optionalText(100),
  vatNumber: optionalText(30),
};

/** Body of PUT /debtors/{externalRef}: the full debtor (fields left out are cleared or defaulted). */
export const DebtorInput = z
  .strictObject({
    kind: DebtorKind,
    name: DebtorName,
    email: Email,
    locale: Locale.default('nl'),
    country: Country.default('NL'),
    ...debtorContactFields,
  })
  .meta({ description: 'A debtor. PUT replaces it: optional fields you leave out are cleared or get their default.' });

/**
 * The invoice's debtor: `{ "externalRef" }` of an existing debtor, or a full debtor (kind,
 * name and email required) that is created or updated first. One object with a refinement
 * rather than a union, so a missing field is reported at its own path.
 */
const invoiceDebtorShape = {
  externalRef: ExternalRef,
  kind: DebtorKind.optional(),
  name: DebtorName.optional(),
  email: Email.optional(),
  locale: Locale.optional(),
  country: Country.optional(),
  ...debtorContactFields,
};
const DEBTOR_REQUIRED_IN_FULL = ['kind', 'name', 'email'] as const;

export const InvoiceDebtor = z
  .strictObject(invoiceDebtorShape)
  .superRefine((debtor, ctx) => {
    const hasDetails = Object.entries(debtor).some(([key, value]) => key !== 'externalRef' && value !== undefined);
    if (!hasDetails) return;
    for (const field of DEBTOR_REQUIRED_IN_FULL) {
      if (debtor[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'Required when the debtor is given in full (kind, name and email).',
        });
      }
    }
  })
  .meta({
    description:
      'Either only `externalRef` (an existing debtor) or a full debtor with `externalRef`, `kind`, `name` and `email`, which is created or updated (like PUT /debtors/{externalRef}).',
    // The refinement above, in JSON Schema terms: any detail makes kind, name and email required.
    dependentRequired: Object.fromEntries(
      Object.keys(invoiceDebtorShape)
        .filter((field) => field !== 'externalRef')
        .map((field) => [field, DEBTOR_REQUIRED_IN_FULL.filter((required) => required !== field)]),
    ),
  });

/**
 * An invoice line: `amountCents` is the line's net amount (excluding VAT). A line may be
 * negative (a discount or a returned item, as UBL allows), but the lines together must add up
 * to the invoice's total, see InvoiceInput.
 */
export const InvoiceLineInput = z
  .strictObject({
    description: text(500, 'multiline').pipe(z.string().min(1)),
    quantity: z.number().min(-1_000_000_000).max(1_000_000_000),
    unitPriceCents: cents(),
    vatRatePercent: z.number().min(0).max(100),
    amountCents: cents().meta({
      description: 'Net amount of the line (excluding VAT), in cents; negative for a discount.',
    }),
  })
  .meta({ description: 'An invoice line. Net amounts; negative lines (discounts) are allowed.' });

type LineForTotal = { amountCents: number; vatRatePercent: number };

/**
 * What lines add up to: per VAT rate, the net amount plus the VAT on it rounded to the cent
 * (as Dutch invoices compute VAT per rate), summed over the rates.
 */
export function linesTotalCents(lines: LineForTotal[]): { netCents: number; vatCents: number; totalCents: number } {
  const netByRate = new Map<number, number>();
  for (const line of lines)
    netByRate.set(line.vatRatePercent, (netByRate.get(line.vatRatePercent) ?? 0) + line.amountCents);
  let netCents = 0;
  let vatCents = 0;
  for (const [rate, net] of netByRate) {
    netCents += net;
    vatCents += Math.round((net * rate) / 100);
  }
  return { netCents, vatCents, totalCents: netCents + vatCents };
}

/**
 * Lines given with an invoice must add up to its total. Rounding VAT per line instead of per
 * rate may differ by half a cent a line, so one cent per line is tolerated.
 */
export function linesMismatch(lines: LineForTotal[], totalCents: number): string | null {
  if (lines.length === 0) return null;
  const sum = linesTotalCents(lines);
  if (Math.abs(sum.totalCents - totalCents) <= lines.length) return null;
  return `The lines add up to ${sum.totalCents} cents (net ${sum.netCents} + VAT ${sum.vatCents}), not to totalCents ${totalCents}.`;
}

export const InvoiceInput = z
  .strictObject({
    debtor: InvoiceDebtor,
    issueDate: IsoDate,
    dueDate: IsoDate,
    currency: z.literal('EUR', { message: 'Only EUR is supported.' }).default('EUR'),
    totalCents: positiveCents().meta({
      description: `Total including VAT, in cents; at most ${MAX_AMOUNT_CENTS} (EUR ${MAX_AMOUNT_TEXT}).`,
    }),
    lines: z.array(InvoiceLineInput).max(1000).nullable().optional().meta({
      description:
        'When given, the lines must add up to totalCents: per VAT rate the net amounts plus the VAT rounded to the cent, with one cent per line of tolerance.',
    }),
    description: optionalText(1000, 'multiline'),
    paymentReference: text(35)
      .pipe(z.string().min(1))
      .nullable()
      .optional()
      .meta({ description: 'Structured payment reference; a betalingskenmerk is generated when left out.' }),
    externalRef: optionalText(200),
  })
  .refine((invoice) => invoice.dueDate >= invoice.issueDate, {
    path: ['dueDate'],
    message: 'The due date cannot be before the issue date.',
  })
  .superRefine((invoice, ctx) => {
    const mismatch = invoice.lines ? linesMismatch(invoice.lines, invoice.totalCents) : null;
    if (mismatch) ctx.addIssue({ code: 'custom', path: ['lines'], message: mismatch });
  })
  .meta({
    description: 'An invoice. PUT is idempotent by invoice number: sending the same invoice twice changes nothing.',
  });

export const SettleInput = z.strictObject({
  outcome: z.enum(['paid', 'credited']).meta({
    description: '`paid`: paid outside the portal (e.g. bank transfer); `credited`: a credit note.',
  }),
  amountCents: positiveCents().optional().meta({
    description:
      'At most what the invoice still owes: open amount + collection costs + interest (the amount the transfer QR code asks for). Allocated to costs first, then interest, then the principal (art. 6:44 BW). Defaults to everything owed.',
  }),
  reference: text(200)
    .pipe(z.string().min(1))
    .optional()
    .meta({ description: 'Your reference (bank transaction, credit note number); repeating it repeats nothing.' }),
});

export const PaymentsQuery = z.strictObject({
  since: text(200)
    .optional()
    .meta({ description: 'The `next_cursor` of the previous page; leave out to start at the beginning.' }),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

// --- responses -------------------------------------------------------------------------

export const DebtorResource = z.object({
  externalRef: z.string(),
  kind: z.enum(['consumer', 'business']),
  name: z.string(),
  email: z.string(),
  locale: z.string(),
  contactName: z.string().nullable(),
  phone: z.string().nullable(),
  addressLine: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string(),
  vatNumber: z.string().nullable(),
});

export const InvoiceResource = z.object({
  number: z.string(),
  externalRef: z.string().nullable(),
  debtor: z.object({ externalRef: z.string().nullable() }),
  issueDate: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  totalCents: z.number().int(),
  openCents: z.number().int(),
  status: z.enum(['open', 'paid', 'credited', 'written_off']),
  paymentReference: z.string().nullable(),
  description: z.string().nullable(),
  lines: z
    .array(
      z.object({
        description: z.string(),
        quantity: z.number(),
        unitPriceCents: z.number().int(),
        vatRatePercent: z.number(),
        amountCents: z.number().int(),
      }),
    )
    .nullable(),
  pdf: z.object({ sizeBytes: z.number().int(), sha256: z.string() }).nullable(),
  settledAt: z.string().nullable(),
});

export const PaymentResource = z.object({
  id: z.string(),
  provider: z.enum([
    'mollie',
    'stripe',
    'demo',
    'bank_transfer',
    'external',
    'credit_note',
    'write_off',
    'debtor_credit',
  ]),
  method: z.string().nullable(),
  status: z.enum(['open', 'pending', 'paid', 'failed', 'canceled', 'expired', 'refunded', 'charged_back']),
  amountCents: z.number().int(),
  refundedCents: z.number().int(),
  currency: z.string(),
  reference: z.string().nullable(),
  debtor: z.object({ externalRef: z.string().nullable() }),
  paidAt: z.string().nullable(),
  createdAt: z.string(),
  allocations: z.array(z.object({ invoiceNumber: z.string(), amountCents: z.number().int() })),
});

export const PaymentsPage = z.object({
  data: z.array(PaymentResource),
  next_cursor: z.string().nullable().meta({
    description: 'Pass as `since` to get what came after this page. Stays put when nothing new has arrived.',
  }),
  has_more: z.boolean(),
});

export const SettleResult = z.object({ invoice: InvoiceResource, payment: PaymentResource });

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export type DebtorInputData = z.output<typeof DebtorInput>;
export type InvoiceInputData = z.output<typeof InvoiceInput>;
export type InvoiceDebtorData = z.output<typeof InvoiceDebtor>;
export type SettleInputData = z.output<typeof SettleInput>;
export type DebtorResourceData = z.output<typeof DebtorResource>;
export type InvoiceResourceData = z.output<typeof InvoiceResource>;
export type PaymentResourceData = z.output<typeof PaymentResource>;

/** The named schemas that become `components.schemas` in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();
apiSchemas.add(DebtorInput, { id: 'DebtorInput' });
apiSchemas.add(InvoiceDebtor, { id: 'InvoiceDebtor' });
apiSchemas.add(InvoiceLineInput, { id: 'InvoiceLine' });
apiSchemas.add(InvoiceInput, { id: 'InvoiceInput' });
apiSchemas.add(SettleInput, { id: 'SettleInput' });
apiSchemas.add(DebtorResource, { id: 'Debtor' });
apiSchemas.add(InvoiceResource, { id: 'Invoice' });
apiSchemas.add(PaymentResource, { id: 'Payment' });
apiSchemas.add(PaymentsPage, { id: 'PaymentsPage' });
apiSchemas.add(SettleResult, { id: 'SettleResult' });
apiSchemas.add(ApiErrorBody, { id: 'Error' });
