import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import {
  addBankAccount,
  BANK_ACCOUNT_LABEL_MAX,
  BankActionError,
  listBankAccounts,
  removeBankAccount,
} from '~/modules/bank/index.server';
import type { FieldError } from '~/utils/i18n';
import { formatIban, isValidIban, normalizeIban } from '~/modules/payments/index';
import { requireStaff } from '~/modules/staff/index.server';
import { errorProps, FieldMessage } from '~/ui/backoffice/parts';
import { formatDateTime } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { field, intentSchema, parseForm, reject, typedValues } from '~/utils/forms';
import { hasForbiddenControlChars } from '~/utils/limits';
import { isUuid } from '~/utils/ids';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bank.settings.title');

const PATH = '/app/settings/bank';
const BANK_SETTINGS_INTENT = { add: 'add', remove: 'remove' } as const;
/** Longer than any IBAN with spaces; a longer value is not an IBAN and is not echoed back whole. */
const IBAN_INPUT_MAX = 60;

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const url = new URL(request.url);
  const accounts = await listBankAccounts(staff.organizationId);
  const removeId = url.searchParams.get('remove');
  const confirming = removeId && isUuid(removeId) ? (accounts.find((a) => a.id === removeId) ?? null) : null;
  const flash = (name: 'added' | 'removed') => {
    const value = url.searchParams.get(name);
    return value && /^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(value) ? formatIban(value) : null;
  };
  return {
    accounts: accounts.map((a) => ({
      id: a.id,
      ibanDisplay: a.ibanDisplay,
      label: a.label,
      createdAt: a.createdAt.toISOString(),
      entries: a.entries,
    })),
    confirming: confirming ? { id: confirming.id, ibanDisplay: confirming.ibanDisplay } : null,
    added: flash('added'),
    removed: flash('removed'),
  };
}

type Errors = Partial<Record<'iban' | 'label' | 'remove', FieldError>>;

/** The IBAN as typed, for a message: letters, digits and spaces only, at most 40 characters. */
const shownIban = (iban: string) => iban.replace(/[^\p{L}\p{N} ]/gu, '').slice(0, 40);

/** A new account: an IBAN that passes the checksum, and an optional label. */
const addAccountForm = z.object({
  iban: field({ trim: false }).transform((typed, ctx) => {
    const iban = typed.slice(0, IBAN_INPUT_MAX + 1);
    if (iban.trim() === '') return reject(ctx, { key: 'bank.settings.error.ibanRequired' });
    if (iban.length > IBAN_INPUT_MAX || hasForbiddenControlChars(iban) || !isValidIban(iban)) {
      return reject(ctx, { key: 'bank.settings.error.iban', params: { iban: shownIban(iban) } });
    }
    return iban;
  }),
  label: field({ trim: false }).transform((typed, ctx) => {
    const label = typed.slice(0, BANK_ACCOUNT_LABEL_MAX + 1);
    if (label.trim().length > BANK_ACCOUNT_LABEL_MAX) {
      return reject(ctx, { key: 'bank.settings.error.labelTooLong', params: { max: BANK_ACCOUNT_LABEL_MAX } });
    }
    if (hasForbiddenControlChars(label)) return reject(ctx, { key: 'bo.form.error.controlChars' });
    return label;
  }),
});

/** The account to remove, as posted (the service finds nothing for anything else). */
const removeAccountForm = z.object({ id: field({ trim: false }) });
type ActionData = { errors: Errors; values: { iban: string; label: string } };

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const chosen = parseForm(intentSchema(BANK_SETTINGS_INTENT), form);
  if (!chosen.ok) throw new Response('Unknown intent', { status: 400 });
  const { intent } = chosen.data;
  const actor = { type: 'staff' as const, id: staff.id };

  if (intent === BANK_SETTINGS_INTENT.add) {
    const values = {
      iban: typedValues(form, ['iban'], IBAN_INPUT_MAX).iban,
      label: typedValues(form, ['label'], BANK_ACCOUNT_LABEL_MAX).label,
    };
    const parsed = parseForm(addAccountForm, form);
    if (!parsed.ok) return data<ActionData>({ errors: parsed.errors, values }, { status: 400 });
    const { iban, label } = parsed.data;
    const shown = shownIban(iban);
    try {
      const added = await addBankAccount(staff.organizationId, { iban, label }, actor);
      return redirect(`${PATH}?added=${added.iban}`);
    } catch (error) {
      if (!(error instanceof BankActionError)) throw error;
      const duplicate = error.code === 'account_exists';
      return data<ActionData>(
        {
          errors: duplicate
            ? { iban: { key: 'bank.settings.error.duplicate', params: { iban: formatIban(normalizeIban(iban)) } } }
            : error.field === 'label'
              ? { label: { key: 'bank.settings.error.labelTooLong', params: { max: BANK_ACCOUNT_LABEL_MAX } } }
              : { iban: { key: 'bank.settings.error.iban', params: { iban: shown } } },
          values,
        },
        { status: error.status },
      );
    }
  }

  if (intent === BANK_SETTINGS_INTENT.remove) {
    const removal = parseForm(removeAccountForm, form);
    const id = removal.ok ? removal.data.id : '';
    const values = { iban: '', label: '' };
    try {
      const account = isUuid(id) ? (await listBankAccounts(staff.organizationId)).find((a) => a.id === id) : undefined;
      await removeBankAccount(staff.organizationId, id, actor);
      return redirect(`${PATH}?removed=${account?.iban ?? ''}`);
    } catch (error) {
      if (!(error instanceof BankActionError)) throw error;
      const remove: FieldError =
        error.code === 'account_in_use'
          ? { key: 'bank.settings.error.inUse', params: { iban: error.detail ?? '' } }
          : { key: 'bank.settings.error.notFound' };
      return data<ActionData>({ errors: { remove }, values }, { status: error.status });
    }
  }

  throw new Response('Unknown intent', { status: 400 });
}

