/**
 * Matching a bank line to the creditor's invoices, in this order and never by a guess:
 * 1. a structured reference (the line's own, or one in its text) that is the payment reference
 *    of exactly one invoice of this creditor;
 * 2. invoice numbers of this creditor in the text (one or several, any spelling), all of one debtor;
 * 3. the counterparty's IBAN, learned from earlier matches, known for exactly one debtor, and the
 *    amount equal to what one open invoice owes or to the sum of a set of that debtor's open
 *    invoices (the oldest k, or all).
 * An invoice the evidence points at that owes nothing any more sends the line to the queue with a
 * note (never to another invoice). Everything else waits in the queue with ranked suggestions.
 *
 * The matcher is pure on a MatchContext (maps preloaded once per import, see loadMatchContext);
 * the importer updates the context after each booking so later lines see what earlier ones paid.
 */
import { sql } from 'drizzle-orm';
import type { BankMatchRule, BankSuggestion } from '~db/schema';
import type { Tx } from '~/utils/db.server';
import type { ParsedLine } from './statement-types';
import {
  extractInvoiceNumberCandidates,
  extractStructuredRefs,
  invoiceNumberVariants,
  normaliseStructuredRef,
} from './references';
import { type SystemNoteCode } from './notes';
import { OWED_SQL } from '~/modules/ledger/index.server';

export { readNote, systemNote, type SystemNoteCode } from './notes';

export type InvoiceFact = {
  id: string;
  number: string;
  debtorId: string;
  status: 'open' | 'paid' | 'credited' | 'written_off';
  /** Open principal + collection costs + interest. */
  owedCents: number;
  dueDate: string;
  paymentReference: string | null;
};

export type DebtorFact = { id: string; name: string };

export type MatchLine = Pick<
  ParsedLine,
  'amountCents' | 'counterpartyName' | 'counterpartyIban' | 'structuredRef' | 'remittance'
> &
  Partial<Pick<ParsedLine, 'structuredRefs'>>;

export type AutoMatchRule = Exclude<BankMatchRule, 'manual'>;

/**
 * `touched`: the debtors whose invoices or accounts the decision read. A booking for one of them
 * can change it, so the importer never decides two lines touching the same debtor at once.
 */
export type MatchDecision =
  | { kind: 'match'; rule: AutoMatchRule; debtorId: string; invoiceIds: string[]; touched: string[] }
  | { kind: 'queue'; code: SystemNoteCode; detail: string | null; suggestions: BankSuggestion[]; touched: string[] };

export type MatchContext = {
  invoices: Map<string, InvoiceFact>;
  byRef: Map<string, InvoiceFact[]>;
  byNumber: Map<string, InvoiceFact[]>;
  /** Each debtor's open invoices that owe something, oldest due first, then by number. */
  openByDebtor: Map<string, InvoiceFact[]>;
  openByOwed: Map<number, InvoiceFact[]>;
  /** Trailing group of digits of invoice numbers (4+ digits as written), for partial-number suggestions. */
  byNumberTail: Map<string, InvoiceFact[]>;
  debtors: Map<string, DebtorFact>;
  debtorsByIban: Map<string, Set<string>>;
  debtorsByNameToken: Map<string, Set<string>>;
  /** The creditor's invoice-number prefixes ("F", "INV-"), so "2026-0142" in a text finds "F2026-0142". */
  numberPrefixes: string[];
  /**
   * What a line's text yields (its references and invoice-number candidates under numberPrefixes),
   * worked out once per line: the importer asks about a line more than once.
   */
  lineFacts: WeakMap<MatchLine, LineFacts>;
};

/** `candidates` is worked out when first needed: most lines are decided by their reference. */
type LineFacts = { refs: { structured: string[]; tokens: string[] }; candidates: string[] | null };

/** Rule 3 looks at no more than this many of a debtor's open invoices (oldest first). */
export const SUBSET_SEARCH_CAP = 60;
const MAX_SUGGESTIONS = 5;
const AMOUNT_SUGGESTION_CAP = 5;

const byDueThenNumber = (a: InvoiceFact, b: InvoiceFact) =>
  a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number) || a.id.localeCompare(b.id);

const LEGAL_FORMS = new Set([
  'bv',
  'nv',
  'vof',
  'cv',
  'bvba',
  'sprl',
  'srl',
  'sa',
  'gmbh',
  'ltd',
  'inc',
  'de',
  'het',
  'en',
  'van',
  'der',
  'den',
  'la',
  'le',
  'les',
  'hr',
  'mw',
  'dhr',
  'mevr',
  'fam',
  'eo',
]);

