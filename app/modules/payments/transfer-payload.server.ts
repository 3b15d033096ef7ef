import { epcPayload } from './epc-qr';
import { isValidRfReference } from './payment-reference';

export type TransferPayload = {
  /** The EPC QR payload (EPC069-12). */
  payload: string;
  /** What the debtor's bank must carry: the invoice's payment reference without spaces, else its number. */
  reference: string;
  /** Whether `reference` is a structured reference the bank should get exactly (vs. free text). */
  structured: boolean;
};

/**
 * The EPC QR payload for a transfer of `amountCents` on one invoice to the creditor. The transfer
 * page and the invoice PDF both take it from here, so a scanned PDF and the page ask the same.
 * An RF reference goes in the structured line; a betalingskenmerk, OGM or invoice number in the
 * free text (see epc-qr.ts). Throws EpcPayloadError for an IBAN or amount the standard refuses.
 */
export function transferPayloadFor(
  creditor: { iban: string; bic: string | null; legalName: string },
  invoice: { number: string; paymentReference: string | null },
  amountCents: number,
): TransferPayload {
  const reference = invoice.paymentReference?.replace(/\s+/g, '') || invoice.number;
  const structured = Boolean(invoice.paymentReference);
  const rf = structured && isValidRfReference(reference);
  const base = {
    name: creditor.legalName.slice(0, 70),
    iban: creditor.iban,
    amountCents,
    ...(rf ? { structuredReference: reference } : { text: reference.slice(0, 140) }),
  };
  let payload: string;
  try {
    payload = epcPayload({ ...base, bic: creditor.bic ?? undefined });
  } catch {
    // A malformed stored BIC must not cost the debtor the QR code: the BIC is optional in version 002.
    payload = epcPayload(base);
  }
  return { payload, reference, structured };
}