export default function BankAccountSettings() {
  const { accounts, confirming, added, removed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const errors: Errors = result?.errors ?? {};

  return (
    <section className="card stack" aria-labelledby="bank-accounts-title">
      <h2 id="bank-accounts-title">{t('bank.settings.title')}</h2>
      <p className="muted">{t('bank.settings.intro')}</p>

      {added && !result ? (
        <div className="alert success" role="status">
          {t('bank.settings.added', { iban: added })}
        </div>
      ) : null}
      {removed && !result ? (
        <div className="alert success" role="status">
          {t('bank.settings.removed', { iban: removed })}
        </div>
      ) : null}
      {errors.remove ? (
        <div className="alert error" role="alert">
          {t(errors.remove.key, errors.remove.params)}
        </div>
      ) : null}

      {confirming ? (
        <div className="alert warn stack" role="region" aria-labelledby="confirm-remove-title">
          <h3 id="confirm-remove-title">{t('bank.settings.confirmTitle', { iban: confirming.ibanDisplay })}</h3>
          <p>{t('bank.settings.confirmBody')}</p>
          <Form method="post" action={PATH} className="actions">
            <input type="hidden" name="intent" value={BANK_SETTINGS_INTENT.remove} />
            <input type="hidden" name="id" value={confirming.id} />
            <button type="submit" className="danger" disabled={busy}>
              {t('bank.settings.confirmRemove')}
            </button>
            <Link to={PATH} className="button secondary">
              {t('bank.settings.cancel')}
            </Link>
          </Form>
        </div>
      ) : null}

      {accounts.length === 0 ? (
        <p className="muted">{t('bank.settings.empty')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bank.settings.title')}>
          <table data-testid="bank-accounts">
            <thead>
              <tr>
                <th scope="col">{t('bank.settings.col.iban')}</th>
                <th scope="col">{t('bank.settings.col.label')}</th>
                <th scope="col">{t('bank.settings.col.added')}</th>
                <th scope="col">{t('bank.settings.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <tr key={account.id}>
                  <td className="amount">{account.ibanDisplay}</td>
                  <td>{account.label ?? '—'}</td>
                  <td>{formatDateTime(account.createdAt, locale)}</td>
                  <td>
                    {account.entries > 0 ? (
                      <span className="small muted">{tn('bank.settings.inUse', account.entries)}</span>
                    ) : (
                      <Link
                        to={`${PATH}?remove=${account.id}`}
                        className="button quiet"
                        aria-label={t('bank.settings.removeLabel', { iban: account.ibanDisplay })}
                      >
                        {t('bank.settings.remove')}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 id="add-account-title">{t('bank.settings.addTitle')}</h3>
      <Form method="post" action={PATH} aria-labelledby="add-account-title" noValidate>
        <input type="hidden" name="intent" value={BANK_SETTINGS_INTENT.add} />
        <div className="field">
          <label htmlFor="iban">{t('bank.settings.iban')}</label>
          <input
            id="iban"
            name="iban"
            type="text"
            maxLength={IBAN_INPUT_MAX}
            required
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="characters"
            defaultValue={result?.values.iban ?? ''}
            {...errorProps('iban', errors.iban, 'iban-hint')}
          />
          <span className="hint" id="iban-hint">
            {t('bank.settings.ibanHint')}
          </span>
          <FieldMessage id="iban-error" error={errors.iban} />
        </div>
        <div className="field">
          <label htmlFor="label">{t('bank.settings.label')}</label>
          <input
            id="label"
            name="label"
            type="text"
            maxLength={BANK_ACCOUNT_LABEL_MAX}
            autoComplete="off"
            defaultValue={result?.values.label ?? ''}
            {...errorProps('label', errors.label, 'label-hint')}
          />
          <span className="hint" id="label-hint">
            {t('bank.settings.labelHint')}
          </span>
          <FieldMessage id="label-error" error={errors.label} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('bank.settings.add')}
          </button>
        </div>
      </Form>
    </section>
  );
}
