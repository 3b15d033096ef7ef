import { auditEvents } from '../../../db/schema';
import type { Tx } from '../../utils/db.server';

export type Actor =
  | { type: 'debtor'; id: string }
  | { type: 'staff'; id: string }
  | { type: 'system'; id?: string }
  | { type: 'provider'; id: string }
  | { type: 'api'; id: string };

export type AuditInput = {
  organizationId: string;
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  debtorId?: string | null;
  invoiceId?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
};

/** Writes audit events; call it inside the transaction that makes the change. */
export async function audit(tx: Tx, ...events: AuditInput[]) {
  if (events.length === 0) return;
  await tx.insert(auditEvents).values(
    events.map((e) => ({
      organizationId: e.organizationId,
      actorType: e.actor.type,
      actorId: e.actor.id ?? null,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      debtorId: e.debtorId ?? null,
      invoiceId: e.invoiceId ?? null,
      data: e.data ?? null,
      ...(e.at ? { createdAt: e.at } : {}),
    })),
  );
}
