/**
 * Plays the demo story (./story.ts) through the product's own code, with a clock that moves
 * from a year ago to the moment of the first start: invoices arrive through the intake, the
 * dunning engine runs at its scheduled hours whenever something is due, the outbox's send jobs
 * and the ledger's "payment received" jobs are worked off at the moment they were queued (as
 * the worker would), portal payments go through the demo provider and its signed webhook,
 * transfers arrive in daily camt.053 statements imported by finance, and the plan, the promise
 * and the dispute are made through the plans and disputes modules. Nothing is dated after the
 * end: the clock never passes it.
 *
 * Emails are stored in the local outbox (readable at /dev/mail), never sent: while the story
 * plays, a Resend key in the environment is set aside.
 */
import { and, asc, desc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { audit } from '../../app/modules/audit/index.server';
import { importStatementFile } from '../../app/modules/bank/index.server';
import { loadIntakeContext, upsertDebtor } from '../../app/modules/debtors/index.server';
import { addStaffMessage, openDispute } from '../../app/modules/disputes/index.server';
import { pauseActiveAt, runDunningPass } from '../../app/modules/dunning/index.server';
import { upsertInvoice } from '../../app/modules/invoices/index.server';
import { PAYMENT_RECEIVED_TASK, queuePaymentReceived } from '../../app/modules/ledger/index.server';
import { createDebtorSession, redeemLinkToken } from '../../app/modules/links/index.server';
import { SEND_TASK, sendCommunication } from '../../app/modules/mail/index.server';
import {
  adapterFor,
  completeDemoCheckout,
  DEMO_SIGNATURE_HEADER,
  handleDemoWebhook,
  type PaySelection,
  signDemoWebhook,
  startCheckout,
  type StartCheckoutResult,
} from '../../app/modules/payments/index.server';
import {
  approvePlan,
  makePromise,
  proposePlan,
  runPlanMaintenance,
  startInstallmentCheckout,
} from '../../app/modules/plans/index.server';
import { addDays, amsterdamDate, amsterdamInstant, fixedClock } from '../../app/utils/clock';
import { getDb } from '../../app/utils/db.server';
import { debtorScope, orgScope } from '../../app/utils/org-scope.server';
import { resetEnv } from '../../app/utils/env.server';
import {
  communications,
  debtors,
  dunningPauses,
  invoices,
  organizations,
  paymentPlans,
  payments,
  planInstallments,
  type Debtor,
} from '../schema';
import { camt053Statement, type StatementLine } from './camt053';
import type { Story, StoryDebtor, StoryInvoice } from './story';

type StaffRef = { id: string; organizationId: string; name: string };

export type SimulationInput = {
  story: Story;
  organizationId: string;
  accountIban: string;
  staff: { admin: StaffRef; finance: StaffRef; support: StaffRef };
  /** The end of the story: the moment of the first start. Nothing happens after it. */
  end: Date;
};

export type SimulationSummary = {
  invoices: number;
  dunningPasses: number;
  emails: number;
  statements: number;
  portalPayments: number;
};

type Event = { at: Date; label: string; run: () => Promise<void> };
type Unmatched = Extract<Story['scripts'][number], { kind: 'unmatched-transfer' }> & { invoices: StoryInvoice[] };

/** Reminders are sent by the scheduled pass at these local hours (the cron's window, 09:00-17:00). */
const PASS_FIRST_HOUR = 9;
const PASS_LAST_HOUR = 17;
/** Jobs worked at once (the worker's concurrency is of the same order). */
const JOB_SLOTS = 4;

const at = (day: string, hour: number, minute = 0) => new Date(amsterdamInstant(day, hour).getTime() + minute * 60_000);

export async function simulate(input: SimulationInput): Promise<SimulationSummary> {
  return withLocalOutbox(() => new Simulation(input).run());
}

/** Emails of the story go to the local outbox only: a Resend key, if set, is put aside meanwhile. */
async function withLocalOutbox<T>(work: () => Promise<T>): Promise<T> {
  const key = process.env.RESEND_API_KEY;
  if (key === undefined) return work();
  delete process.env.RESEND_API_KEY;
  resetEnv();
  try {
    return await work();
  } finally {
    process.env.RESEND_API_KEY = key;
    resetEnv();
  }
}

class Simulation {
  private readonly clock;
  private readonly db = getDb();
  private readonly debtorRows = new Map<string, Debtor>();
  private readonly invoiceIds = new Map<string, string>();
  private readonly storyDebtors: Map<string, StoryDebtor>;
  private lastPass: Date;
  private openingCents = 1_250_000;
  private statementSequence = 0;
  private readonly summary: SimulationSummary = {
    invoices: 0,
    dunningPasses: 0,
    emails: 0,
    statements: 0,
    portalPayments: 0,
  };

  constructor(private readonly input: SimulationInput) {
    this.clock = fixedClock(at(input.story.start, 8));
    this.lastPass = this.clock.now();
    this.storyDebtors = new Map(input.story.debtors.map((d) => [d.ref, d]));
  }

  private get orgId() {
    return this.input.organizationId;
  }

  async run(): Promise<SimulationSummary> {
    const events = this.events().sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const event of events) {
      if (event.at > this.input.end) continue;
      await this.passesUntil(event.at);
      // Time only moves forward (a checkout may have taken the clock a few minutes past this event).
      if (event.at > this.clock.now()) this.clock.set(event.at);
      try {
        await event.run();
      } catch (error) {
        throw new Error(`demo story, ${event.label} at ${event.at.toISOString()}: ${messageOf(error)}`, {
          cause: error,
        });
      }
      await this.drainJobs();
    }
    await this.passesUntil(this.input.end);
    return this.summary;
  }

  // --- the events of the story ---------------------------------------------------------------

  private events(): Event[] {
    const { story } = this.input;
    const events: Event[] = [];
    const byKey = new Map(story.invoices.map((i) => [i.key, i]));

    // The creditor's system sends each invoice on its day, late in the afternoon.
    story.invoices.forEach((invoice, n) =>
      events.push({
        at: at(invoice.issueDate, 16, n % 45),
        label: `invoice ${invoice.number}`,
        run: () => this.issue(invoice),
      }),
    );

    // Transfers arrive on the day's statement, which finance imports at the end of the day.
    const transfersByDay = new Map<string, { paid: StoryInvoice[]; unmatched: Unmatched[] }>();
    const dayOf = (day: string) => {
      const found = transfersByDay.get(day) ?? { paid: [], unmatched: [] };
      transfersByDay.set(day, found);
      return found;
    };
    for (const invoice of story.invoices) {
      if (invoice.payment?.via === 'transfer') dayOf(invoice.payment.day).paid.push(invoice);
    }
    for (const script of story.scripts) {
      if (script.kind === 'unmatched-transfer') {
        dayOf(script.day).unmatched.push({ ...script, invoices: script.invoiceKeys.map((k) => byKey.get(k)!) });
      }
    }
    for (const [day, { paid, unmatched }] of transfersByDay) {
      events.push({
        at: at(day, 17, 30),
        label: `statement of ${day}`,
        run: () => this.statement(day, paid, unmatched),
      });
    }

    // Portal payments: the debtor opens the link of their latest email in the evening and pays
    // what they chose for that day in one checkout.
    const portalByDebtorDay = new Map<string, StoryInvoice[]>();
    for (const invoice of story.invoices) {
      if (invoice.payment?.via !== 'portal') continue;
      const key = `${invoice.debtorRef}|${invoice.payment.day}`;
      portalByDebtorDay.set(key, [...(portalByDebtorDay.get(key) ?? []), invoice]);
    }
    let n = 0;
    for (const [key, list] of portalByDebtorDay) {
      const day = key.split('|')[1];
      events.push({
        at: at(day, 19, (n++ * 7) % 55),
        label: `portal payment of ${list.map((i) => i.number).join(', ')}`,
        run: () => this.portalPayment(list),
      });
    }

    for (const script of story.scripts) {
      if (script.kind === 'plan') {
        const chosen = script.invoiceKeys.map((k) => byKey.get(k)!);
        let planId = '';
        events.push({
          at: at(script.proposedOn, 20, 45),
          label: 'plan proposal',
          run: async () => {
            planId = await this.proposePlan(script.debtorRef, chosen, script);
          },
        });
        events.push({
          at: at(script.approvedOn, 10, 15),
          label: 'plan approval',
          run: () => this.approvePlan(planId),
        });
        events.push({
          at: at(script.firstInstallmentPaidOn, 19, 30),
          label: 'first installment',
          run: () => this.payInstallment(script.debtorRef, planId),
        });
        // The plans module's daily round (reminders before an installment is due, missed ones).
        for (let day = script.proposedOn; day <= story.today; day = addDays(day, 1)) {
          events.push({
            at: new Date(`${day}T08:00:00Z`),
            label: `plan maintenance ${day}`,
            run: async () => void (await runPlanMaintenance({ clock: this.clock, organizationId: this.orgId })),
          });
        }
      } else if (script.kind === 'promise') {
        events.push({
          at: at(script.madeOn, 19, 45),
          label: 'promise to pay',
          run: () =>
            this.promise(
              script.debtorRef,
              script.invoiceKeys.map((k) => byKey.get(k)!),
              script.date,
            ),
        });
      } else if (script.kind === 'dispute') {
        let disputeId = '';
        events.push({
          at: at(script.openedOn, 21, 10),
          label: 'dispute',
          run: async () => {
            disputeId = await this.openDispute(script.debtorRef, byKey.get(script.invoiceKey)!, script.message);
          },
        });
        events.push({
          at: at(script.repliedOn, 10, 20),
          label: 'dispute reply',
          run: () => this.replyToDispute(disputeId, script.reply),
        });
      }
    }
    return events;
  }

  private async issue(invoice: StoryInvoice) {
    await this.db.transaction(async (tx) => {
      const ctx = await loadIntakeContext(tx, {
        organizationId: this.orgId,
        actor: { type: 'system', id: 'veldkamp-erp' },
        source: 'api',
        clock: this.clock,
      });
      let debtor = this.debtorRows.get(invoice.debtorRef);
      if (!debtor) {
        const d = this.storyDebtors.get(invoice.debtorRef)!;
        ({ debtor } = await upsertDebtor(tx, ctx, d.ref, {
          kind: d.kind,
          name: d.name,
          email: d.email,
          locale: d.locale,
          contactName: d.contactName,
          phone: d.phone,
          addressLine: d.addressLine,
          postalCode: d.postalCode,
          city: d.city,
          country: d.country,
          vatNumber: d.vatNumber,
        }));
        this.debtorRows.set(invoice.debtorRef, debtor);
      }
      const { invoice: row } = await upsertInvoice(tx, ctx, invoice.number, debtor, {
        issueDate: invoice.issueDate,
        dueDate: invoice.dueDate,
        currency: 'EUR',
        totalCents: invoice.totalCents,
        lines: invoice.lines,
        description: invoice.description,
        externalRef: invoice.key,
      });
      this.invoiceIds.set(invoice.key, row.id);
    });
    this.summary.invoices += 1;
  }

  /** What the debtor owes on an invoice now (principal left, costs and interest; 0 once settled), and its reference. */
  private async owed(invoiceKey: string): Promise<{ cents: number; reference: string | null }> {
    const [row] = await this.db
      .select({
        status: invoices.status,
        open: invoices.openCents,
        costs: invoices.costsCents,
        interest: invoices.interestCents,
        reference: invoices.paymentReference,
      })
      .from(invoices)
      .where(and(orgScope(invoices, this.orgId), eq(invoices.id, this.invoiceIds.get(invoiceKey)!)));
    return { cents: row.status === 'open' ? row.open + row.costs + row.interest : 0, reference: row.reference };
  }

  private async statement(day: string, paid: StoryInvoice[], unmatched: Unmatched[]) {
    const lines: StatementLine[] = [];
    const ref = () => `${day.replace(/-/g, '')}${String(lines.length + 1).padStart(4, '0')}`;
    for (const invoice of paid) {
      const { cents, reference } = await this.owed(invoice.key);
      if (cents <= 0) continue;
      const payer = this.storyDebtors.get(invoice.debtorRef)!;
      lines.push({
        ref: ref(),
        cents,
        payerName: payer.name,
        payerIban: payer.iban,
        remittance:
          invoice.payment?.via === 'transfer' && invoice.payment.remittance === 'number'
            ? { text: `Factuur ${invoice.number}` }
            : { structured: reference! },
      });
    }
    const toMatch = lines.length;
    for (const transfer of unmatched) {
      let cents = 0;
      for (const invoice of transfer.invoices) cents += (await this.owed(invoice.key)).cents;
      if (cents > 0) {
        lines.push({
          ref: ref(),
          cents,
          payerName: transfer.payerName,
          payerIban: transfer.payerIban,
          remittance: { text: transfer.text },
        });
      }
    }
    if (lines.length === 0) return;
    this.statementSequence += 1;
    const bytes = camt053Statement({
      accountIban: this.input.accountIban,
      day,
      sequence: this.statementSequence,
      openingCents: this.openingCents,
      lines,
    });
    this.openingCents += lines.reduce((s, l) => s + l.cents, 0);
    const outcome = await importStatementFile(
      {
        organizationId: this.orgId,
        bytes,
        filename: `camt053-${day}.xml`,
        uploadedBy: { type: 'staff', id: this.input.staff.finance.id },
      },
      { clock: this.clock },
    );
    if (outcome.matched !== toMatch || outcome.queued !== lines.length - toMatch) {
      throw new Error(
        `statement of ${day}: ${outcome.matched} of ${toMatch} transfers matched, ${outcome.queued} of ${lines.length - toMatch} queued`,
      );
    }
    this.summary.statements += 1;
  }

  // --- the debtor in the portal --------------------------------------------------------------

  /** The debtor opens the link in the latest email they were sent, as /l/:token does. */
  private async openPortal(debtorRef: string) {
    const debtor = this.debtorRows.get(debtorRef)!;
    const [latest] = await this.db
      .select({ props: communications.props })
      .from(communications)
      .where(
        and(
          debtorScope(communications, { organizationId: this.orgId, debtorId: debtor.id }),
          eq(communications.status, 'sent'),
          isNotNull(communications.linkJti),
          lte(communications.sentAt, this.clock.now()),
        ),
      )
      .orderBy(desc(communications.sentAt))
      .limit(1);
    const token = /\/l\/([^/?#"]+)/.exec(String((latest?.props as { portalUrl?: string } | undefined)?.portalUrl))?.[1];
    if (!token) throw new Error(`${debtor.name} has no email with a portal link to open`);
    await this.db.transaction(async (tx) => {
      const redeemed = await redeemLinkToken(tx, token, { clock: this.clock });
      if (!redeemed.ok) throw new Error(`the link in ${debtor.name}'s latest email does not open: ${redeemed.reason}`);
      await createDebtorSession(tx, redeemed, { clock: this.clock });
      await audit(tx, {
        organizationId: redeemed.organizationId,
        actor: { type: 'debtor', id: redeemed.debtorId },
        action: 'portal.opened',
        entityType: 'portal_link',
        entityId: redeemed.jti,
        debtorId: redeemed.debtorId,
        at: this.clock.now(),
      });
    });
  }

  /** What a portal session carries about the debtor and the creditor, read fresh. */
  private async session(debtorRef: string) {
    const id = this.debtorRows.get(debtorRef)!.id;
    const [row] = await this.db
      .select({ debtor: debtors, organization: organizations })
      .from(debtors)
      .innerJoin(organizations, eq(organizations.id, debtors.organizationId))
      .where(and(orgScope(debtors, this.orgId), eq(debtors.id, id)));
    return { organizationId: this.orgId, debtorId: id, debtor: row.debtor, organization: row.organization };
  }

  private async portalPayment(list: StoryInvoice[]) {
    const ref = list[0].debtorRef;
    const open: StoryInvoice[] = [];
    for (const invoice of list) if ((await this.owed(invoice.key)).cents > 0) open.push(invoice);
    if (open.length === 0) return;
    await this.openPortal(ref);
    const session = await this.session(ref);
    const payment = open[0].payment!;
    const part = payment.via === 'portal' ? payment.amountCents : undefined;
    const selection: PaySelection =
      open.length === 1
        ? { kind: 'single', invoiceId: this.invoiceIds.get(open[0].key)!, amountCents: part }
        : { kind: 'invoices', invoiceIds: open.map((i) => this.invoiceIds.get(i.key)!) };
    const method = payment.via === 'portal' ? payment.method : 'ideal';
    const started = await startCheckout(
      session,
      { selection, method },
      { clock: this.clock, locale: session.debtor.locale === 'en' ? 'en' : 'nl', adapter: this.demoProvider() },
    );
    await this.payOnDemoPage(started);
  }

  /** Always the demo provider, even where Mollie or Stripe keys are set: the story pays no real provider. */
  private demoProvider() {
    return adapterFor({ provider: 'demo', source: 'demo' }, { clock: this.clock });
  }

  /** The demo provider's hosted page, "Betaling gelukt" two minutes later, and its signed webhook. */
  private async payOnDemoPage(started: StartCheckoutResult) {
    if (!started.ok) throw new Error(`checkout refused: ${started.error}`);
    const checkoutId = /\/demo-checkout\/([^/?#]+)/.exec(started.checkoutUrl)?.[1];
    if (!checkoutId) throw new Error(`not a demo checkout: ${started.checkoutUrl}`);
    this.clock.set(new Date(this.clock.now().getTime() + 2 * 60_000));
    await completeDemoCheckout(checkoutId, 'paid', {
      clock: this.clock,
      deliver: async (url, id) => {
        const body = JSON.stringify({ id });
        const request = new Request(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            [DEMO_SIGNATURE_HEADER]: signDemoWebhook(body, this.clock.now()),
          },
          body,
        });
        const outcome = await handleDemoWebhook(request, { clock: this.clock });
        if (outcome.status !== 200) throw new Error(`demo webhook answered ${outcome.status}: ${outcome.body}`);
      },
    });
    const [payment] = await this.db
      .select({ status: payments.status })
      .from(payments)
      .where(and(orgScope(payments, this.orgId), eq(payments.id, started.paymentId)));
    if (payment?.status !== 'paid') throw new Error(`the demo payment ended ${payment?.status ?? 'missing'}`);
    this.summary.portalPayments += 1;
  }

  private async proposePlan(
    debtorRef: string,
    chosen: StoryInvoice[],
    plan: { firstDate: string; installmentCount: number; reason: string },
  ): Promise<string> {
    await this.openPortal(debtorRef);
    const result = await proposePlan(
      await this.session(debtorRef),
      {
        invoiceIds: chosen.map((i) => this.invoiceIds.get(i.key)!),
        installmentCount: plan.installmentCount,
        frequency: 'monthly',
        firstDate: plan.firstDate,
        downPaymentCents: 0,
        reason: plan.reason,
      },
      { clock: this.clock },
    );
    if (!result.ok) throw new Error(`plan refused: ${JSON.stringify(result.errors)}`);
    return result.plan.id;
  }

  private async approvePlan(planId: string) {
    const result = await approvePlan(this.input.staff.finance, planId, { clock: this.clock });
    if (!result.ok) throw new Error(`approval refused: ${JSON.stringify(result.errors)}`);
  }

  private async payInstallment(debtorRef: string, planId: string) {
    await this.openPortal(debtorRef);
    const [first] = await this.db
      .select({ id: planInstallments.id })
      .from(planInstallments)
      .innerJoin(paymentPlans, eq(paymentPlans.id, planInstallments.planId))
      .where(and(orgScope(paymentPlans, this.orgId), eq(planInstallments.planId, planId)))
      .orderBy(asc(planInstallments.seq))
      .limit(1);
    const started = await startInstallmentCheckout(
      await this.session(debtorRef),
      { planId, installmentId: first.id, method: 'ideal' },
      { clock: this.clock, adapter: this.demoProvider() },
    );
    await this.payOnDemoPage(started);
  }

  private async promise(debtorRef: string, chosen: StoryInvoice[], date: string) {
    await this.openPortal(debtorRef);
    const result = await makePromise(
      await this.session(debtorRef),
      { invoiceIds: chosen.map((i) => this.invoiceIds.get(i.key)!), date },
      { clock: this.clock },
    );
    if (!result.ok) throw new Error(`promise refused: ${JSON.stringify(result)}`);
  }

  private async openDispute(debtorRef: string, invoice: StoryInvoice, message: string): Promise<string> {
    await this.openPortal(debtorRef);
    const result = await openDispute(
      { organizationId: this.orgId, debtorId: this.debtorRows.get(debtorRef)!.id },
      { invoiceId: this.invoiceIds.get(invoice.key)!, amountCents: null, reason: 'amount_wrong', message, files: [] },
      { clock: this.clock },
    );
    if (!result.ok) throw new Error(`dispute refused: ${result.error}`);
    return result.disputeId;
  }

  private async replyToDispute(disputeId: string, reply: string) {
    const result = await addStaffMessage(
      this.input.staff.support,
      disputeId,
      { message: reply, files: [], internal: false },
      { clock: this.clock },
    );
    if (!result.ok) throw new Error(`reply refused: ${result.error}`);
  }

  // --- the worker and the scheduled dunning pass -----------------------------------------------

  /**
   * Runs the scheduled dunning pass at every hour of the sending window from the last pass up to
   * `until` at which something is due: an invoice's next action, a pause running out, or an
   * invoice that fell due during a pause another event has lifted since.
   */
  private async passesUntil(until: Date) {
    for (;;) {
      const wake = await this.nextWake();
      if (!wake) return;
      const tick = nextPassTick(wake);
      if (tick > until) return;
      this.clock.set(tick);
      await runDunningPass({ clock: this.clock, organizationId: this.orgId });
      this.lastPass = tick;
      this.summary.dunningPasses += 1;
      await this.drainJobs();
    }
  }

  private async nextWake(): Promise<Date | null> {
    const after = this.lastPass.toISOString();
    const now = this.clock.now().toISOString();
    const [row] = await this.db.execute<{ next: string | null; pause_end: string | null; due_now: boolean }>(sql`
      select
        (select min(i.next_action_at) from ${invoices} i
          where i.organization_id = ${this.orgId} and i.status = 'open' and i.open_cents > 0
            and i.next_action_at > ${after}::timestamptz) as next,
        (select min(p.until) from ${dunningPauses} p
          where p.organization_id = ${this.orgId} and p.lifted_at is null and p.until > ${after}::timestamptz) as pause_end,
        exists (select 1 from ${invoices} i
          where i.organization_id = ${this.orgId} and i.status = 'open' and i.open_cents > 0
            and i.next_action_at <= ${now}::timestamptz
            and not exists (select 1 from ${dunningPauses}
              where ${dunningPauses.invoiceId} = i.id and ${pauseActiveAt(this.clock.now())})) as due_now`);
    const candidates = [row.next, row.pause_end]
      .filter((v): v is string => v !== null)
      .map((v) => new Date(v).getTime());
    if (row.due_now) candidates.push(Math.max(this.clock.now().getTime(), this.lastPass.getTime() + 1));
    return candidates.length ? new Date(Math.min(...candidates)) : null;
  }

  /**
   * Works off the jobs the story queued, at the moment they were queued, as the worker would:
   * the outbox's sends and the ledger's "payment received" emails (which queue a send in turn).
   */
  private async drainJobs() {
    for (;;) {
      // The job keys name what each job is for: comm:<communication id>, payment_received:<payment id>.
      const jobs = await this.db.execute<{ id: string; task: string; key: string | null }>(sql`
        select id, task_identifier as task, key from graphile_worker.jobs
        where task_identifier in (${SEND_TASK}, ${PAYMENT_RECEIVED_TASK}) and locked_at is null
        order by id`);
      if (jobs.length === 0) return;
      // Like a worker with a few slots: the jobs of one moment are independent of each other.
      await inParallel(jobs, JOB_SLOTS, async (job) => {
        const id = job.key?.slice(job.key.indexOf(':') + 1);
        if (!id) throw new Error(`job ${job.id} (${job.task}) has no key to tell what it is for`);
        if (job.task === PAYMENT_RECEIVED_TASK) {
          await queuePaymentReceived(id, { clock: this.clock });
        } else {
          const outcome = await sendCommunication(id, { clock: this.clock });
          if (outcome.status === 'sent') this.summary.emails += 1;
        }
      });
      await this.db.execute(
        sql`select graphile_worker.complete_jobs(${`{${jobs.map((j) => j.id).join(',')}}`}::bigint[])`,
      );
    }
  }
}

/** Runs `work` over the items with at most `slots` at a time. */
async function inParallel<T>(items: readonly T[], slots: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(slots, items.length) }, lane));
}

/** The first scheduled pass at or after `at`: on the hour, from 09:00 to 17:00 in Amsterdam. */
export function nextPassTick(moment: Date): Date {
  let day = amsterdamDate(moment);
  for (let i = 0; i < 3; i++, day = addDays(day, 1)) {
    for (let hour = PASS_FIRST_HOUR; hour <= PASS_LAST_HOUR; hour++) {
      const tick = amsterdamInstant(day, hour);
      if (tick >= moment) return tick;
    }
  }
  throw new Error(`no pass hour after ${moment.toISOString()}`);
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}
