import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { requireStaff } from '~/modules/staff/index.server';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '~/modules/api/index.server';
import { formatDateTime, type MessageKey } from '~/utils/i18n';
import { intentSchema, parseForm, text, uuid } from '~/utils/forms';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.apiKeys.title');

const PATH = '/app/settings/api-keys';
const INTENT = { create: 'create', revoke: 'revoke' } as const;
const Uuid = z.uuid();

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const url = new URL(request.url);
  const keys = await listApiKeys(staff.organizationId);
  const lookup = (param: string) => {
    const id = url.searchParams.get(param);
    return id && Uuid.safeParse(id).success ? (keys.find((key) => key.id === id) ?? null) : null;
  };
  const confirming = lookup('revoke');
  const revoked = lookup('revoked');
  return {
    keys: keys.map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    })),
    confirming: confirming && !confirming.revokedAt ? { id: confirming.id, name: confirming.name } : null,
    revokedName: revoked?.revokedAt ? revoked.name : null,
  };
}

const CreateForm = z.object({
  name: text({ required: { key: 'bo.apiKeys.nameRequired' }, max: 100, tooLong: { key: 'bo.apiKeys.nameTooLong' } }),
});
const RevokeForm = z.object({ id: uuid({ key: 'bo.apiKeys.notFound' }) });

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const chosen = parseForm(intentSchema(INTENT), form);
  if (!chosen.ok) throw new Response('Unknown intent', { status: 400 });

  if (chosen.data.intent === INTENT.create) {
    const parsed = parseForm(CreateForm, form);
    if (!parsed.ok)
      return data({ nameError: parsed.errors.name.key, created: null, revokeError: null }, { status: 400 });
    const { key, apiKey } = await createApiKey({
      organizationId: staff.organizationId,
      name: parsed.data.name,
      createdBy: staff.id,
    });
    // The full key is in this one response only: never cached, never stored.
    return data(
      { nameError: null, created: { name: apiKey.name, key }, revokeError: null },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  }

  // Revoke.
  const id = parseForm(RevokeForm, form);
  const existing = id.ok ? await getApiKey(staff.organizationId, id.data.id) : null;
  const revoked =
    existing && id.ok
      ? await revokeApiKey({ organizationId: staff.organizationId, apiKeyId: id.data.id, staffId: staff.id })
      : false;
  if (!revoked || !existing) {
    return data({ nameError: null, created: null, revokeError: 'bo.apiKeys.notFound' as MessageKey }, { status: 404 });
  }
  return redirect(`${PATH}?revoked=${existing.id}`);
}

export default function ApiKeysSettings() {
  const { keys, confirming, revokedName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const nameError = result?.nameError ?? null;

  return (
    <section className="card stack" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">{t('bo.apiKeys.title')}</h2>
      <p className="muted">{t('bo.apiKeys.intro')}</p>
      <p className="small">
        <a href="/api/v1/openapi.json">{t('bo.apiKeys.docs')}</a>
      </p>

      {result?.created ? (
        <div className="alert success stack" role="status" data-testid="new-api-key">
          <h3>{t('bo.apiKeys.created.title', { name: result.created.name })}</h3>
          <p id="new-key-hint">{t('bo.apiKeys.created.body')}</p>
          <div className="field">
            <label htmlFor="new-key">{t('bo.apiKeys.created.label')}</label>
            <input
              id="new-key"
              type="text"
              readOnly
              value={result.created.key}
              spellCheck={false}
              autoComplete="off"
              aria-describedby="new-key-hint"
            />
          </div>
        </div>
      ) : null}
      {revokedName && !result ? (
        <div className="alert success" role="status">
          {t('bo.apiKeys.revoked', { name: revokedName })}
        </div>
      ) : null}
      {result?.revokeError ? (
        <div className="alert error" role="alert">
          {t(result.revokeError)}
        </div>
      ) : null}

      {confirming ? (
        <div className="alert warn stack" role="region" aria-labelledby="confirm-title" data-testid="confirm-revoke">
          <h3 id="confirm-title">{t('bo.apiKeys.confirmTitle', { name: confirming.name })}</h3>
          <p>{t('bo.apiKeys.confirmBody')}</p>
          <Form method="post" action={PATH} className="actions">
            <input type="hidden" name="intent" value={INTENT.revoke} />
            <input type="hidden" name="id" value={confirming.id} />
            <button type="submit" className="danger" disabled={busy}>
              {t('bo.apiKeys.confirmRevoke')}
            </button>
            <Link to={PATH} className="button secondary">
              {t('bo.apiKeys.cancel')}
            </Link>
          </Form>
        </div>
      ) : null}

      <h3>{t('bo.apiKeys.listTitle')}</h3>
      {keys.length === 0 ? (
        <p className="muted">{t('bo.apiKeys.empty')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="group" aria-label={t('bo.apiKeys.listTitle')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('bo.apiKeys.col.name')}</th>
                <th scope="col">{t('bo.apiKeys.col.prefix')}</th>
                <th scope="col">{t('bo.apiKeys.col.created')}</th>
                <th scope="col">{t('bo.apiKeys.col.lastUsed')}</th>
                <th scope="col">{t('bo.apiKeys.col.status')}</th>
                <th scope="col">{t('bo.apiKeys.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{formatDateTime(key.createdAt, locale)}</td>
                  <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt, locale) : t('bo.apiKeys.never')}</td>
                  <td>
                    {key.revokedAt ? (
                      <span className="badge neutral">
                        {t('bo.apiKeys.revokedAt', { date: formatDateTime(key.revokedAt, locale) })}
                      </span>
                    ) : (
                      <span className="badge ok">{t('bo.apiKeys.active')}</span>
                    )}
                  </td>
                  <td>
                    {key.revokedAt ? null : (
                      <Link
                        to={`${PATH}?revoke=${key.id}`}
                        className="button quiet"
                        aria-label={t('bo.apiKeys.revokeLabel', { name: key.name })}
                      >
                        {t('bo.apiKeys.revoke')}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 id="create-title">{t('bo.apiKeys.createTitle')}</h3>
      <Form method="post" action={PATH} aria-labelledby="create-title" noValidate>
        <input type="hidden" name="intent" value={INTENT.create} />
        <div className="field">
          <label htmlFor="key-name">{t('bo.apiKeys.name')}</label>
          <input
            id="key-name"
            name="name"
            type="text"
            maxLength={100}
            required
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'key-name-hint key-name-error' : 'key-name-hint'}
          />
          <span className="hint" id="key-name-hint">
            {t('bo.apiKeys.nameHint')}
          </span>
          {nameError ? (
            <p className="field-error" id="key-name-error">
              {t(nameError)}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('bo.apiKeys.create')}
          </button>
        </div>
      </Form>
    </section>
  );
}
