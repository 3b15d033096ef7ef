import { bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns';
import { actorType } from './enums';
import { organizations } from './organizations';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorType: actorType('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    debtorId: uuid('debtor_id'),
    invoiceId: uuid('invoice_id'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_org_debtor_idx').on(t.organizationId, t.debtorId, t.createdAt),
    index('audit_events_org_invoice_idx').on(t.organizationId, t.invoiceId, t.createdAt),
    index('audit_events_entity_idx').on(t.organizationId, t.entityType, t.entityId),
  ],
);
export type AuditEvent = typeof auditEvents.$inferSelect;

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type'),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    payload: jsonb('payload'),
    receivedAt: createdAt(),
    processedAt: tstz('processed_at'),
  },
  (t) => [
    uniqueIndex('webhook_events_provider_event_id_key').on(t.provider, t.eventId),
    index('webhook_events_organization_id_idx').on(t.organizationId),
  ],
);
