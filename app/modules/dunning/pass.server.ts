/**
 * The dunning pass: set-based and idempotent. Each batch, in ONE transaction:
 *  1. locks a batch of debtors that have invoices due (FOR NO KEY UPDATE SKIP LOCKED), so two
 *     passes (two worker processes) never work on the same debtor, and all of a debtor's due
 *     invoices always land in the same batch;
 *  2. reads (and row-locks) those debtors' invoices that are open, due and not paused;
 *  3. groups them per debtor and stage, issues one signed link per message (one INSERT), queues
 *     one communication per group (outbox, with a dedupe key), advances every invoice (one
 *     UPDATE), flags debtors for staff (one UPDATE) and writes the audit events (one INSERT).
 * Statements per batch are constant: database round trips grow with batches, not invoices.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, notExists, sql } from 'drizzle-orm';
import { debtors, dunningPauses, invoices, organizations, type DunningStage, type Organization } from '~db/schema';
import type { TemplateName, TemplateProps } from '~emails/render';
import { amsterdamDate, systemClock, type Clock } from '~/utils/clock';
import { getDb, type Database, type Tx } from '~/utils/db.server';
import type { Actor } from '~/modules/audit/index.server';
import {
  emailLocale,
  emailOrganization,
  type QueueCommunicationInput,
  queueCommunications,
} from '~/modules/mail/index.server';
import { issueReminderLinks } from '~/modules/links/index.server';
import { buildDunningProps, type DunningItem, type DunningMeta, type StepBefore } from './message';
import { pauseActiveAt } from './pauses.server';
import { validateDunningPolicy, validateStatutoryRates, type DebtorKind } from './policy';
import { findLetters } from './letters.server';
import { END_GRACE_DAYS } from './schedule';
import { decideStep, isAfterLetter, type LetterOnRecord, type PostponeReason, type StepTaken } from './step-plan';
import {
  flagDebtors,
  insertAuditEvents,
  updateInvoiceSteps,
  updateNextActions,
  uuidArray,
  type BulkAuditEvent,
  type DebtorFlag,
  type InvoiceStepUpdate,
} from './sql.server';
import { STATUTORY_RATES, type StatutoryRate } from './statutory-interest';
import { orgScope } from '~/utils/org-scope.server';

export const DUNNING_ACTOR: Actor = { type: 'system', id: 'dunning' };
/** Debtors per batch (all of their due invoices come along). */
export const DEFAULT_BATCH_SIZE = 500;
export { END_GRACE_DAYS };
/** Messages per queueCommunications call: its multi-row INSERT binds 16 parameters per message. */
const QUEUE_CHUNK = 1_000;

export type DunningPassOptions = {
  clock?: Clock;
  batchSize?: number;
  /** Only this creditor's invoices. */
  organizationId?: string;
  /** A database handle of its own (tests and benchmarks run passes on separate connections). */
  db?: Database;
  rateTable?: readonly StatutoryRate[];
  /** How many message summaries the result keeps (for the CLI); counts are always complete. */
  keepMessages?: number;
};

export type PassMessage = {
  communicationId: string;
  debtorId: string;
  debtorName: string;
  template: string;
  stageKey: string;
  invoiceNumbers: string[];
  openCents: number;
  costsCents: number;
  interestCents: number;
};

export type { PostponeReason };

export type DunningPassResult = {
  asOf: string;
  day: string;
  batches: number;
  debtors: number;
  /** Invoices that took a step (a stage was carried out). */
  steps: number;
  /** Communications queued. */
  messages: number;
  messagesByTemplate: Record<string, number>;
  postponed: Record<PostponeReason, number>;
  /** Invoices whose sequence ended (staff flagged). */
  ended: number;
  handedOver: number;
  costsAddedCents: number;
  compensationClaimedCents: number;
  interestClaimedCents: number;
  flaggedDebtors: number;
  warnings: string[];
  samples: PassMessage[];
  /** Where the time went, in ms summed over batches: reading, deciding, signing links, queueing, writing. */
  timingsMs: Record<Phase, number>;
  /** This process's CPU time per phase, in ms (the rest of the wall time is the database and waiting). */
  cpuMs: Record<Phase, number>;
};

type Phase = 'select' | 'decide' | 'links' | 'queue' | 'write';

