/**
 * The composition root of the ledger's subscribers: everything that reacts to ledger events,
 * registered in one place and in this order (loaded by app/modules/ledger/ledger-events.server
 * the first time an event is emitted, in every process; the ledger itself imports none of these
 * modules, which sit above it):
 *
 * 1. dunning pauses: an invoice that owes nothing more (booked, revised) loses every pause; a
 *    provider payment that ended lifts its own payment_pending pause, so dunning goes on for what
 *    is left (app/modules/dunning/ledger-reactions.server).
 * 2. disputes: an active dispute on a settled invoice closes
 *    (app/modules/disputes/ledger-reactions.server).
 * 3. payment plans: money on an installment's payment counts for that installment, and a
 *    reversal takes it back (app/modules/plans/installments.server).
 * 4. transfer notices: money on an invoice the debtor said they transferred for ends the notice
 *    and its pause (app/modules/bank/transfer-notices.server).
 *
 * A module may also call onLedgerEvent itself (tests do); the list below is re-registered in this
 * order so the order never depends on which module happened to load first. Each subscriber has a
 * batch form too (onLedgerEvents): recordLedgerEntries delivers a bank statement's bookings at
 * once, and the batch form does in a few queries what the single one does per event.
 */
import { transferNoticesOnLedgerEvent, transferNoticesOnLedgerEvents } from '~/modules/bank/index.server';
import { closeDisputesOnSettlement, closeDisputesOnSettlements } from '~/modules/disputes/index.server';
import { liftPausesOnLedgerEvent, liftPausesOnLedgerEvents } from '~/modules/dunning/index.server';
import { resumedNextAction } from '~/modules/dunning/index';
import { installmentsOnLedgerEvent, installmentsOnLedgerEvents } from '~/modules/plans/index.server';
import {
  offLedgerEvent,
  onLedgerEvents,
  setResumeRule,
  type LedgerBatchListener,
  type LedgerListener,
} from '~/modules/ledger/index.server';

const SUBSCRIBERS: [string, LedgerListener, LedgerBatchListener][] = [
  ['dunning-pauses', liftPausesOnLedgerEvent, liftPausesOnLedgerEvents],
  ['disputes', closeDisputesOnSettlement, closeDisputesOnSettlements],
  ['payment-plans', installmentsOnLedgerEvent, installmentsOnLedgerEvents],
  ['transfer-notices', transferNoticesOnLedgerEvent, transferNoticesOnLedgerEvents],
];
for (const [name] of SUBSCRIBERS) offLedgerEvent(name);
for (const [name, one, many] of SUBSCRIBERS) onLedgerEvents(name, many, one);
// When a reversal re-opens an invoice, dunning resumes by dunning's rule.
setResumeRule(resumedNextAction);
