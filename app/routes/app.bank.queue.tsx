import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  BANK_MATCH_MAX_SPLITS,
  BANK_NOTE_MAX_LENGTH,
  BankActionError,
  getEntry,
  ignoreEntry,
  listQueue,
  type ManualSplit,
  matchEntry,
  type OpenInvoiceChoice,
  type QueueItem,
  searchOpenInvoices,
} from '~/modules/bank/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { Counterparty, Description, NoteText, printIban } from '~/ui/backoffice/bank-parts';
import { centsInput, useMoney } from '~/ui/backoffice/parts';
import { field, intentSchema, parseForm, reject, repeated, typedValues } from '~/utils/forms';
import { formatDate, type Params, type TextKey } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney, parseAmountToCents } from '~/utils/money';
import { isUuid } from '~/utils/ids';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bank.queue.title');

const PATH = '/app/bank/queue';
const INTENT = { match: 'match', ignore: 'ignore' } as const;

/** Every action names the line it is for; the locale only words the amounts in a refusal. */
const queueForm = intentSchema(INTENT).extend({
  entryId: field({ trim: false }),
  locale: field().transform((value) => (value === 'en' ? ('en' as const) : ('nl' as const))),
});

/** Not a debtor payment: an optional note. */
const ignoreForm = z.object({
  note: field({ trim: false }).transform((typed, ctx) => {
    const note = typed.slice(0, BANK_NOTE_MAX_LENGTH + 1);
    if (note.trim().length > BANK_NOTE_MAX_LENGTH) {
      return reject(ctx, { key: 'bo.form.error.tooLong', params: { max: BANK_NOTE_MAX_LENGTH } });
    }
    return note;
  }),
});

/** The invoices ticked for a match, as posted. */
const pickedForm = z.object({ invoice: repeated(z.string()) });

/**
 * A match by hand: one to BANK_MATCH_MAX_SPLITS invoices of the queue (ids, `chosen`), each with
 * a positive amount (`amount.<id>`); a refusal names the invoice by its number (`numbers`).
 */
function matchForm(chosen: string[], numbers: Map<string, string>) {
  return z.record(z.string(), z.unknown()).transform((values, ctx): ManualSplit[] => {
    if (chosen.length === 0) return reject(ctx, { key: 'bank.queue.error.pick' }, ['splits']);
    if (chosen.length > BANK_MATCH_MAX_SPLITS) {
      return reject(ctx, { key: 'bank.queue.error.tooMany', params: { max: BANK_MATCH_MAX_SPLITS } }, ['splits']);
    }
    if (!chosen.every(isUuid)) return reject(ctx, { key: 'bank.queue.error.unknownInvoice' }, ['splits']);
    const splits: ManualSplit[] = [];
    for (const id of chosen) {
      const number = numbers.get(id) || '—';
      const typed = values[`amount.${id}`];
      const parsed = parseAmountToCents(typeof typed === 'string' ? typed.slice(0, 40) : '');
      if (!parsed.ok) reject(ctx, { key: 'bank.queue.error.amount', params: { number } }, [`amount.${id}`]);
      else if (parsed.cents <= 0)
        reject(ctx, { key: 'bank.queue.error.amountZero', params: { number } }, [`amount.${id}`]);
      else splits.push({ invoiceId: id, amountCents: parsed.cents });
    }
    return splits;
  });
}
const SHOWN = 50;

type Message = { key: TextKey; params?: Params };

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const url = new URL(request.url);
  const entryParam = url.searchParams.get('entry');
  const q = (url.searchParams.get('q') ?? '').replace(/\0/g, '').slice(0, 100);
  const done = url.searchParams.get('done');
  const queue = await listQueue(staff.organizationId, { limit: SHOWN });

  let focus: (QueueItem & { candidates: OpenInvoiceChoice[]; searched: boolean; gone: boolean }) | null = null;
  if (entryParam && isUuid(entryParam)) {
    const inQueue = queue.entries.find((e) => e.id === entryParam);
    const entry = inQueue ?? (await getEntry(staff.organizationId, entryParam));
    if (entry) {
      const suggestions = inQueue?.suggestions ?? [];
      const found = q.trim().length >= 2 ? await searchOpenInvoices(staff.organizationId, q) : [];
      // Without a search, the invoices of the line's suggestions (each once) are the choices.
      const suggested = new Map<string, OpenInvoiceChoice>();
      for (const invoice of suggestions.flatMap((s) => s.invoices)) suggested.set(invoice.id, invoice);
      focus = {
        ...entry,
        suggestions,
        candidates: q.trim().length >= 2 ? found : [...suggested.values()],
        searched: q.trim().length > 0,
        gone: entry.status !== 'queued',
      };
    }
  }
  return {
    total: queue.total,
    entries: queue.entries.map(view),
    focus: focus
      ? {
          ...view(focus),
          candidates: focus.candidates,
          searched: focus.searched,
          gone: focus.gone,
        }
      : null,
    q,
    done: done === 'matched' || done === 'ignored' ? done : null,
  };
}

