/**
 * Bank statements for tests: a small camt.053 builder (001.02 or 001.08 shapes, several Stmt,
 * batch entries, reversals, entries without a bank reference) and a creditor with a bank account.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Organization } from '~db/schema';
import { addBankAccount } from '~/modules/bank/index.server';
import { getDb } from '~/utils/db.server';
import { createOrganization, createStaff } from './factories';

export const OUR_IBAN = 'NL91ABNA0417164300';
export const OTHER_OWN_IBAN = 'NL20INGB0001234567';
/** Valid IBANs of debtors (test numbers). */
export const DEBTOR_IBANS = ['NL44RABO0123456789', 'NL36INGB0007654321', 'BE68539007547034', 'NL02ABNA0123456789'];

export type TestLine = {
  amountCents: number;
  direction?: 'credit' | 'debit';
  reversal?: boolean;
  /** AcctSvcrRef; null for none (the line is then told apart by its fields). Default: a fresh one. */
  entryRef?: string | null;
  endToEndId?: string | null;
  name?: string | null;
  iban?: string | null;
  /** CdtrRefInf/Ref values (one or several). */
  refs?: string[];
  text?: string | null;
  date?: string;
  currency?: string;
  /** Batch entry: these transactions under one Ntry (amount = their sum). */
  batch?: TestLine[];
};

export type TestStatement = {
  id?: string;
  account?: string;
  currency?: string;
  from?: string;
  to?: string;
  lines: TestLine[];
};

let refSeq = 0;
export const freshEntryRef = () => `ACC-${randomUUID().slice(0, 8)}-${++refSeq}`;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const decimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function txXml(line: TestLine, version: '02' | '08', currency: string): string {
  const credit = (line.direction ?? 'credit') === 'credit';
  const party = credit ? 'Dbtr' : 'Cdtr';
  const name = line.name
    ? version === '08'
      ? `<Pty><Nm>${esc(line.name)}</Nm></Pty>`
      : `<Nm>${esc(line.name)}</Nm>`
    : '';
  const refs = (line.refs ?? [])
    .map(
      (ref) =>
        `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${esc(ref)}</Ref></CdtrRefInf></Strd>`,
    )
    .join('');
  const remittance = `${line.text ? `<Ustrd>${esc(line.text)}</Ustrd>` : ''}${refs}`;
  const amount =
    version === '08'
      ? `<Amt Ccy="${currency}">${decimal(line.amountCents)}</Amt>`
      : `<AmtDtls><TxAmt><Amt Ccy="${currency}">${decimal(line.amountCents)}</Amt></TxAmt></AmtDtls>`;
  return `<TxDtls>
            <Refs><EndToEndId>${esc(line.endToEndId ?? 'NOTPROVIDED')}</EndToEndId></Refs>
            ${amount}
            <RltdPties>${name ? `<${party}>${name}</${party}>` : ''}${
              line.iban ? `<${party}Acct><Id><IBAN>${line.iban}</IBAN></Id></${party}Acct>` : ''
            }</RltdPties>
            ${remittance ? `<RmtInf>${remittance}</RmtInf>` : ''}
          </TxDtls>`;
}

function entryXml(line: TestLine, date: string, version: '02' | '08', currency: string): string {
  const credit = (line.direction ?? 'credit') === 'credit';
  const txs = line.batch ?? [line];
  const amount = line.batch ? line.batch.reduce((t, l) => t + l.amountCents, 0) : line.amountCents;
  const entryRef = line.entryRef === undefined ? freshEntryRef() : line.entryRef;
  const day = line.date ?? date;
  return `      <Ntry>
        <Amt Ccy="${line.currency ?? currency}">${decimal(amount)}</Amt>
        <CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
        ${line.reversal ? '<RvslInd>true</RvslInd>' : ''}
        ${version === '08' ? '<Sts><Cd>BOOK</Cd></Sts>' : '<Sts>BOOK</Sts>'}
        <BookgDt><Dt>${day}</Dt></BookgDt>
        <ValDt><Dt>${day}</Dt></ValDt>
        ${entryRef !== null ? `<AcctSvcrRef>${esc(entryRef)}</AcctSvcrRef>` : ''}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          ${txs.map((tx) => txXml({ ...tx, direction: line.direction }, version, line.currency ?? currency)).join('\n          ')}
        </NtryDtls>
      </Ntry>
`;
}

/** A camt.053 file (UTF-8 bytes) with the given statements. */
export function camtFile(statements: TestStatement[], version: '02' | '08' = '02'): Uint8Array {
  const body = statements
    .map((s, index) => {
      const from = s.from ?? s.lines[0]?.date ?? '2026-03-02';
      const to = s.to ?? s.lines.at(-1)?.date ?? from;
      const currency = s.currency ?? 'EUR';
      return `    <Stmt>
      <Id>${esc(s.id ?? `STMT-${index + 1}`)}</Id>
      <CreDtTm>${to}T18:00:00+01:00</CreDtTm>
      <FrToDt><FrDtTm>${from}T00:00:00+01:00</FrDtTm><ToDtTm>${to}T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>${s.account ?? OUR_IBAN}</IBAN></Id><Ccy>${currency}</Ccy></Acct>
${s.lines.map((line) => entryXml(line, from, version, currency)).join('')}    </Stmt>`;
    })
    .join('\n');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${randomUUID().slice(0, 12)}</MsgId><CreDtTm>2026-03-02T18:00:00+01:00</CreDtTm></GrpHdr>
${body}
  </BkToCstmrStmt>
</Document>
`;
  return new TextEncoder().encode(xml);
}

/** A creditor with its main account registered (and a finance user to act as). */
export async function bankCreditor(overrides: Partial<Organization> = {}) {
  const org = await createOrganization(overrides);
  const finance = await createStaff(org, 'finance');
  const account = await addBankAccount(
    org.id,
    { iban: OUR_IBAN, label: 'Hoofdrekening' },
    { type: 'staff', id: finance.id },
  );
  return { org, finance, account, actor: { type: 'staff' as const, id: finance.id } };
}

/** Row counts of everything an import may write, to show a refused file wrote nothing. */
export async function bankFootprint(organizationId: string) {
  const [row] = await getDb().execute<Record<string, number>>(sql`
    select
      (select count(*)::int from bank_statements where organization_id = ${organizationId}) as statements,
      (select count(*)::int from bank_entries where organization_id = ${organizationId}) as entries,
      (select count(*)::int from payments where organization_id = ${organizationId}) as payments,
      (select count(*)::int from payment_allocations where organization_id = ${organizationId}) as allocations,
      (select count(*)::int from debtor_ibans where organization_id = ${organizationId}) as ibans,
      (select coalesce(sum(open_cents + costs_cents + interest_cents), 0)::bigint::text from invoices where organization_id = ${organizationId}) as owed,
      (select count(*)::int from audit_events where organization_id = ${organizationId}) as audits`);
  return row;
}