type DueRow = {
  id: string;
  organizationId: string;
  debtorId: string;
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  totalCents: number;
  openCents: number;
  dunningStage: number;
  nextActionAt: Date | null;
  costsCents: number;
  interestCents: number;
  finalNoticeAt: Date | null;
  collectionAt: Date | null;
  kind: DebtorKind;
  debtorName: string;
  debtorEmail: string;
  debtorLocale: string;
  emailBlockedAt: Date | null;
  flaggedAt: Date | null;
};

type OrgRow = Organization;

type Step = {
  row: DueRow;
  stageIndex: number;
  stage: DunningStage;
  update: InvoiceStepUpdate;
  item: DunningItem;
  audit: Record<string, unknown>;
  handover: boolean;
};

type Context = {
  now: Date;
  today: string;
  organizationId?: string;
  batchSize: number;
  table: readonly StatutoryRate[];
  keepMessages: number;
  warnedOrgs: Set<string>;
};

export async function runDunningPass(options: DunningPassOptions = {}): Promise<DunningPassResult> {
  const clock = options.clock ?? systemClock;
  const db = options.db ?? getDb();
  const now = clock.now();
  const today = amsterdamDate(now);
  const table = options.rateTable ?? STATUTORY_RATES;
  const result: DunningPassResult = {
    asOf: now.toISOString(),
    day: today,
    batches: 0,
    debtors: 0,
    steps: 0,
    messages: 0,
    messagesByTemplate: {},
    postponed: { term_running: 0, final_notice_unsent: 0, email_blocked: 0, not_business_day: 0 },
    ended: 0,
    handedOver: 0,
    costsAddedCents: 0,
    compensationClaimedCents: 0,
    interestClaimedCents: 0,
    flaggedDebtors: 0,
    warnings: validateStatutoryRates(table, { asOf: today }).map((p) => `statutory rate table: ${p.message}`),
    samples: [],
    timingsMs: { select: 0, decide: 0, links: 0, queue: 0, write: 0 },
    cpuMs: { select: 0, decide: 0, links: 0, queue: 0, write: 0 },
  };
  const ctx: Context = {
    now,
    today,
    organizationId: options.organizationId,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    table,
    keepMessages: options.keepMessages ?? 100,
    warnedOrgs: new Set(),
  };
  let after: string | null = null;
  for (;;) {
    const lastDebtor: string | null = await db.transaction((tx) => processBatch(tx, ctx, after, result));
    if (lastDebtor === null) break;
    after = lastDebtor;
    result.batches += 1;
  }
  return result;
}

function dueCondition(tx: Tx, now: Date, organizationId?: string) {
  return and(
    eq(invoices.status, 'open'),
    gt(invoices.openCents, 0),
    isNotNull(invoices.nextActionAt),
    lte(invoices.nextActionAt, now),
    organizationId ? orgScope(invoices, organizationId) : undefined,
    notExists(
      tx
        .select({ one: sql`1` })
        .from(dunningPauses)
        .where(and(eq(dunningPauses.invoiceId, invoices.id), pauseActiveAt(now))),
    ),
  );
}

type LockedDebtor = Pick<DueRow, 'kind' | 'emailBlockedAt' | 'flaggedAt'> & {
  id: string;
  name: string;
  email: string;
  locale: string;
};

type Postponement = { row: DueRow; until: Date; reason: PostponeReason };

/** What the pass does with a batch's due invoices, before anything is written. */
type Decisions = {
  steps: Step[];
  postponements: Postponement[];
  ended: DueRow[];
  flags: Map<string, DebtorFlag>;
};

/** One reminder: a debtor's invoices that take the same stage, and the communication that carries them. */
type Message = { group: Step[]; communicationId: string };

/**
 * One batch in the caller's transaction. Returns the last debtor id handled, or null when nothing was due.
 * Its statements, in this order: lock the debtors, read their due invoices, read their creditors, read
 * the letters on record (when needed), insert the links, queue the messages, advance the invoices, move
 * the postponed and ended ones, flag debtors, write the audit events.
 */