function view(e: QueueItem) {
  return {
    id: e.id,
    statementId: e.statementId,
    bookingDate: e.bookingDate,
    amountCents: e.amountCents,
    counterpartyName: e.counterpartyName,
    counterpartyIban: e.counterpartyIban,
    remittance: e.remittance,
    structuredRef: e.structuredRef,
    noteCode: e.noteCode,
    noteDetail: e.noteDetail,
    noteText: e.noteText,
    suggestions: e.suggestions.map((s) => ({
      rule: s.rule,
      invoices: s.invoices,
      totalOwedCents: s.totalOwedCents,
      amountFits: s.amountFits,
      splits: splitsFor(e.amountCents, s.invoices),
    })),
  };
}

/** A suggestion booked as it stands: oldest first, each invoice what it owes until the line runs out. */
function splitsFor(amountCents: number, invoices: { id: string; owedCents: number }[]): ManualSplit[] {
  let rest = amountCents;
  const splits: ManualSplit[] = [];
  for (const invoice of invoices) {
    if (rest <= 0) break;
    const part = Math.min(rest, invoice.owedCents);
    if (part > 0) splits.push({ invoiceId: invoice.id, amountCents: part });
    rest -= part;
  }
  return splits;
}

type ActionData = {
  entryId: string;
  /** Keyed by field: `amount.<invoiceId>`, `splits`, `note`, or `entry` for the line as a whole. */
  errors: Record<string, Message>;
  values: { invoices: string[]; amounts: Record<string, string>; note: string };
};

function refused(entryId: string, errors: ActionData['errors'], values: ActionData['values'], status: number) {
  return data<ActionData>({ entryId, errors, values }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'finance');
  const form = await request.formData();
  const chosenIntent = parseForm(queueForm, form);
  if (!chosenIntent.ok) throw new Response('Unknown intent', { status: 400 });
  const { intent, entryId, locale } = chosenIntent.data;
  const actor = { type: 'staff' as const, id: staff.id };

  if (intent === INTENT.ignore) {
    const values = { invoices: [], amounts: {}, note: typedValues(form, ['note'], BANK_NOTE_MAX_LENGTH).note };
    const ignored = parseForm(ignoreForm, form);
    if (!ignored.ok) return refused(entryId, ignored.errors, values, 400);
    const { note } = ignored.data;
    try {
      await ignoreEntry(staff.organizationId, entryId, { actor, note });
    } catch (error) {
      if (!(error instanceof BankActionError)) throw error;
      return refused(
        entryId,
        { [error.field === 'note' ? 'note' : 'entry']: actionMessage(error) },
        values,
        error.status,
      );
    }
    return redirect(`${PATH}?done=ignored`);
  }

  if (intent === INTENT.match) {
    const picked = parseForm(pickedForm, form);
    const chosen = picked.ok ? picked.data.invoice : [];
    const amounts: Record<string, string> = {};
    for (const id of chosen.slice(0, BANK_MATCH_MAX_SPLITS + 1)) {
      if (isUuid(id)) amounts[id] = typedValues(form, [`amount.${id}`], 40)[`amount.${id}`];
    }
    const values = { invoices: chosen.filter(isUuid).slice(0, BANK_MATCH_MAX_SPLITS), amounts, note: '' };
    const numbers = new Map(chosen.map((id) => [id, typedValues(form, [`number.${id}`], 60)[`number.${id}`]]));
    const parsed = parseForm(matchForm(chosen, numbers), form);
    if (!parsed.ok) return refused(entryId, parsed.errors, values, 400);
    const splits: ManualSplit[] = parsed.data;
    try {
      await matchEntry(staff.organizationId, entryId, { splits, actor });
    } catch (error) {
      if (!(error instanceof BankActionError)) throw error;
      const field = /^splits\.(\d+)\./.exec(error.field ?? '');
      const invoiceId = field ? splits[Number(field[1])]?.invoiceId : undefined;
      const message = actionMessage(error, {
        number: error.detail ?? (invoiceId ? numbers.get(invoiceId) : undefined) ?? '—',
        sum: formatMoney(
          splits.reduce((t, s) => t + s.amountCents, 0),
          'EUR',
          locale,
        ),
        amount: error.code === 'splits_exceed_amount' ? formatMoney(Number(error.detail ?? 0), 'EUR', locale) : '',
      });
      const key =
        error.code === 'not_found' || error.code === 'already_matched' || error.code === 'not_in_queue'
          ? 'entry'
          : invoiceId && error.code === 'split_exceeds_owed'
            ? `amount.${invoiceId}`
            : 'splits';
      return refused(entryId, { [key]: message }, values, error.status);
    }
    return redirect(`${PATH}?done=matched`);
  }

  throw new Response('Unknown intent', { status: 400 });
}

