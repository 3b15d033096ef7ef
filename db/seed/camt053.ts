/**
 * A day's bank statement of the demo creditor's account as its bank would send it: an ISO 20022
 * camt.053.001.02 document (group header, one statement with opening and closing booked balance,
 * one entry per booked transfer with the payer's name and IBAN and either the structured creditor
 * reference or free text). The demo imports these through the bank module like an upload.
 */

export type StatementLine = {
  /** The bank's own reference of the entry, unique per account. */
  ref: string;
  cents: number;
  payerName: string;
  payerIban: string;
  /** A betalingskenmerk (structured creditor reference), or free text such as an invoice number. */
  remittance: { structured: string } | { text: string };
};

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function balance(code: 'OPBD' | 'CLBD', cents: number, day: string) {
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>`;
}

function entry(day: string, line: StatementLine) {
  const remittance =
    'structured' in line.remittance
      ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${xml(line.remittance.structured)}</Ref></CdtrRefInf></Strd>`
      : `<Ustrd>${xml(line.remittance.text)}</Ustrd>`;
  return [
    '<Ntry>',
    `<Amt Ccy="EUR">${amount(line.cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>`,
    `<BookgDt><Dt>${day}</Dt></BookgDt><ValDt><Dt>${day}</Dt></ValDt>`,
    `<AcctSvcrRef>${xml(line.ref)}</AcctSvcrRef>`,
    '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>',
    '<NtryDtls><TxDtls>',
    '<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>',
    `<AmtDtls><TxAmt><Amt Ccy="EUR">${amount(line.cents)}</Amt></TxAmt></AmtDtls>`,
    `<RltdPties><Dbtr><Nm>${xml(line.payerName)}</Nm></Dbtr><DbtrAcct><Id><IBAN>${line.payerIban}</IBAN></Id></DbtrAcct></RltdPties>`,
    `<RmtInf>${remittance}</RmtInf>`,
    '</TxDtls></NtryDtls>',
    '</Ntry>',
  ].join('');
}

/** The statement of `day` (YYYY-MM-DD) for `accountIban`, opening at `openingCents`. */
export function camt053Statement(input: {
  accountIban: string;
  day: string;
  sequence: number;
  openingCents: number;
  lines: StatementLine[];
}): Buffer {
  const { accountIban, day, sequence, openingCents, lines } = input;
  const closing = openingCents + lines.reduce((sum, l) => sum + l.cents, 0);
  const id = `${day.replace(/-/g, '')}-${String(sequence).padStart(4, '0')}`;
  return Buffer.from(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
      '<BkToCstmrStmt>',
      `<GrpHdr><MsgId>VK-CAMT-${id}</MsgId><CreDtTm>${day}T18:00:00</CreDtTm></GrpHdr>`,
      '<Stmt>',
      `<Id>VK-STMT-${id}</Id><ElctrncSeqNb>${sequence}</ElctrncSeqNb><CreDtTm>${day}T18:00:00</CreDtTm>`,
      `<FrToDt><FrDtTm>${day}T00:00:00</FrDtTm><ToDtTm>${day}T23:59:59</ToDtTm></FrToDt>`,
      `<Acct><Id><IBAN>${accountIban}</IBAN></Id><Ccy>EUR</Ccy></Acct>`,
      balance('OPBD', openingCents, day),
      balance('CLBD', closing, day),
      ...lines.map((l) => entry(day, l)),
      '</Stmt>',
      '</BkToCstmrStmt>',
      '</Document>',
      '',
    ].join('\n'),
    'utf8',
  );
}