async function processBatch(
  tx: Tx,
  ctx: Context,
  after: string | null,
  result: DunningPassResult,
): Promise<string | null> {
  const phase = phaseTimer(result);

  const locked = await lockDueDebtors(tx, ctx, after);
  if (locked.length === 0) return null;
  const lastDebtorId = locked[locked.length - 1].id;
  const rows = await readDueInvoices(tx, ctx, locked);
  result.debtors += locked.length;
  if (rows.length === 0) return lastDebtorId;
  const orgs = await readCreditors(tx, ctx, rows, result);
  const stagesOf = (row: DueRow): DunningStage[] => orgs.get(row.organizationId)?.dunningPolicy?.[row.kind] ?? [];
  const letters = await readLettersAfterFinalNotice(tx, rows, stagesOf);
  phase('select');

  const decisions = decideInvoices(rows, stagesOf, letters, ctx, result);
  const messages = groupMessages(decisions.steps);
  phase('decide');
  const links = await issueMessageLinks(tx, messages, orgs, ctx.now);
  phase('links');
  const inputs = messageInputs(messages, links, orgs, ctx.today);
  phase('decide');
  await queueAll(tx, inputs, ctx.now);
  phase('queue');

  await advanceInvoices(tx, ctx.now, decisions);
  const firstRowOf = firstRowPerDebtor(rows);
  const newlyFlagged = newFlags(firstRowOf, decisions.flags);
  await flagDebtors(tx, ctx.now, newlyFlagged);
  const audits = tallyAndAudit(ctx, result, { firstRowOf, decisions, messages, inputs, links, newlyFlagged });
  await insertAuditEvents(tx, DUNNING_ACTOR, ctx.now, audits);
  phase('write');
  return lastDebtorId;
}

/** Adds the wall and CPU time since the previous call to the named phase of the result. */
function phaseTimer(result: DunningPassResult) {
  let phaseStart = performance.now();
  let cpuStart = process.cpuUsage();
  return (name: Phase) => {
    const t = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    result.timingsMs[name] += t - phaseStart;
    result.cpuMs[name] += (cpu.user + cpu.system) / 1000;
    phaseStart = t;
    cpuStart = process.cpuUsage();
  };
}

/** Step 1: the next batch of debtors with due invoices, locked for this pass; another pass skips them. */
async function lockDueDebtors(tx: Tx, ctx: Context, after: string | null): Promise<LockedDebtor[]> {
  const dueDebtors = tx
    .select({ debtorId: invoices.debtorId })
    .from(invoices)
    .innerJoin(organizations, and(eq(organizations.id, invoices.organizationId), eq(organizations.active, true)))
    .where(dueCondition(tx, ctx.now, ctx.organizationId));
  return tx
    .select({
      id: debtors.id,
      kind: debtors.kind,
      name: debtors.name,
      email: debtors.email,
      locale: debtors.locale,
      emailBlockedAt: debtors.emailBlockedAt,
      flaggedAt: debtors.flaggedAt,
    })
    .from(debtors)
    .where(
      and(
        inArray(debtors.id, dueDebtors),
        eq(debtors.active, true),
        isNull(debtors.deletedAt),
        after ? gt(debtors.id, after) : undefined,
      ),
    )
    .orderBy(asc(debtors.id))
    .limit(ctx.batchSize)
    .for('no key update', { skipLocked: true });
}

/** Step 2: the locked debtors' invoices that are (still) due, row-locked, in a fresh snapshot now that the debtors are ours. */
async function readDueInvoices(tx: Tx, ctx: Context, locked: LockedDebtor[]): Promise<DueRow[]> {
  const debtorIds = locked.map((d) => d.id);
  const lockedDebtors = new Map(locked.map((d) => [d.id, d]));
  const invoiceRows = await tx
    .select({
      id: invoices.id,
      organizationId: invoices.organizationId,
      debtorId: invoices.debtorId,
      number: invoices.number,
      issueDate: invoices.issueDate,
      dueDate: invoices.dueDate,
      currency: invoices.currency,
      totalCents: invoices.totalCents,
      openCents: invoices.openCents,
      dunningStage: invoices.dunningStage,
      nextActionAt: invoices.nextActionAt,
      costsCents: invoices.costsCents,
      interestCents: invoices.interestCents,
      finalNoticeAt: invoices.finalNoticeAt,
      collectionAt: invoices.collectionAt,
    })
    .from(invoices)
    .where(
      and(
        sql`${invoices.debtorId} = any(${uuidArray(debtorIds)}::uuid[])`,
        dueCondition(tx, ctx.now, ctx.organizationId),
      ),
    )
    .orderBy(asc(invoices.debtorId), asc(invoices.dueDate), asc(invoices.number))
    .for('no key update');
  return invoiceRows.map((invoice) => {
    const d = lockedDebtors.get(invoice.debtorId)!;
    return {
      ...invoice,
      kind: d.kind,
      debtorName: d.name,
      debtorEmail: d.email,
      debtorLocale: d.locale,
      emailBlockedAt: d.emailBlockedAt,
      flaggedAt: d.flaggedAt,
    };
  });
}

