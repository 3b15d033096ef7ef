import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data } from '@remix-run/node';
import { z } from 'zod';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { type FormErrors, isEmailAddress, TEAM_INTENT } from '~/modules/backoffice/index';
import {
  activeAdminCount,
  inviteStaff,
  listTeam,
  requireStaff,
  revokeInvitation,
  setStaffActive,
  setStaffRole,
} from '~/modules/staff/index.server';
import { STAFF_ROLES } from '~/modules/staff/index';
import { STATUS_BADGE } from '~/modules/mail/index';
import { errorProps, FieldMessage } from '~/ui/backoffice/parts';
import { notFound } from '~/utils/http.server';
import { choice, field, intentSchema, parseForm, typedValues } from '~/utils/forms';
import { formatDate, formatDateTime, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.team');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const [team, admins] = await Promise.all([listTeam(staff.organizationId), activeAdminCount(staff.organizationId)]);
  return { ...team, me: staff.id, admins };
}

const role = () => choice(STAFF_ROLES, { key: 'bo.team.error.role' });
const inviteForm = z.object({
  email: field().refine(isEmailAddress, { error: 'bo.form.error.email' }),
  role: role(),
});
const roleForm = z.object({ role: role() });
/** Ids as posted: one that is no id is simply not found. */
const memberForm = z.object({ userId: field({ trim: false }), invitationId: field({ trim: false }) });

type Result =
  | { done: 'invited'; email: string; url: string; expiresAt: string; emailed: boolean }
  | { done: 'invitation_revoked' | 'role_changed' | 'deactivated' | 'reactivated' | 'unchanged' }
  | { done: null; errors: FormErrors; values?: { email: string; role: string }; userId?: string };

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const chosen = parseForm(intentSchema(TEAM_INTENT), form);
  const fail = (errors: FormErrors, extra: Partial<Extract<Result, { done: null }>> = {}) =>
    data({ done: null, errors, ...extra } satisfies Result, { status: 400 });

  if (!chosen.ok) return fail(chosen.errors);
  const { intent } = chosen.data;
  const ids = parseForm(memberForm, form);
  const { userId, invitationId } = ids.ok ? ids.data : { userId: '', invitationId: '' };

  if (intent === TEAM_INTENT.invite) {
    const typed = typedValues(form, ['email', 'role'], 254);
    const values = { email: typed.email.trim().slice(0, 254), role: typed.role };
    const parsed = parseForm(inviteForm, form);
    if (!parsed.ok) return fail(parsed.errors, { values });
    const { email, role } = parsed.data;
    // The invitation email is written in the language the admin is using.
    const result = await inviteStaff(staff, { email, role, locale: await getLocale(request) });
    if (!result.ok) return fail({ email: { key: 'bo.team.error.exists' } }, { values });
    return {
      done: 'invited',
      email: email.toLowerCase(),
      url: result.url,
      expiresAt: result.expiresAt,
      emailed: result.emailed,
    } satisfies Result;
  }
  if (intent === TEAM_INTENT.revokeInvitation) {
    const ok = await revokeInvitation(staff, invitationId);
    if (!ok) notFound();
    return { done: 'invitation_revoked' } satisfies Result;
  }
  if (intent === TEAM_INTENT.setRole) {
    const parsed = parseForm(roleForm, form);
    if (!parsed.ok) return fail(parsed.errors, { userId });
    const result = await setStaffRole(staff, userId, parsed.data.role);
    if (!result.ok && result.error === 'not_found') notFound();
    if (!result.ok) return fail({ role: { key: 'bo.team.error.lastAdmin' } }, { userId });
    return { done: result.changed ? 'role_changed' : 'unchanged' } satisfies Result;
  }
  // Deactivate or reactivate.
  const active = intent === TEAM_INTENT.reactivate;
  const result = await setStaffActive(staff, userId, active);
  if (!result.ok && result.error === 'not_found') notFound();
  if (!result.ok) return fail({ active: { key: 'bo.team.error.lastAdmin' } }, { userId });
  return { done: !result.changed ? 'unchanged' : active ? 'reactivated' : 'deactivated' } satisfies Result;
}

