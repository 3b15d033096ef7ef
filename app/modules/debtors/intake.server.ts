/**
 * Debtor intake: the one place where debtors from the API, CSV and UBL uploads are created or
 * updated. It is the first step of every intake, so the intake's shared parts live here too: the
 * context (organisation, actor, source, clock, dunning policy), IntakeError and the per-item
 * error of bulk upserts. Invoices build on it (app/modules/invoices/intake.server.ts). Every
 * function takes the transaction it runs in; callers group them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { debtors, organizations, type Debtor, type DunningPolicy, type NewDebtor } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { hasForbiddenControlChars } from '~/utils/limits';
import type { Tx } from '~/utils/db.server';
import { audit, type Actor, type AuditInput } from '~/modules/audit/index.server';
import { orgScope } from '~/utils/org-scope.server';

export type IntakeErrorKind = 'not_found' | 'conflict' | 'invalid';

/** A refusal the caller shows: the API maps `kind` to 404/409/400, imports to a row error. */
export class IntakeError extends Error {
  constructor(
    readonly kind: IntakeErrorKind,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export type IntakeSource = 'api' | 'csv' | 'ubl';
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export type IntakeContext = {
  organizationId: string;
  actor: Actor;
  source: IntakeSource;
  clock: Clock;
  policy: DunningPolicy;
};

export async function loadIntakeContext(
  tx: Tx,
  input: { organizationId: string; actor: Actor; source: IntakeSource; clock?: Clock },
): Promise<IntakeContext> {
  const [org] = await tx
    .select({ policy: organizations.dunningPolicy })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  if (!org) throw new IntakeError('not_found', 'not_found', 'Unknown organization.');
  return {
    organizationId: input.organizationId,
    actor: input.actor,
    source: input.source,
    clock: input.clock ?? systemClock,
    policy: org.policy,
  };
}

/** Marks an IntakeError with the position of the item that caused it. */
export class IntakeItemError extends Error {
  constructor(
    readonly index: number,
    readonly intakeError: IntakeError,
  ) {
    super(`item ${index}: ${intakeError.message}`);
  }
}

export async function atItem<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IntakeError) throw new IntakeItemError(index, error);
    throw error;
  }
}