/** Step 3: the creditors' policies and branding, as they are now; an invalid policy is warned about once per pass. */
async function readCreditors(
  tx: Tx,
  ctx: Context,
  rows: DueRow[],
  result: DunningPassResult,
): Promise<Map<string, OrgRow>> {
  const orgIds = [...new Set(rows.map((r) => r.organizationId))];
  const orgRows: OrgRow[] = await tx.select().from(organizations).where(inArray(organizations.id, orgIds));
  for (const org of orgRows) {
    if (ctx.warnedOrgs.has(org.id)) continue;
    ctx.warnedOrgs.add(org.id);
    const problems = validateDunningPolicy(org.dunningPolicy);
    if (problems.length > 0) {
      result.warnings.push(
        `organization ${org.id} has an invalid dunning policy: ${problems.map((p) => p.message).join('; ')}`,
      );
    }
  }
  return new Map(orgRows.map((o) => [o.id, o]));
}

/** Step 4: for consumers past their final notice, the letter as sent (delivery, announced costs); no query when none is. */
async function readLettersAfterFinalNotice(
  tx: Tx,
  rows: DueRow[],
  stagesOf: (row: DueRow) => DunningStage[],
): Promise<Map<string, LetterOnRecord>> {
  const needLetter = rows.filter(
    (r) => isAfterLetter(r.kind, stagesOf(r), r.dunningStage) && r.emailBlockedAt === null,
  );
  return needLetter.length > 0 ? findLetters(tx, needLetter) : new Map<string, LetterOnRecord>();
}

/** Step 5: per invoice, end the sequence, postpone it, or take the next step; which debtors to flag for staff. */
function decideInvoices(
  rows: DueRow[],
  stagesOf: (row: DueRow) => DunningStage[],
  letters: Map<string, LetterOnRecord>,
  ctx: Context,
  result: DunningPassResult,
): Decisions {
  const decisions: Decisions = { steps: [], postponements: [], ended: [], flags: new Map() };
  /** A hand-over's flag (overwrite) outranks the others; otherwise the first reason stays. */
  const flag = (id: string, reason: string, overwrite: boolean) => {
    const existing = decisions.flags.get(id);
    if (!existing || (overwrite && !existing.overwrite)) decisions.flags.set(id, { id, reason, overwrite });
  };

  for (const row of rows) {
    const stages = stagesOf(row);
    // The one decision the portal also predicts with (step-plan.ts).
    const decision = decideStep(
      {
        kind: row.kind,
        stages,
        invoice: row,
        letter: letters.get(row.id) ?? null,
        emailBlocked: row.emailBlockedAt !== null,
      },
      { today: ctx.today, table: ctx.table },
    );
    if (decision.kind === 'end') {
      decisions.ended.push(row);
      if (row.collectionAt === null) flag(row.debtorId, 'dunning_ended', false);
      continue;
    }
    if (decision.kind === 'postpone') {
      decisions.postponements.push({ row, until: decision.until, reason: decision.reason });
      if (decision.reason === 'email_blocked') flag(row.debtorId, 'email_blocked', false);
      continue;
    }
    countClaims(result, row, stages, decision);
    if (decision.handover) flag(row.debtorId, 'collection_handover', true);
    decisions.steps.push(stepOf(row, decision, ctx.now));
  }
  return decisions;
}

/** Adds what a step claims to the pass's totals: costs after a consumer letter, compensation otherwise, and interest. */
function countClaims(result: DunningPassResult, row: DueRow, stages: readonly DunningStage[], decision: StepTaken) {
  if (isAfterLetter(row.kind, stages, row.dunningStage)) result.costsAddedCents += decision.addedCostsCents;
  else {
    result.compensationClaimedCents += decision.addedCostsCents;
  }
  result.interestClaimedCents += decision.addedInterestCents;
}

/** A step taken: the invoice's update (guarded by its current stage) and its line in the message, with the state before it. */
function stepOf(row: DueRow, decision: StepTaken, now: Date): Step {
  const s = row.dunningStage;
  const { stage, handover, audit } = decision;
  const before: StepBefore = {
    stage: s,
    nextActionAt: row.nextActionAt?.toISOString() ?? null,
    costsCents: row.costsCents,
    interestCents: row.interestCents,
    finalNoticeAt: row.finalNoticeAt?.toISOString() ?? null,
    collectionAt: row.collectionAt?.toISOString() ?? null,
  };
  return {
    row,
    stageIndex: s,
    stage,
    handover,
    audit,
    update: {
      id: row.id,
      expectedStage: s,
      stage: s + 1,
      nextActionAt: decision.nextActionAt,
      costsCents: decision.costsCents,
      interestCents: decision.interestCents,
      finalNoticeAt: stage.template === 'final_notice' ? now : row.finalNoticeAt,
      collectionAt: handover ? now : row.collectionAt,
    },
    item: {
      invoiceId: row.id,
      invoice: {
        number: row.number,
        issueDate: row.issueDate,
        dueDate: row.dueDate,
        totalCents: row.totalCents,
        openCents: row.openCents,
        currency: row.currency,
      },
      costsCents: decision.costsCents,
      interestCents: decision.interestCents,
      announcedCostsCents: 0,
      before,
    },
  };
}