function actionMessage(error: BankActionError, params: Params = {}): Message {
  switch (error.code) {
    case 'not_found':
    case 'already_matched':
    case 'not_in_queue':
    case 'not_a_credit':
      return { key: 'bank.queue.error.gone' };
    case 'invoice_not_found':
      return { key: 'bank.queue.error.unknownInvoice' };
    case 'several_debtors':
      return { key: 'bank.queue.error.oneDebtor' };
    case 'invoice_not_open':
      return { key: 'bank.queue.error.invoice', params: { number: params.number ?? '—' } };
    case 'splits_exceed_amount':
      return { key: 'bank.queue.error.sum', params: { sum: params.sum ?? '', amount: params.amount ?? '' } };
    case 'split_exceeds_owed':
      return { key: 'bank.queue.error.owed', params: { number: params.number ?? '—' } };
    default:
      return error.field === 'note'
        ? { key: 'bo.form.error.tooLong', params: { max: BANK_NOTE_MAX_LENGTH } }
        : { key: 'bank.queue.error.other', params: { detail: error.message } };
  }
}

type EntryView = ReturnType<typeof view>;

export default function MatchQueue() {
  const { total, entries, focus, q, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const tn = useTn();
  const failedEntry = result && !focus ? entries.find((e) => e.id === result.entryId) : null;

  return (
    <section className="stack" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('bank.queue.title')}</h2>
      {done ? (
        <div className="alert success" role="status" data-testid="queue-done">
          {t(done === 'matched' ? 'bank.queue.matched' : 'bank.queue.ignored')}
        </div>
      ) : null}
      {result?.errors.entry ? (
        <div className="alert error" role="alert">
          {t(result.errors.entry.key, result.errors.entry.params)}
        </div>
      ) : null}
      {failedEntry && result && !result.errors.entry && result.errors.splits ? (
        <div className="alert error" role="alert">
          <a href={`#entry-${failedEntry.id}`}>{t(result.errors.splits.key, result.errors.splits.params)}</a>
        </div>
      ) : null}

      {focus ? (
        <ManualMatch entry={focus} q={q} result={result?.entryId === focus.id ? result : undefined} />
      ) : (
        <>
          <p className="muted">{t('bank.queue.intro')}</p>
          {entries.length === 0 ? (
            <div className="card">
              <p className="muted bo-empty" data-testid="queue-empty">
                {t('bank.queue.empty')}
              </p>
            </div>
          ) : (
            <ol className="bank-queue" data-testid="queue">
              {entries.map((entry) => (
                <li key={entry.id}>
                  <QueueCard entry={entry} result={result?.entryId === entry.id ? result : undefined} />
                </li>
              ))}
            </ol>
          )}
          {total > entries.length ? (
            <p className="muted small">{tn('bank.queue.more', total - entries.length)}</p>
          ) : null}
        </>
      )}
    </section>
  );
}