export function chunk<T>(values: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

// --- debtors ---------------------------------------------------------------------------

/**
 * What to write on a debtor. `undefined` leaves a field as it is on an existing debtor
 * (and takes the column default on a new one); `null` clears it.
 */
export type DebtorPatch = {
  kind?: Debtor['kind'];
  name?: string;
  email?: string;
  locale?: string;
  contactName?: string | null;
  phone?: string | null;
  addressLine?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string;
  vatNumber?: string | null;
};

const DEBTOR_PATCH_FIELDS = [
  'kind',
  'name',
  'email',
  'locale',
  'contactName',
  'phone',
  'addressLine',
  'postalCode',
  'city',
  'country',
  'vatNumber',
] as const satisfies ReadonlyArray<keyof DebtorPatch>;

export async function findDebtor(tx: Tx, organizationId: string, externalRef: string, lock = false) {
  const query = tx
    .select()
    .from(debtors)
    .where(and(orgScope(debtors, organizationId), eq(debtors.externalRef, externalRef)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

function newDebtorValues(ctx: IntakeContext, externalRef: string, patch: DebtorPatch): NewDebtor {
  const given = Object.fromEntries(
    DEBTOR_PATCH_FIELDS.filter((field) => patch[field] !== undefined).map((field) => [field, patch[field]]),
  );
  const now = ctx.clock.now();
  return {
    organizationId: ctx.organizationId,
    externalRef,
    kind: patch.kind!,
    name: patch.name!,
    email: patch.email!,
    ...given,
    createdAt: now,
    updatedAt: now,
  };
}

/** The last guard against control characters in a debtor's text (the doors refuse them with their own messages). */
function checkDebtorText(externalRef: string, patch: DebtorPatch) {
  const fields: [string, string | null | undefined][] = [
    ['externalRef', externalRef],
    ...DEBTOR_PATCH_FIELDS.filter((field) => field !== 'kind').map(
      (field) => [field, patch[field]] as [string, string | null | undefined],
    ),
  ];
  for (const [field, value] of fields) {
    if (value && hasForbiddenControlChars(value, 'line')) {
      throw new IntakeError('invalid', 'control_characters', 'No control characters (such as NUL).', field);
    }
  }
}

function debtorCreatedEvent(ctx: IntakeContext, debtor: Debtor): AuditInput {
  return {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'debtor.created',
    entityType: 'debtor',
    entityId: debtor.id,
    debtorId: debtor.id,
    data: { source: ctx.source, externalRef: debtor.externalRef },
    at: ctx.clock.now(),
  };
}

/** Creates or updates the debtor with this external reference; writes nothing when nothing changes. */
export async function upsertDebtor(
  tx: Tx,
  ctx: IntakeContext,
  externalRef: string,
  patch: DebtorPatch,
): Promise<{ debtor: Debtor; outcome: UpsertOutcome }> {
  checkDebtorText(externalRef, patch);
  for (let attempt = 0; ; attempt++) {
    const existing = await findDebtor(tx, ctx.organizationId, externalRef, true);
    if (existing) return updateDebtor(tx, ctx, existing, patch);

    if (patch.kind === undefined || patch.name === undefined || patch.email === undefined) {
      throw new IntakeError(
        'invalid',
        'debtor_incomplete',
        'A new debtor needs at least kind, name and email.',
        patch.email === undefined ? 'email' : patch.name === undefined ? 'name' : 'kind',
      );
    }
    const [created] = await tx
      .insert(debtors)
      .values(newDebtorValues(ctx, externalRef, patch))
      .onConflictDoNothing()
      .returning();
    // Another request created the same debtor between our look and our insert: update that one.
    if (!created) {
      if (attempt > 0) throw new Error(`debtor ${externalRef} keeps conflicting`);
      continue;
    }
    await audit(tx, debtorCreatedEvent(ctx, created));
    return { debtor: created, outcome: 'created' };
  }
}

/**
 * Debtors for many external references at once (the first patch per reference wins):
 * existing ones locked in one query and updated when their patch differs, new ones
 * inserted in chunks.
 */
export async function upsertDebtors(
  tx: Tx,
  ctx: IntakeContext,
  items: { externalRef: string; patch: DebtorPatch }[],
): Promise<Map<string, { debtor: Debtor; outcome: UpsertOutcome }>> {
  for (const item of items) checkDebtorText(item.externalRef, item.patch);
  const results = new Map<string, { debtor: Debtor; outcome: UpsertOutcome }>();
  const existing = new Map<string, Debtor>();
  for (const refs of chunk(
    items.map((item) => item.externalRef),
    1000,
  )) {
    const rows = await tx
      .select()
      .from(debtors)
      .where(and(orgScope(debtors, ctx), inArray(debtors.externalRef, refs)))
      .for('update');
    for (const row of rows) existing.set(row.externalRef!, row);
  }
  const fresh: { index: number; externalRef: string; patch: DebtorPatch }[] = [];
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (seen.has(item.externalRef)) continue;
    seen.add(item.externalRef);
    const current = existing.get(item.externalRef);
    if (current) results.set(item.externalRef, await updateDebtor(tx, ctx, current, item.patch));
    else fresh.push({ index, ...item });
  }
  for (const part of chunk(fresh, 500)) {
    const complete = part.filter(({ patch }) => patch.kind && patch.name && patch.email);
    const created = complete.length
      ? await tx
          .insert(debtors)
          .values(complete.map(({ externalRef, patch }) => newDebtorValues(ctx, externalRef, patch)))
          .onConflictDoNothing()
          .returning()
      : [];
    await audit(tx, ...created.map((debtor) => debtorCreatedEvent(ctx, debtor)));
    for (const debtor of created) results.set(debtor.externalRef!, { debtor, outcome: 'created' });
    // Incomplete patches (an error to report) and concurrent creations go one by one.
    for (const { index, externalRef, patch } of part) {
      if (results.has(externalRef)) continue;
      results.set(externalRef, await atItem(index, () => upsertDebtor(tx, ctx, externalRef, patch)));
    }
  }
  return results;
}

async function updateDebtor(
  tx: Tx,
  ctx: IntakeContext,
  existing: Debtor,
  patch: DebtorPatch,
): Promise<{ debtor: Debtor; outcome: UpsertOutcome }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const set: Partial<Debtor> = {};
  for (const field of DEBTOR_PATCH_FIELDS) {
    const next = patch[field];
    if (next === undefined || next === existing[field]) continue;
    changes[field] = { from: existing[field], to: next };
    Object.assign(set, { [field]: next });
  }
  if (Object.keys(changes).length === 0) return { debtor: existing, outcome: 'unchanged' };
  // A new address is a fresh start: the block was for the address that bounced.
  if (changes.email && existing.emailBlockedAt) {
    changes.emailBlockedAt = { from: existing.emailBlockedAt, to: null };
    set.emailBlockedAt = null;
  }
  const [updated] = await tx
    .update(debtors)
    .set({ ...set, updatedAt: ctx.clock.now() })
    .where(eq(debtors.id, existing.id))
    .returning();
  await audit(tx, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: 'debtor.updated',
    entityType: 'debtor',
    entityId: existing.id,
    debtorId: existing.id,
    data: { source: ctx.source, changes },
  });
  return { debtor: updated, outcome: 'updated' };
}
