import { and, asc, inArray, isNull, lt, or } from 'drizzle-orm';
import { payments } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { applyPaymentStatus, applyProviderSnapshot } from '~/modules/ledger/index.server';
import { ProviderUnavailableError } from './provider';
import { adapterFor, providerConfigFor } from './providers.server';

/** A checkout is looked at again this long after it expired (webhooks usually arrive within seconds). */
export const RECONCILE_AFTER_MS = 15 * 60_000;

/**
 * The safety net for lost webhooks: payments still open or pending well past their checkout's
 * expiry ask their provider, through the same ledger code as a webhook. A payment the provider
 * does not know, or one whose checkout was never opened, ends as failed so its pause is lifted.
 */
export async function reconcileStalePayments({
  clock = systemClock,
  limit = 100,
}: { clock?: Clock; limit?: number } = {}) {
  const now = clock.now();
  const cutoff = new Date(now.getTime() - RECONCILE_AFTER_MS);
  const stale = await getDb()
    .select()
    .from(payments)
    .where(
      and(
        inArray(payments.status, ['open', 'pending']),
        inArray(payments.provider, ['mollie', 'stripe', 'demo']),
        or(lt(payments.expiresAt, cutoff), and(isNull(payments.expiresAt), lt(payments.createdAt, cutoff))),
      ),
    )
    .orderBy(asc(payments.createdAt))
    .limit(limit);
  const summary = { checked: stale.length, settled: 0, closed: 0, unreachable: 0 };
  for (const payment of stale) {
    const actor = { type: 'system' as const, id: 'payments_reconcile' };
    if (!payment.providerPaymentId) {
      await applyPaymentStatus(payment.id, 'failed', {
        clock,
        actor,
        providerData: { reason: 'the checkout was never opened' },
      });
      summary.closed += 1;
      continue;
    }
    try {
      const config = await providerConfigFor(payment.organizationId, payment.provider as 'mollie' | 'stripe' | 'demo');
      const snapshot = config ? await adapterFor(config, { clock }).fetchStatus(payment.providerPaymentId) : null;
      if (!snapshot) {
        await applyPaymentStatus(payment.id, 'expired', {
          clock,
          actor,
          providerData: { reason: 'unknown at the provider' },
        });
        summary.closed += 1;
      } else {
        const { status } = await applyProviderSnapshot(payment.id, snapshot, { clock, actor });
        if (status.changed) summary.settled += 1;
      }
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      summary.unreachable += 1;
    }
  }
  return summary;
}
