import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { communications, type Debtor, type Organization } from '~db/schema';
import { debtorEmailProps } from '~/modules/mail/context.server';
import { queueCommunication } from '~/modules/mail/outbox.server';
import type { Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization } from './factories';

/** An organisation, a debtor with two open invoices, and a queued friendly reminder for them. */
export async function queuedReminder(
  options: {
    org?: Organization;
    debtor?: Debtor;
    dedupeKey?: string | null;
    clock?: Clock;
    template?: 'friendly_reminder' | 'second_reminder';
  } = {},
) {
  const org = options.org ?? (await createOrganization());
  const debtor = options.debtor ?? (await createDebtor(org));
  const invoices = [
    await createInvoice(org, debtor, { totalCents: 12_100, openCents: 12_100, dueDate: '2026-10-01' }),
    await createInvoice(org, debtor, { totalCents: 30_250, openCents: 30_250, dueDate: '2026-10-15' }),
  ];
  const portalUrl = `http://voldaan.test/l/test-${randomUUID()}`;
  const comm = await getDb().transaction(async (tx) => {
    const { props, toAddress } = await debtorEmailProps(tx, {
      organizationId: org.id,
      debtorId: debtor.id,
      invoiceIds: invoices.map((i) => i.id),
      portalUrl,
    });
    return queueCommunication(
      tx,
      {
        organizationId: org.id,
        debtorId: debtor.id,
        template: options.template ?? 'friendly_reminder',
        props,
        toAddress,
        locale: props.locale,
        invoiceIds: invoices.map((i) => i.id),
        dedupeKey: options.dedupeKey === undefined ? `test:${randomUUID()}` : options.dedupeKey,
        stage: 1,
      },
      { clock: options.clock },
    );
  });
  return { org, debtor, invoices, portalUrl, comm };
}

export async function communication(id: string) {
  const [row] = await getDb().select().from(communications).where(eq(communications.id, id));
  return row;
}

export type SendJob = {
  task_identifier: string;
  key: string | null;
  payload: { id: string };
  max_attempts: number;
  attempts: number;
  run_at: Date;
  last_error: string | null;
};

/**
 * graphile-worker's send jobs for a communication (its public `jobs` view leaves out the
 * payload, so this reads the underlying table).
 */
export async function sendJobsFor(commId: string): Promise<SendJob[]> {
  const rows = await getDb().execute(sql`
    select t.identifier as task_identifier, j.key, j.payload, j.max_attempts, j.attempts, j.run_at, j.last_error
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'id' = ${commId}
    order by j.id`);
  return rows.map((r) => ({ ...r, run_at: new Date(r.run_at as string) }) as SendJob);
}