/** Significant words of a name: lower case, without accents, legal forms and short words. */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name) return [];
  const words = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\b([a-z])\.(?=[a-z]\.)/g, '$1')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !LEGAL_FORMS.has(w));
  return [...new Set(words)];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function numberTail(number: string): string | null {
  const tail = /([0-9]{4,})[^0-9]*$/.exec(number);
  return tail ? tail[1] : null;
}

export function buildMatchContext(input: {
  invoices: InvoiceFact[];
  debtors: DebtorFact[];
  ibans: { iban: string; debtorId: string }[];
}): MatchContext {
  const ctx: MatchContext = {
    invoices: new Map(),
    byRef: new Map(),
    byNumber: new Map(),
    openByDebtor: new Map(),
    openByOwed: new Map(),
    byNumberTail: new Map(),
    debtors: new Map(),
    debtorsByIban: new Map(),
    debtorsByNameToken: new Map(),
    numberPrefixes: numberPrefixesOf(input.invoices),
    lineFacts: new WeakMap(),
  };
  for (const invoice of input.invoices) {
    if (ctx.invoices.has(invoice.id)) continue;
    const fact = { ...invoice };
    ctx.invoices.set(fact.id, fact);
    if (fact.paymentReference) push(ctx.byRef, normaliseStructuredRef(fact.paymentReference), fact);
    for (const variant of invoiceNumberVariants(fact.number)) push(ctx.byNumber, variant, fact);
    const tail = numberTail(fact.number);
    if (tail) push(ctx.byNumberTail, tail, fact);
    if (isOpen(fact)) {
      push(ctx.openByDebtor, fact.debtorId, fact);
      push(ctx.openByOwed, fact.owedCents, fact);
    }
  }
  for (const list of ctx.openByDebtor.values()) list.sort(byDueThenNumber);
  for (const debtor of input.debtors) {
    ctx.debtors.set(debtor.id, debtor);
    for (const token of nameTokens(debtor.name)) {
      const set = ctx.debtorsByNameToken.get(token) ?? new Set<string>();
      set.add(debtor.id);
      ctx.debtorsByNameToken.set(token, set);
    }
  }
  for (const { iban, debtorId } of input.ibans) learnIban(ctx, iban, debtorId);
  return ctx;
}

/** The five most used invoice-number prefixes ("F", "INV-"), most used first. */
function numberPrefixesOf(invoices: readonly { number: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const { number } of invoices) {
    const prefix = /^([A-Za-z]+[-_/. ]?)[0-9]/.exec(number)?.[1];
    if (prefix) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([prefix]) => prefix);
}

/** A line's references, worked out once per line and context. */
function factsOf(ctx: Pick<MatchContext, 'lineFacts'>, line: MatchLine): LineFacts {
  let facts = ctx.lineFacts.get(line);
  if (!facts) {
    facts = { refs: lineReferences(line), candidates: null };
    ctx.lineFacts.set(line, facts);
  }
  return facts;
}

/** A line's invoice-number candidates under the context's prefixes, worked out once. */
function candidatesOf(ctx: Pick<MatchContext, 'lineFacts' | 'numberPrefixes'>, line: MatchLine): string[] {
  const facts = factsOf(ctx, line);
  facts.candidates ??= lineNumberCandidates(line, ctx.numberPrefixes);
  return facts.candidates;
}

function isOpen(invoice: InvoiceFact) {
  return invoice.status === 'open' && invoice.owedCents > 0;
}

export function learnIban(ctx: MatchContext, iban: string, debtorId: string) {
  const set = ctx.debtorsByIban.get(iban) ?? new Set<string>();
  set.add(debtorId);
  ctx.debtorsByIban.set(iban, set);
}

