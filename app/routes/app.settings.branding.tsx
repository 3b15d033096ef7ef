import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import {
  data,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { z } from 'zod';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import {
  type FormErrors,
  HEX_COLOR,
  LOGO_MAX_BYTES,
  logoChoiceSchema,
  MIN_CONTRAST,
  parseBranding,
  whiteTextContrast,
} from '~/modules/backoffice/index';
import { checkLogo, getOrganizationSettings, saveBranding } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { errorProps, FieldMessage } from '~/ui/backoffice/parts';
import { BrandColors, DEFAULT_BRAND_COLOR } from '~/ui/brand-colors';
import { notFound } from '~/utils/http.server';
import { parseForm, typedValues, upload } from '~/utils/forms';
import { localeTags } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.branding');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const org = await getOrganizationSettings(staff.organizationId);
  if (!org) notFound();
  return {
    organizationId: org.id,
    brandColor: org.brandColor,
    senderName: org.senderName,
    replyTo: org.replyTo,
    organizationName: org.name,
    logoFileId: org.logoFileId,
    // A stored colour that is not #rrggbb (written around the form) shows as the default does.
    contrast: whiteTextContrast(HEX_COLOR.test(org.brandColor) ? org.brandColor : DEFAULT_BRAND_COLOR),
  };
}

/** Room for the form fields next to a logo of the maximum size. */
const BODY_LIMIT = LOGO_MAX_BYTES + 64 * 1024;

/** The logo field: a file, checked (size, type) by checkLogo. */
const logoForm = z.object({ logo: upload() });

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const tooLarge = () =>
    data(
      { errors: { logo: { key: 'bo.branding.error.logoSize' } } as FormErrors, values: {} as Record<string, string> },
      { status: 400 },
    );
  const declared = Number(request.headers.get('Content-Length') ?? 0);
  if (declared > BODY_LIMIT) return tooLarge();
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: LOGO_MAX_BYTES }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooLarge();
    throw error;
  }
  const parsed = parseBranding(form);
  const errors: FormErrors = parsed.ok ? {} : { ...parsed.errors };
  const logoField = parseForm(logoForm, form);
  const file = logoField.ok ? logoField.data.logo : null;
  let logo: { bytes: Uint8Array; filename: string } | null = null;
  if (file && file.size > 0) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const checked = checkLogo(bytes);
    if (!checked.ok) {
      errors.logo = { key: checked.error === 'size' ? 'bo.branding.error.logoSize' : 'bo.branding.error.logoType' };
    } else logo = { bytes, filename: file.name };
  }
  if (!parsed.ok || Object.keys(errors).length > 0) {
    const values: Record<string, string> = typedValues(form, ['brandColor', 'senderName', 'replyTo'], 300);
    return data({ errors, values }, { status: 400 });
  }
  const choice = parseForm(logoChoiceSchema, form);
  await saveBranding(staff, parsed.value, { logo, removeLogo: choice.ok && choice.data.removeLogo });
  return redirect('/app/settings/branding?saved=1');
}

export default function BrandingSettings() {
  const org = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: FormErrors = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? {};
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const ratio = new Intl.NumberFormat(localeTags[locale], { maximumFractionDigits: 2 }).format(org.contrast);
  return (
    <section className="card" aria-labelledby="branding-title">
      <h2 id="branding-title">{t('bo.settings.nav.branding')}</h2>
      <p className="muted">{t('bo.branding.intro')}</p>
      {params.get('saved') && !result ? (
        <div className="alert success" role="status">
          {t('bo.settings.saved')}
        </div>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <div className="alert error" role="alert">
          {t('bo.form.fixErrors')}
        </div>
      ) : null}
      {org.contrast < MIN_CONTRAST ? (
        <div className="alert warn" data-testid="contrast-warning">
          {t('bo.branding.contrastWarning', { ratio, min: MIN_CONTRAST })}
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" noValidate>
        <BrandColors scope=".org-brand" color={org.brandColor} />
        <div className="bo-brand-preview" aria-hidden="true">
          <span className="bo-brand-sample org-brand">
            {org.logoFileId ? <img src={`/brand/${org.organizationId}/logo?v=${org.logoFileId}`} alt="" /> : null}
            <span>{org.organizationName}</span>
          </span>
          <span className="bo-brand-button org-brand">{t('bo.branding.sampleButton')}</span>
        </div>
        <fieldset className="bo-fieldset">
          <legend>{t('bo.branding.logo')}</legend>
          {org.logoFileId ? (
            <p>
              <img
                className="bo-logo-current"
                src={`/brand/${org.organizationId}/logo?v=${org.logoFileId}`}
                alt={t('bo.branding.logoCurrent')}
              />
            </p>
          ) : (
            <p className="small muted">{t('bo.branding.logoNone')}</p>
          )}
          <div className="field">
            <label htmlFor="logo">{t('bo.branding.logoUpload')}</label>
            <input
              id="logo"
              name="logo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              {...errorProps('logo', errors.logo, 'logo-hint')}
            />
            <span className="hint" id="logo-hint">
              {t('bo.branding.logoHint')}
            </span>
            <FieldMessage id="logo-error" error={errors.logo} />
          </div>
          {org.logoFileId ? (
            <div className="bo-check">
              <input id="removeLogo" name="removeLogo" type="checkbox" />
              <label htmlFor="removeLogo">{t('bo.branding.logoRemove')}</label>
            </div>
          ) : null}
        </fieldset>
        <div className="field">
          <label htmlFor="brandColor">{t('bo.branding.color')}</label>
          <div className="bo-color-row">
            <span className="bo-swatch large org-brand" aria-hidden="true" />
            <input
              id="brandColor"
              name="brandColor"
              type="text"
              defaultValue={values.brandColor ?? org.brandColor}
              maxLength={7}
              spellCheck={false}
              autoComplete="off"
              {...errorProps('brandColor', errors.brandColor, 'brandColor-hint')}
            />
          </div>
          <span className="hint" id="brandColor-hint">
            {t('bo.branding.colorHint')}
          </span>
          <FieldMessage id="brandColor-error" error={errors.brandColor} />
        </div>
        <div className="field">
          <label htmlFor="senderName">{t('bo.branding.senderName')}</label>
          <input
            id="senderName"
            name="senderName"
            type="text"
            defaultValue={values.senderName ?? org.senderName ?? ''}
            maxLength={70}
            {...errorProps('senderName', errors.senderName, 'senderName-hint')}
          />
          <span className="hint" id="senderName-hint">
            {t('bo.branding.senderNameHint', { name: org.organizationName })}
          </span>
          <FieldMessage id="senderName-error" error={errors.senderName} />
        </div>
        <div className="field">
          <label htmlFor="replyTo">{t('bo.branding.replyTo')}</label>
          <input
            id="replyTo"
            name="replyTo"
            type="email"
            defaultValue={values.replyTo ?? org.replyTo ?? ''}
            maxLength={254}
            {...errorProps('replyTo', errors.replyTo, 'replyTo-hint')}
          />
          <span className="hint" id="replyTo-hint">
            {t('bo.branding.replyToHint')}
          </span>
          <FieldMessage id="replyTo-error" error={errors.replyTo} />
        </div>
        <button type="submit" disabled={busy}>
          {t('bo.settings.save')}
        </button>
      </Form>
    </section>
  );
}