/** Step 6a: one message per debtor and stage, each with a fresh communication id. */
function groupMessages(steps: Step[]): Message[] {
  const groups = new Map<string, Step[]>();
  for (const step of steps) {
    const key = `${step.row.debtorId}:${step.stageIndex}`;
    const list = groups.get(key);
    if (list) list.push(step);
    else groups.set(key, [step]);
  }
  return [...groups.values()].map((group) => ({ group, communicationId: randomUUID() }));
}

/** Step 6b: one signed portal link per message, all in one INSERT, valid for the creditor's link lifetime. */
function issueMessageLinks(tx: Tx, messages: Message[], orgs: Map<string, OrgRow>, now: Date) {
  return issueReminderLinks(
    tx,
    messages.map(({ group, communicationId }) => ({
      organizationId: group[0].row.organizationId,
      debtorId: group[0].row.debtorId,
      communicationId,
      ttlDays: orgs.get(group[0].row.organizationId)?.portalSettings?.linkTtlDays ?? 30,
    })),
    now,
  );
}

type MessageLink = Awaited<ReturnType<typeof issueMessageLinks>>[number];

/** Step 6c: each message as the outbox takes it: the rendered props, its link, and a dedupe key per debtor, stage and day. */
function messageInputs(
  messages: Message[],
  links: MessageLink[],
  orgs: Map<string, OrgRow>,
  today: string,
): QueueCommunicationInput[] {
  return messages.map(({ group, communicationId }, n) => {
    const { row, stage, stageIndex } = group[0];
    const org = orgs.get(row.organizationId)!;
    const meta: DunningMeta = {
      version: 1,
      stage: stageIndex + 1,
      stageKey: stage.key,
      template: stage.template,
      kind: row.kind,
      letter: row.kind === 'consumer' && stage.addsCosts,
      asOf: today,
      items: group.map((g) => g.item),
    };
    const props = buildDunningProps({
      locale: emailLocale({ locale: row.debtorLocale }, org),
      organization: emailOrganization(org),
      debtor: { name: row.debtorName, kind: row.kind },
      portalUrl: links[n].url,
      meta,
    });
    return {
      id: communicationId,
      organizationId: row.organizationId,
      debtorId: row.debtorId,
      template: stage.template,
      props: props as unknown as TemplateProps[TemplateName],
      toAddress: row.debtorEmail,
      locale: props.locale,
      invoiceIds: group.map((g) => g.row.id),
      linkJti: links[n].jti,
      dedupeKey: `dunning:${row.debtorId}:${stage.key}:${today}`,
      stage: stageIndex + 1,
    };
  });
}

/** Step 7a: advances the stepped invoices (failing the batch if any changed under the pass), then moves the postponed and ended ones. */
async function advanceInvoices(tx: Tx, now: Date, { steps, postponements, ended }: Decisions) {
  const changed = await updateInvoiceSteps(
    tx,
    now,
    steps.map((s) => s.update),
  );
  if (changed.length !== steps.length)
    throw new Error(`dunning: ${steps.length - changed.length} invoices changed under the pass`);
  await updateNextActions(tx, now, [
    ...postponements.map((p) => ({ id: p.row.id, nextActionAt: p.until })),
    ...ended.map((row) => ({ id: row.id, nextActionAt: null })),
  ]);
}

/** Step 7b: the flags to write: a hand-over always, any other reason only for a debtor not flagged yet. */
function newFlags(firstRowOf: Map<string, DueRow>, flags: Map<string, DebtorFlag>): DebtorFlag[] {
  return [...flags.values()].filter((f) => f.overwrite || firstRowOf.get(f.id)?.flaggedAt === null);
}