type InvitationMail = { status: keyof typeof STATUS_BADGE; undeliverable: boolean } | null;

/** The invitation email's state as the team page says it. */
function mailState(mail: InvitationMail): { key: MessageKey; badge: string } {
  if (!mail) return { key: 'bo.team.mail.none', badge: 'neutral' };
  if (mail.undeliverable) return { key: 'bo.team.mail.undeliverable', badge: 'bad' };
  const key: MessageKey =
    mail.status === 'queued'
      ? 'bo.team.mail.queued'
      : mail.status === 'sent'
        ? 'bo.team.mail.sent'
        : mail.status === 'cancelled'
          ? 'bo.team.mail.cancelled'
          : 'bo.team.mail.delivered';
  return { key, badge: STATUS_BADGE[mail.status] };
}

export default function Team() {
  const { members, invitations, me, admins } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const failed = result?.done === null ? result : null;
  const inviteErrors = failed?.values ? failed.errors : {};
  return (
    <div className="stack">
      {result?.done === 'invited' ? (
        <div className="alert success" role="status" data-testid="invitation-link">
          <p>{t(result.emailed ? 'bo.team.invitedEmailed' : 'bo.team.invited', { email: result.email })}</p>
          <label htmlFor="invite-link">
            {t('bo.team.inviteLink', { date: formatDateTime(result.expiresAt, locale) })}
          </label>
          <input id="invite-link" type="text" readOnly value={result.url} className="bo-copy" />
          <p className="small">{t('bo.team.inviteFallback')}</p>
        </div>
      ) : null}
      {result && result.done !== null && result.done !== 'invited' ? (
        <div className="alert success" role="status">
          {t(`bo.team.done.${result.done}`)}
        </div>
      ) : null}
      {failed && !failed.values && !failed.userId ? (
        <div className="alert error" role="alert">
          {t('bo.form.error.unknownAction')}
        </div>
      ) : null}

      <section className="card" aria-labelledby="team-title">
        <h2 id="team-title">{t('bo.settings.nav.team')}</h2>
        <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.settings.nav.team')}>
          <table className="bo-table" data-testid="team-table">
            <thead>
              <tr>
                <th scope="col">{t('bo.team.col.person')}</th>
                <th scope="col">{t('bo.team.col.role')}</th>
                <th scope="col">{t('bo.team.col.lastLogin')}</th>
                <th scope="col">{t('bo.team.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const rowError = failed?.userId === m.id ? (failed.errors.role ?? failed.errors.active) : undefined;
                const lastAdmin = m.role === 'admin' && m.active && admins <= 1;
                return (
                  <tr key={m.id} className={m.active ? undefined : 'bo-inactive'}>
                    <td>
                      <strong>{m.name}</strong>
                      {m.id === me ? <span className="small muted"> ({t('bo.team.you')})</span> : null}
                      <div className="small muted">{m.email}</div>
                    </td>
                    <td>
                      <Form method="post" className="bo-role-form">
                        <input type="hidden" name="intent" value={TEAM_INTENT.setRole} />
                        <input type="hidden" name="userId" value={m.id} />
                        <label className="visually-hidden" htmlFor={`role-${m.id}`}>
                          {t('bo.team.roleOf', { name: m.name })}
                        </label>
                        <select
                          id={`role-${m.id}`}
                          name="role"
                          defaultValue={m.role}
                          {...errorProps(`role-${m.id}`, rowError)}
                        >
                          {STAFF_ROLES.map((r) => (
                            <option key={r} value={r}>
                              {t(`bo.team.role.${r}`)}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="secondary" disabled={busy}>
                          {t('bo.team.setRole')}
                          <span className="visually-hidden"> {m.name}</span>
                        </button>
                      </Form>
                      <FieldMessage id={`role-${m.id}-error`} error={rowError} />
                      {lastAdmin ? <p className="small muted">{t('bo.team.lastAdminHint')}</p> : null}
                    </td>
                    <td className="small">
                      {m.lastLoginAt ? formatDateTime(m.lastLoginAt, locale) : t('bo.team.never')}
                    </td>
                    <td>
                      <span className={`badge ${m.active ? 'ok' : 'neutral'}`}>
                        {m.active ? t('bo.team.active') : t('bo.team.inactive')}
                      </span>
                      <Form method="post" className="bo-inline-action">
                        <input
                          type="hidden"
                          name="intent"
                          value={m.active ? TEAM_INTENT.deactivate : TEAM_INTENT.reactivate}
                        />
                        <input type="hidden" name="userId" value={m.id} />
                        <button type="submit" className="quiet" disabled={busy}>
                          {m.active ? t('bo.team.deactivate') : t('bo.team.reactivate')}
                          <span className="visually-hidden"> {m.name}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="small muted spaced">{t('bo.team.rolesExplained')}</p>
      </section>

      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('bo.team.invite')}</h2>
        <Form
          method="post"
          noValidate
          className="bo-invite-form"
          key={result?.done === 'invited' ? result.url : 'invite'}
        >
          <input type="hidden" name="intent" value={TEAM_INTENT.invite} />
          <div className="field">
            <label htmlFor="invite-email">{t('bo.team.email')}</label>
            <input
              id="invite-email"
              name="email"
              type="email"
              autoComplete="off"
              defaultValue={failed?.values?.email ?? ''}
              maxLength={254}
              {...errorProps('invite-email', inviteErrors.email)}
            />
            <FieldMessage id="invite-email-error" error={inviteErrors.email} />
          </div>
          <div className="field">
            <label htmlFor="invite-role">{t('bo.team.col.role')}</label>
            <select
              id="invite-role"
              name="role"
              defaultValue={failed?.values?.role || 'finance'}
              {...errorProps('invite-role', inviteErrors.role)}
            >
              {STAFF_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`bo.team.role.${r}`)}
                </option>
              ))}
            </select>
            <FieldMessage id="invite-role-error" error={inviteErrors.role} />
          </div>
          <div className="bo-filters-submit">
            <button type="submit" disabled={busy}>
              {t('bo.team.sendInvite')}
            </button>
          </div>
        </Form>
        <p className="small muted">{t('bo.team.inviteHint')}</p>
        {invitations.length > 0 ? (
          <>
            <h3 className="spaced">{t('bo.team.pending')}</h3>
            <ul className="bo-list" data-testid="invitations">
              {invitations.map((i) => {
                const mail = mailState(i.mail);
                return (
                  <li key={i.id} data-testid="invitation">
                    <div>
                      <strong>{i.email}</strong>
                      <div className="small muted">
                        {t(`bo.team.role.${i.role}`)} ·{' '}
                        {i.expired
                          ? t('bo.team.expired')
                          : t('bo.team.expires', { date: formatDate(i.expiresAt, locale, 'short') })}
                        {i.invitedBy ? ` · ${t('bo.team.invitedBy', { name: i.invitedBy })}` : ''}
                      </div>
                      <span className={`badge ${mail.badge}`} data-testid="invitation-mail">
                        {t(mail.key)}
                      </span>
                    </div>
                    <div className="bo-inline-action">
                      <Form method="post">
                        <input type="hidden" name="intent" value={TEAM_INTENT.invite} />
                        <input type="hidden" name="email" value={i.email} />
                        <input type="hidden" name="role" value={i.role} />
                        <button type="submit" className="quiet" disabled={busy}>
                          {t('bo.team.resendInvitation')}
                          <span className="visually-hidden"> {i.email}</span>
                        </button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value={TEAM_INTENT.revokeInvitation} />
                        <input type="hidden" name="invitationId" value={i.id} />
                        <button type="submit" className="quiet" disabled={busy}>
                          {t('bo.team.revokeInvitation')}
                          <span className="visually-hidden"> {i.email}</span>
                        </button>
                      </Form>
                    </div>
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
      </section>
    </div>
  );
}