function EntryFacts({ entry }: { entry: EntryView }) {
  const t = useT();
  return (
    <dl className="facts bank-entry-facts">
      <dt>{t('bank.col.counterparty')}</dt>
      <dd>
        <Counterparty name={entry.counterpartyName} iban={entry.counterpartyIban} />
      </dd>
      <dt>{t('bank.col.description')}</dt>
      <dd>
        <Description remittance={entry.remittance} structuredRef={entry.structuredRef} />
      </dd>
      {entry.noteCode || entry.noteText ? (
        <>
          <dt>{t('bank.queue.why')}</dt>
          <dd>
            <NoteText code={entry.noteCode} detail={entry.noteDetail} text={entry.noteText} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function EntryHead({ entry, level }: { entry: EntryView; level: 'h2' | 'h3' }) {
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  const Heading = level;
  return (
    <div className="bank-entry-head">
      <Heading id={`entry-${entry.id}-title`}>
        {t('bank.queue.lineTitle', {
          amount: money(entry.amountCents),
          name:
            entry.counterpartyName ??
            (entry.counterpartyIban ? printIban(entry.counterpartyIban) : t('bank.noCounterparty')),
          date: formatDate(entry.bookingDate, locale, 'short'),
        })}
      </Heading>
    </div>
  );
}

function QueueCard({ entry, result }: { entry: EntryView; result?: ActionData }) {
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';
  const noteError = result?.errors.note;
  return (
    <article
      className="card"
      id={`entry-${entry.id}`}
      aria-labelledby={`entry-${entry.id}-title`}
      data-entry={entry.id}
    >
      <EntryHead entry={entry} level="h3" />
      <EntryFacts entry={entry} />
      <h4 className="small muted">{t('bank.queue.suggestions')}</h4>
      {entry.suggestions.length === 0 ? (
        <p className="small muted">{t('bank.queue.noSuggestions')}</p>
      ) : (
        <ul className="bank-suggestions">
          {entry.suggestions.map((s, i) => {
            const numbers = s.invoices.map((inv) => inv.number).join(', ');
            return (
              <li key={i}>
                <div>
                  <strong>{numbers}</strong>
                  <span className="small muted">
                    {' '}
                    {t('bank.queue.suggestionFacts', {
                      debtor: s.invoices[0]?.debtorName ?? '—',
                      owed: money(s.totalOwedCents),
                      why: t(`bank.ruleLong.${s.rule}`),
                    })}
                  </span>
                  {s.amountFits ? <span className="badge ok">{t('bank.ruleLong.amount')}</span> : null}
                </div>
                <Form method="post" action={PATH}>
                  <input type="hidden" name="intent" value={INTENT.match} />
                  <input type="hidden" name="entryId" value={entry.id} />
                  <input type="hidden" name="locale" value={locale} />
                  {s.splits.map((split) => {
                    const inv = s.invoices.find((x) => x.id === split.invoiceId)!;
                    return (
                      <span key={split.invoiceId}>
                        <input type="hidden" name="invoice" value={split.invoiceId} />
                        <input type="hidden" name={`number.${split.invoiceId}`} value={inv.number} />
                        <input
                          type="hidden"
                          name={`amount.${split.invoiceId}`}
                          value={centsInput(split.amountCents, locale)}
                        />
                      </span>
                    );
                  })}
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('bank.queue.matchTo', { numbers })}
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
      <div className="bank-entry-actions">
        <div>
          <Link to={`${PATH}?entry=${entry.id}`} className="button secondary" data-testid="manual-match">
            {t('bank.queue.manual')}
          </Link>
        </div>
        <details className="bank-ignore" open={noteError ? true : undefined}>
          <summary>{t('bank.queue.ignore')}</summary>
          <Form method="post" action={PATH} noValidate>
            <input type="hidden" name="intent" value={INTENT.ignore} />
            <input type="hidden" name="entryId" value={entry.id} />
            <div className="field">
              <label htmlFor={`note-${entry.id}`}>{t('bank.queue.ignoreNote')}</label>
              <input
                id={`note-${entry.id}`}
                name="note"
                type="text"
                maxLength={BANK_NOTE_MAX_LENGTH}
                defaultValue={result?.values.note ?? ''}
                aria-invalid={noteError ? true : undefined}
                aria-describedby={`note-${entry.id}-hint${noteError ? ` note-${entry.id}-error` : ''}`}
              />
              <span className="hint" id={`note-${entry.id}-hint`}>
                {t('bank.queue.ignoreNoteHint')}
              </span>
              {noteError ? (
                <p className="field-error" id={`note-${entry.id}-error`}>
                  {t(noteError.key, noteError.params)}
                </p>
              ) : null}
            </div>
            <button type="submit" className="secondary" disabled={busy}>
              {t('bank.queue.ignoreButton')}
            </button>
          </Form>
        </details>
      </div>
    </article>
  );
}

type FocusView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['focus']>;

function ManualMatch({ entry, q, result }: { entry: FocusView; q: string; result?: ActionData }) {
  const t = useT();
  const locale = useLocale();
  const money = useMoney();
  const busy = useNavigation().state === 'submitting';
  const action = `${PATH}?entry=${entry.id}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const chosen = new Set(result?.values.invoices ?? []);
  const splitsError = result?.errors.splits;
  let lastDebtor = '';

  return (
    <article className="card stack" id="manual" aria-labelledby={`entry-${entry.id}-title`} data-testid="manual-panel">
      <EntryHead entry={entry} level="h3" />
      <EntryFacts entry={entry} />
      {entry.gone ? (
        <div className="alert warn" role="status">
          {t('bank.queue.error.gone')}
        </div>
      ) : (
        <>
          <Form method="get" action={PATH} className="bank-search" role="search">
            <input type="hidden" name="entry" value={entry.id} />
            <div className="field">
              <label htmlFor="invoice-search">{t('bank.queue.search')}</label>
              <div className="bo-input-row">
                <input
                  id="invoice-search"
                  name="q"
                  type="search"
                  maxLength={100}
                  defaultValue={q}
                  aria-describedby="invoice-search-hint"
                />
                <button type="submit" className="secondary">
                  {t('bank.queue.searchButton')}
                </button>
              </div>
              <span className="hint" id="invoice-search-hint">
                {t('bank.queue.searchHint')}
              </span>
            </div>
          </Form>
          {entry.searched && q.trim().length < 2 ? <p className="small muted">{t('bank.queue.searchShort')}</p> : null}
          {entry.searched && q.trim().length >= 2 && entry.candidates.length === 0 ? (
            <p className="small muted" role="status">
              {t('bank.queue.searchNone', { q })}
            </p>
          ) : null}

          {entry.candidates.length > 0 ? (
            <Form method="post" action={action} noValidate aria-labelledby="choose-title">
              <input type="hidden" name="intent" value={INTENT.match} />
              <input type="hidden" name="entryId" value={entry.id} />
              <input type="hidden" name="locale" value={locale} />
              <fieldset className="bo-fieldset" aria-describedby={`choose-hint${splitsError ? ' choose-error' : ''}`}>
                <legend id="choose-title">{t('bank.queue.chooseInvoices')}</legend>
                <p className="hint" id="choose-hint">
                  {t('bank.queue.chooseHint', { amount: money(entry.amountCents) })}
                </p>
                {splitsError ? (
                  <p className="field-error" id="choose-error" role="alert">
                    {t(splitsError.key, splitsError.params)}
                  </p>
                ) : null}
                <ul className="bank-choices" data-testid="invoice-choices">
                  {entry.candidates.map((inv) => {
                    const amountError = result?.errors[`amount.${inv.id}`];
                    const header = inv.debtorId !== lastDebtor ? inv.debtorName : null;
                    lastDebtor = inv.debtorId;
                    return (
                      <li key={inv.id}>
                        {header ? <h4 className="bank-debtor-group">{header}</h4> : null}
                        <input
                          id={`pick-${inv.id}`}
                          type="checkbox"
                          name="invoice"
                          value={inv.id}
                          defaultChecked={chosen.has(inv.id)}
                        />
                        <label htmlFor={`pick-${inv.id}`}>
                          {t('bank.queue.invoiceOption', { number: inv.number })}
                          <span className="small muted">
                            {t('bank.queue.invoiceFacts', {
                              due: formatDate(inv.dueDate, locale, 'short'),
                              owed: money(inv.owedCents),
                            })}
                          </span>
                        </label>
                        <input type="hidden" name={`number.${inv.id}`} value={inv.number} />
                        <div className="bank-split">
                          <label htmlFor={`amount-${inv.id}`}>
                            {t('bank.queue.amountFor', { number: inv.number })}
                          </label>
                          <input
                            id={`amount-${inv.id}`}
                            name={`amount.${inv.id}`}
                            type="text"
                            inputMode="decimal"
                            autoComplete="off"
                            maxLength={20}
                            defaultValue={
                              result?.values.amounts[inv.id] ??
                              centsInput(Math.min(inv.owedCents, entry.amountCents), locale)
                            }
                            aria-invalid={amountError ? true : undefined}
                            aria-describedby={amountError ? `amount-${inv.id}-error` : undefined}
                          />
                          {amountError ? (
                            <p className="field-error" id={`amount-${inv.id}-error`}>
                              {t(amountError.key, amountError.params)}
                            </p>
                          ) : null}
                        </div>
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  {t('bank.queue.matchButton')}
                </button>
                <Link to={PATH} className="button secondary">
                  {t('bank.queue.cancel')}
                </Link>
              </div>
            </Form>
          ) : (
            <p>
              <Link to={PATH}>{t('bank.queue.cancel')}</Link>
            </p>
          )}
        </>
      )}
    </article>
  );
}