function removeFrom(map: Map<string | number, InvoiceFact[]>, key: string | number, invoice: InvoiceFact) {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(invoice);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/**
 * Brings an invoice's fact up to date (after a booking, a reversal, or a fresh read under lock),
 * keeping the open-invoice indexes in step.
 */
export function updateInvoiceFact(
  ctx: MatchContext,
  id: string,
  next: Partial<Pick<InvoiceFact, 'status' | 'owedCents'>>,
) {
  const fact = ctx.invoices.get(id);
  if (!fact) return;
  if ((next.status ?? fact.status) === fact.status && (next.owedCents ?? fact.owedCents) === fact.owedCents) return;
  const wasOpen = isOpen(fact);
  if (wasOpen) {
    removeFrom(ctx.openByOwed, fact.owedCents, fact);
    removeFrom(ctx.openByDebtor, fact.debtorId, fact);
  }
  if (next.status !== undefined) fact.status = next.status;
  if (next.owedCents !== undefined) fact.owedCents = next.owedCents;
  if (isOpen(fact)) {
    push(ctx.openByOwed, fact.owedCents, fact);
    const list = ctx.openByDebtor.get(fact.debtorId);
    if (list) {
      list.push(fact);
      list.sort(byDueThenNumber);
    } else ctx.openByDebtor.set(fact.debtorId, [fact]);
  }
}

/** Adds an invoice the context did not hold (e.g. one a reversal re-opened). */
export function addInvoiceFact(ctx: MatchContext, invoice: InvoiceFact) {
  if (ctx.invoices.has(invoice.id)) return updateInvoiceFact(ctx, invoice.id, invoice);
  const fact = { ...invoice };
  ctx.invoices.set(fact.id, fact);
  if (fact.paymentReference) push(ctx.byRef, normaliseStructuredRef(fact.paymentReference), fact);
  for (const variant of invoiceNumberVariants(fact.number)) push(ctx.byNumber, variant, fact);
  if (isOpen(fact)) {
    push(ctx.openByOwed, fact.owedCents, fact);
    const list = ctx.openByDebtor.get(fact.debtorId) ?? [];
    list.push(fact);
    list.sort(byDueThenNumber);
    ctx.openByDebtor.set(fact.debtorId, list);
  }
}

/** Words of the text a free-form payment reference could be (the portal's QR puts it there as text). */
function referenceTokens(line: MatchLine): string[] {
  const text = line.remittance ?? '';
  const tokens = text
    .split(/\s+/)
    .map((t) => normaliseStructuredRef(t.replace(/^[^A-Za-z0-9+*]+|[^A-Za-z0-9+*]+$/g, '')))
    .filter((t) => t.length >= 6 && /[0-9]/.test(t));
  const whole = normaliseStructuredRef(text);
  if (whole.length >= 6 && whole.length <= 35) tokens.push(whole);
  return tokens;
}

/** The structured references a line carries: its own field first, then any found in its text. */
export function lineReferences(line: MatchLine): { structured: string[]; tokens: string[] } {
  const structured: string[] = [];
  for (const ref of [line.structuredRef, ...(line.structuredRefs ?? [])]) {
    const own = ref ? normaliseStructuredRef(ref) : '';
    if (own !== '' && !structured.includes(own)) structured.push(own);
  }
  for (const ref of extractStructuredRefs(line.remittance)) {
    const normalised = normaliseStructuredRef(ref);
    if (!structured.includes(normalised)) structured.push(normalised);
  }
  const tokens = referenceTokens(line).filter((t) => !structured.includes(t));
  return { structured, tokens: [...new Set(tokens)] };
}

/** Invoice-number candidates of a line, normalised (the text and an unknown structured reference). */
export function lineNumberCandidates(line: MatchLine, prefixes: readonly string[]): string[] {
  const text = [line.remittance, line.structuredRef].filter(Boolean).join(' ');
  return extractInvoiceNumberCandidates(text, prefixes);
}

const numbersOf = (invoices: InvoiceFact[]) =>
  invoices
    .map((i) => i.number)
    .sort()
    .join(', ');

function distinctDebtors(invoices: InvoiceFact[]) {
  return [...new Set(invoices.map((i) => i.debtorId))];
}

/**
 * What to do with one credit line. Pure: reads the context only.
 */
export function matchLine(
  ctx: MatchContext,
  line: MatchLine,
  { suggestions = true }: { suggestions?: boolean } = {},
): MatchDecision {
  const touched = new Set<string>();
  const touch = (invoices: InvoiceFact[]) => {
    for (const invoice of invoices) touched.add(invoice.debtorId);
  };
  const queue = (code: SystemNoteCode, detail: string | null = null): MatchDecision => ({
    kind: 'queue',
    code,
    detail,
    suggestions: suggestions ? suggestFor(ctx, line) : [],
    touched: [...touched],
  });
  const match = (rule: AutoMatchRule, debtorId: string, invoices: InvoiceFact[]): MatchDecision => ({
    kind: 'match',
    rule,
    debtorId,
    invoiceIds: invoices.map((i) => i.id),
    touched: [...touched],
  });

  // 1. Structured references.
  const { refs } = factsOf(ctx, line);
  const byRef = new Map<string, InvoiceFact>();
  const ambiguous: string[] = [];
  const unknown: string[] = [];
  for (const ref of refs.structured) {
    const hits = ctx.byRef.get(ref) ?? [];
    touch(hits);
    if (hits.length === 1) byRef.set(hits[0].id, hits[0]);
    else if (hits.length > 1) ambiguous.push(ref);
    else unknown.push(ref);
  }
  for (const token of refs.tokens) {
    const hits = ctx.byRef.get(token) ?? [];
    touch(hits);
    if (hits.length === 1) byRef.set(hits[0].id, hits[0]);
    else if (hits.length > 1) ambiguous.push(token);
  }
  if (ambiguous.length > 0) return queue('ambiguous_reference', ambiguous[0]);
  if (byRef.size > 0) return decide([...byRef.values()], 'reference', queue, match);

  // 2. Invoice numbers in the text.
  const byNumber = new Map<string, InvoiceFact>();
  for (const candidate of candidatesOf(ctx, line)) {
    for (const hit of ctx.byNumber.get(candidate) ?? []) byNumber.set(hit.id, hit);
  }
  touch([...byNumber.values()]);
  if (byNumber.size > 0) return decide([...byNumber.values()], 'invoice_number', queue, match);

  // 3. A learned IBAN of exactly one debtor and an amount that settles a set of its invoices.
  const known = line.counterpartyIban ? ctx.debtorsByIban.get(line.counterpartyIban) : undefined;
  for (const debtorId of known ?? []) touched.add(debtorId);
  if (known && known.size > 1) return queue('iban_several_debtors', line.counterpartyIban);
  if (known && known.size === 1) {
    const [debtorId] = known;
    const open = ctx.openByDebtor.get(debtorId) ?? [];
    if (open.length === 0) return queue('nothing_owed', ctx.debtors.get(debtorId)?.name ?? null);
    const sets = amountSets(open, line.amountCents);
    if (sets.kind === 'one') return match('iban_amount', debtorId, sets.invoices);
    if (sets.kind === 'several') return queue('ambiguous_amount', ctx.debtors.get(debtorId)?.name ?? null);
    return queue('amount_differs', ctx.debtors.get(debtorId)?.name ?? null);
  }
  if (unknown.length > 0) return queue('unknown_reference', unknown[0]);
  return queue('no_match');
}

function decide(
  found: InvoiceFact[],
  rule: AutoMatchRule,
  queue: (code: SystemNoteCode, detail?: string | null) => MatchDecision,
  match: (rule: AutoMatchRule, debtorId: string, invoices: InvoiceFact[]) => MatchDecision,
): MatchDecision {
  const debtors = distinctDebtors(found);
  if (debtors.length > 1) return queue('several_debtors', numbersOf(found));
  const settled = found.filter((i) => !isOpen(i));
  if (settled.length > 0) return queue('invoice_settled', numbersOf(settled));
  return match(rule, debtors[0], [...found].sort(byDueThenNumber));
}

/**
 * The sets of a debtor's open invoices whose total owed equals `amount`: the oldest k (k = 1..n,
 * capped) and single invoices. Several single invoices of the same amount are one choice: the
 * oldest (art. 6:43 BW: an unassigned payment goes to the oldest claim). A multi-invoice set and a
 * different single invoice both fitting is a real ambiguity.
 */
export function amountSets(
  open: InvoiceFact[],
  amount: number,
): { kind: 'one'; invoices: InvoiceFact[] } | { kind: 'several' } | { kind: 'none' } {
  const considered = open.slice(0, SUBSET_SEARCH_CAP);
  let prefix: InvoiceFact[] | null = null;
  let sum = 0;
  for (let k = 0; k < considered.length; k++) {
    sum += considered[k].owedCents;
    if (sum === amount) {
      prefix = considered.slice(0, k + 1);
      break;
    }
    if (sum > amount) break;
  }
  if (!prefix && open.length > considered.length) {
    const all = open.reduce((total, i) => total + i.owedCents, 0);
    if (all === amount) prefix = open;
  }
  const singles = considered.filter((i) => i.owedCents === amount);
  if (prefix && prefix.length === 1) return { kind: 'one', invoices: prefix };
  if (prefix && singles.length > 0) return { kind: 'several' };
  if (prefix) return { kind: 'one', invoices: prefix };
  if (singles.length > 0) return { kind: 'one', invoices: [singles[0]] };
  return { kind: 'none' };
}

/**
 * Ranked suggestions for a line that waits in the queue: invoices its references or numbers
 * point at (still open), a learned IBAN's debtor, a debtor of the same name, a partial invoice
 * number, and open invoices owing exactly the amount. At most five, best first.
 */
export function suggestFor(ctx: MatchContext, line: MatchLine): BankSuggestion[] {
  const found = new Map<string, BankSuggestion>();
  const add = (invoices: InvoiceFact[], rule: BankSuggestion['rule'], score: number) => {
    const open = invoices.filter(isOpen);
    if (open.length === 0) return;
    const ids = [...open].sort(byDueThenNumber).map((i) => i.id);
    const key = ids.join(',');
    const existing = found.get(key);
    if (!existing || existing.score < score) found.set(key, { invoiceIds: ids, rule, score });
  };
  const sameAmount = (invoices: InvoiceFact[]) => invoices.reduce((t, i) => t + i.owedCents, 0) === line.amountCents;
  const debtorSets = (debtorId: string, rule: BankSuggestion['rule'], base: number) => {
    const open = ctx.openByDebtor.get(debtorId) ?? [];
    if (open.length === 0) return;
    const sets = amountSets(open, line.amountCents);
    if (sets.kind === 'one') add(sets.invoices, rule, base + 30);
    for (const single of open.filter((i) => i.owedCents === line.amountCents).slice(0, 3))
      add([single], rule, base + 25);
    add(open.slice(0, 10), rule, base);
  };

  // What the references and numbers point at, grouped per debtor.
  const { refs } = factsOf(ctx, line);
  const pointed: InvoiceFact[] = [];
  for (const ref of [...refs.structured, ...refs.tokens]) pointed.push(...(ctx.byRef.get(ref) ?? []));
  for (const candidate of candidatesOf(ctx, line)) pointed.push(...(ctx.byNumber.get(candidate) ?? []));
  for (const debtorId of distinctDebtors(pointed)) {
    const own = [...new Set(pointed.filter((i) => i.debtorId === debtorId))];
    add(own, 'reference', sameAmount(own) ? 95 : 85);
  }

  // The debtor(s) this account was seen paying for.
  const ibanDebtors = line.counterpartyIban ? [...(ctx.debtorsByIban.get(line.counterpartyIban) ?? [])] : [];
  for (const debtorId of ibanDebtors.slice(0, 3)) debtorSets(debtorId, 'iban_amount', 50);

  // Debtors of (nearly) the same name.
  const tokens = nameTokens(line.counterpartyName);
  if (tokens.length > 0) {
    const overlap = new Map<string, number>();
    for (const token of tokens) {
      const debtors = ctx.debtorsByNameToken.get(token);
      // A word half the debtors share says nothing.
      if (!debtors || debtors.size > 50) continue;
      for (const id of debtors) overlap.set(id, (overlap.get(id) ?? 0) + 1);
    }
    const close = [...overlap.entries()]
      .filter(([, shared]) => shared / tokens.length >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    for (const [debtorId, shared] of close) debtorSets(debtorId, 'name', shared === tokens.length ? 40 : 30);
  }

  // A partial invoice number: the trailing digits of one of ours ("0142" of "F2026-0142").
  const text = `${line.remittance ?? ''} ${line.structuredRef ?? ''}`;
  for (const digits of new Set(text.match(/(?<![0-9])[0-9]{4,}(?![0-9])/g) ?? [])) {
    const hits = ctx.byNumberTail.get(digits) ?? [];
    if (hits.length > 0 && hits.length <= 3)
      for (const hit of hits) add([hit], 'reference', sameAmount([hit]) ? 45 : 35);
  }

  // Open invoices owing exactly this amount, when few do.
  const equal = ctx.openByOwed.get(line.amountCents) ?? [];
  if (equal.length <= AMOUNT_SUGGESTION_CAP) for (const invoice of equal) add([invoice], 'amount', 20);

  return [...found.values()].sort((a, b) => b.score - a.score).slice(0, MAX_SUGGESTIONS);
}

/* ------------------------------------------------------------------------------------------ */

/**
 * Loads what matching a set of lines needs, in four queries: the organization's open invoices,
 * the settled ones the lines' references or numbers name (so such a line is queued, not matched
 * elsewhere), the debtors' names and the learned IBANs.
 */
export async function loadMatchContext(tx: Tx, organizationId: string, lines: MatchLine[]): Promise<MatchContext> {
  const open = await tx.execute<InvoiceRow>(sql`
    select id, number, debtor_id, status, ${OWED_SQL} as owed,
      due_date::text as due_date, payment_reference
    from invoices
    where organization_id = ${organizationId} and status = 'open'`);
  const refCandidates = new Set<string>();
  const numberCandidates = new Set<string>();
  const early = { numberPrefixes: numberPrefixesOf(open), lineFacts: new WeakMap<MatchLine, LineFacts>() };
  // A line whose reference names an open invoice is decided by it (rule 1) and never reads its
  // text for invoice numbers: only the others need the (costly) number candidates.
  const openRefs = new Set(
    open.flatMap((r) => (r.payment_reference ? [normaliseStructuredRef(r.payment_reference)] : [])),
  );
  for (const line of lines) {
    const { refs } = factsOf(early, line);
    let named = false;
    for (const ref of [...refs.structured, ...refs.tokens]) {
      refCandidates.add(ref);
      if (openRefs.has(ref)) named = true;
    }
    if (!named) for (const candidate of candidatesOf(early, line)) numberCandidates.add(candidate);
  }
  const settled =
    refCandidates.size + numberCandidates.size === 0
      ? []
      : await tx.execute<InvoiceRow>(sql`
    select id, number, debtor_id, status, ${OWED_SQL} as owed,
      due_date::text as due_date, payment_reference
    from invoices
    where organization_id = ${organizationId} and status <> 'open'
      and (${SQL_NORMALISED_REFERENCE} = any(${pgTextArray([...refCandidates])}::text[])
        or ${SQL_NORMALISED_NUMBER} = any(${pgTextArray([...numberCandidates])}::text[])
        or ${SQL_NUMBER_WITHOUT_ZEROS} = any(${pgTextArray([...numberCandidates])}::text[]))`);
  const debtorRows = await tx.execute<{ id: string; name: string }>(
    sql`select id, name from debtors where organization_id = ${organizationId}`,
  );
  const ibanRows = await tx.execute<{ iban: string; debtor_id: string }>(
    sql`select iban, debtor_id from debtor_ibans where organization_id = ${organizationId}`,
  );
  const ctx = buildMatchContext({
    invoices: [...open, ...settled].map(invoiceFact),
    debtors: debtorRows.map((r) => ({ id: r.id, name: r.name })),
    ibans: ibanRows.map((r) => ({ iban: r.iban, debtorId: r.debtor_id })),
  });
  // The settled invoices rarely change the prefixes; when they do, the candidates are read again.
  if (ctx.numberPrefixes.join('\u0000') === early.numberPrefixes.join('\u0000')) ctx.lineFacts = early.lineFacts;
  else for (const line of lines) ctx.lineFacts.set(line, { refs: factsOf(early, line).refs, candidates: null });
  return ctx;
}

type InvoiceRow = {
  id: string;
  number: string;
  debtor_id: string;
  status: InvoiceFact['status'];
  owed: unknown;
  due_date: string;
  payment_reference: string | null;
};

function invoiceFact(row: InvoiceRow): InvoiceFact {
  return {
    id: row.id,
    number: row.number,
    debtorId: row.debtor_id,
    status: row.status,
    owedCents: Number(row.owed),
    dueDate: row.due_date,
    paymentReference: row.payment_reference,
  };
}

/** A text[] literal for a bound parameter (each element quoted, so commas and quotes stay inside). */
export function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

// The SQL twins of normaliseStructuredRef, normaliseInvoiceNumber and invoiceNumberVariants' second form.
const SQL_NORMALISED_REFERENCE = sql.raw(
  `regexp_replace(upper(regexp_replace(coalesce(payment_reference, ''), '\\s+', '', 'g')), '^(?:\\+\\+\\+|\\*\\*\\*)?([0-9]{3})/([0-9]{4})/([0-9]{5})(?:\\+\\+\\+|\\*\\*\\*)?$', '\\1\\2\\3')`,
);
const SQL_NORMALISED_NUMBER = sql.raw(`regexp_replace(upper(number), '[\\s\\-/._#]+', '', 'g')`);
const SQL_NUMBER_WITHOUT_ZEROS = sql.raw(
  `regexp_replace(regexp_replace(upper(number), '(^|[^0-9])0+([0-9])', '\\1\\2', 'g'), '[^A-Z0-9]+', '', 'g')`,
);

/** Used by tests to check the SQL forms agree with the TypeScript ones. */
export const sqlNormalisers = {
  reference: SQL_NORMALISED_REFERENCE,
  number: SQL_NORMALISED_NUMBER,
  numberWithoutZeros: SQL_NUMBER_WITHOUT_ZEROS,
};