/** Each debtor's first due row (it carries the debtor's flag and organisation). */
function firstRowPerDebtor(rows: DueRow[]): Map<string, DueRow> {
  const firstRowOf = new Map<string, DueRow>();
  for (const row of rows) if (!firstRowOf.has(row.debtorId)) firstRowOf.set(row.debtorId, row);
  return firstRowOf;
}

/**
 * Step 7c: counts the batch into the pass's result (messages, samples, steps, postponements, ends,
 * flags) and returns its audit events, in that order: steps per message, postponements, ends, flags.
 */
function tallyAndAudit(
  ctx: Context,
  result: DunningPassResult,
  batch: {
    firstRowOf: Map<string, DueRow>;
    decisions: Decisions;
    messages: Message[];
    inputs: QueueCommunicationInput[];
    links: MessageLink[];
    newlyFlagged: DebtorFlag[];
  },
): BulkAuditEvent[] {
  const { firstRowOf, decisions, messages, inputs, links, newlyFlagged } = batch;
  const audits: BulkAuditEvent[] = [];
  messages.forEach(({ group, communicationId }, n) => {
    const first = group[0];
    result.messages += 1;
    result.messagesByTemplate[first.stage.template] = (result.messagesByTemplate[first.stage.template] ?? 0) + 1;
    if (result.samples.length < ctx.keepMessages) result.samples.push(sampleOf(group, communicationId, inputs[n]));
    for (const step of group) {
      if (step.handover) result.handedOver += 1;
      audits.push({
        organizationId: step.row.organizationId,
        action: 'dunning.step',
        entityType: 'invoice',
        entityId: step.row.id,
        debtorId: step.row.debtorId,
        invoiceId: step.row.id,
        data: { ...step.audit, communicationId, linkJti: links[n].jti },
      });
    }
  });
  result.steps += decisions.steps.length;
  for (const p of decisions.postponements) {
    result.postponed[p.reason] += 1;
    audits.push({
      organizationId: p.row.organizationId,
      action: 'dunning.postponed',
      entityType: 'invoice',
      entityId: p.row.id,
      debtorId: p.row.debtorId,
      invoiceId: p.row.id,
      data: { reason: p.reason, stage: p.row.dunningStage + 1, until: p.until.toISOString() },
    });
  }
  for (const row of decisions.ended) {
    result.ended += 1;
    audits.push({
      organizationId: row.organizationId,
      action: 'dunning.ended',
      entityType: 'invoice',
      entityId: row.id,
      debtorId: row.debtorId,
      invoiceId: row.id,
      data: { stagesDone: row.dunningStage, openCents: row.openCents },
    });
  }
  for (const f of newlyFlagged) {
    const row = firstRowOf.get(f.id)!;
    result.flaggedDebtors += 1;
    audits.push({
      organizationId: row.organizationId,
      action: 'debtor.flagged',
      entityType: 'debtor',
      entityId: f.id,
      debtorId: f.id,
      data: { reason: f.reason },
    });
  }
  return audits;
}

/** A message as the CLI shows it: whom, which template, which invoices and the totals the email states. */
function sampleOf(group: Step[], communicationId: string, input: QueueCommunicationInput): PassMessage {
  const first = group[0];
  const totals = (
    input.props as unknown as {
      totals: { openCents: number; costsCents: number | null; interestCents: number | null };
    }
  ).totals;
  return {
    communicationId,
    debtorId: first.row.debtorId,
    debtorName: first.row.debtorName,
    template: first.stage.template,
    stageKey: first.stage.key,
    invoiceNumbers: group.map((g) => g.row.number),
    openCents: totals.openCents,
    costsCents: totals.costsCents ?? 0,
    interestCents: totals.interestCents ?? 0,
  };
}

/** Queues the batch's messages; a dedupe key already used today (a second step the same day) gets a pass-unique key. */
async function queueAll(tx: Tx, inputs: QueueCommunicationInput[], now: Date) {
  for (let start = 0; start < inputs.length; start += QUEUE_CHUNK) {
    const chunk = inputs.slice(start, start + QUEUE_CHUNK);
    const queued = await queueCommunications(tx, chunk, { clock: { now: () => now } });
    const clashed = chunk.filter((_, i) => queued[i] === null);
    if (clashed.length === 0) continue;
    const retried = await queueCommunications(
      tx,
      clashed.map((input) => ({ ...input, dedupeKey: `${input.dedupeKey}:${now.toISOString()}:${input.id}` })),
      { clock: { now: () => now } },
    );
    const lost = retried.filter((c) => c === null).length;
    if (lost > 0) throw new Error(`dunning: ${lost} reminders could not be queued`);
  }
}
