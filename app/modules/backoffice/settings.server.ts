/**
 * The organisation's settings as the admin edits them. Each save is one transaction with an
 * audit event naming what changed (before and after; never file contents or secrets).
 */
import { and, eq } from 'drizzle-orm';
import { files, organizations, type DunningPolicy, type PlanPolicy, type PortalSettings } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { sha256 } from '~/utils/token.server';
import { audit, type AuditAction } from '~/modules/audit/index.server';
import { applyPolicyChange } from '~/modules/dunning/index.server';
import { detectImageType, LOGO_MAX_BYTES } from './image-type';
import type { BrandingFields } from './settings-forms';
import { orgScope } from '~/utils/org-scope.server';

type StaffRef = { id: string; organizationId: string };

/** The organisation's settings; null when there is no such organisation (the route answers 404). */
export async function getOrganizationSettings(organizationId: string, { db = getDb() }: { db?: Tx } = {}) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  return org ?? null;
}

/** Only the keys whose value differs, as {from, to}. */
function diff<T extends object>(before: T, after: Partial<T>) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = (before as Record<string, unknown>)[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}

async function saveSettings(
  staff: StaffRef,
  action: AuditAction,
  patch: Partial<typeof organizations.$inferInsert>,
  { clock = systemClock, extra }: { clock?: Clock; extra?: (tx: Tx) => Promise<Record<string, unknown>> } = {},
) {
  return getDb().transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organizations)
      .where(eq(organizations.id, staff.organizationId))
      .for('update');
    const now = clock.now();
    const more = extra ? await extra(tx) : {};
    const changes = diff(before, patch);
    if (Object.keys(changes).length === 0 && Object.keys(more).length === 0) return { changed: false };
    await tx
      .update(organizations)
      .set({ ...patch, updatedAt: now })
      .where(eq(organizations.id, staff.organizationId));
    await audit(tx, {
      organizationId: staff.organizationId,
      actor: { type: 'staff', id: staff.id },
      action,
      entityType: 'organization',
      entityId: staff.organizationId,
      data: { changes, ...more },
      at: now,
    });
    return { changed: true };
  });
}

/**
 * Saves the dunning policy through the dunning module, which also re-plans the next step of
 * every invoice already in the sequence and records the change (before and after).
 */
export async function saveDunningPolicy(
  staff: StaffRef,
  policy: DunningPolicy,
  { clock = systemClock }: { clock?: Clock } = {},
) {
  const result = await getDb().transaction((tx) =>
    applyPolicyChange(tx, staff.organizationId, policy, { clock, actor: { type: 'staff', id: staff.id } }),
  );
  if (!result.ok) throw new Error(`dunning policy refused: ${result.problems.map((p) => p.message).join('; ')}`);
  return { changed: true, rescheduled: result.rescheduled };
}

export const savePlanPolicy = (staff: StaffRef, policy: PlanPolicy, options: { clock?: Clock } = {}) =>
  saveSettings(staff, 'settings.plan_policy_updated', { planPolicy: policy }, options);

export const savePortalSettings = (staff: StaffRef, settings: PortalSettings, options: { clock?: Clock } = {}) =>
  saveSettings(staff, 'settings.portal_updated', { portalSettings: settings }, options);

export type LogoUpload = { bytes: Uint8Array; filename: string };
export type LogoCheck = { ok: true; contentType: string } | { ok: false; error: 'type' | 'size' | 'empty' };

/** A logo is a PNG, JPEG or WebP by its first bytes, and at most 1 MiB. */
export function checkLogo(bytes: Uint8Array): LogoCheck {
  if (bytes.byteLength === 0) return { ok: false, error: 'empty' };
  if (bytes.byteLength > LOGO_MAX_BYTES) return { ok: false, error: 'size' };
  const contentType = detectImageType(bytes);
  return contentType ? { ok: true, contentType } : { ok: false, error: 'type' };
}

/**
 * Saves the branding fields and, when given, a new logo (stored in `files`, the old logo file
 * removed) or the removal of the logo.
 */
export async function saveBranding(
  staff: StaffRef,
  fields: BrandingFields,
  { logo, removeLogo = false }: { logo?: LogoUpload | null; removeLogo?: boolean } = {},
  options: { clock?: Clock } = {},
) {
  let checked: LogoCheck | null = null;
  if (logo) {
    checked = checkLogo(logo.bytes);
    if (!checked.ok) throw new RangeError(`logo rejected: ${checked.error}`);
  }
  const patch: Partial<typeof organizations.$inferInsert> = { ...fields };
  return saveSettings(staff, 'settings.branding_updated', patch, {
    ...options,
    extra: async (tx) => {
      if (!logo && !removeLogo) return {};
      const [org] = await tx
        .select({ logoFileId: organizations.logoFileId })
        .from(organizations)
        .where(eq(organizations.id, staff.organizationId));
      let fileId: string | null = null;
      let logoInfo: Record<string, unknown> = { removed: true };
      if (logo && checked?.ok) {
        const digest = sha256(Buffer.from(logo.bytes));
        const [file] = await tx
          .insert(files)
          .values({
            organizationId: staff.organizationId,
            filename: safeLogoName(logo.filename, checked.contentType),
            contentType: checked.contentType,
            sizeBytes: logo.bytes.byteLength,
            sha256: digest,
            data: Buffer.from(logo.bytes),
            createdAt: (options.clock ?? systemClock).now(),
          })
          .returning({ id: files.id });
        fileId = file.id;
        logoInfo = { fileId, contentType: checked.contentType, sizeBytes: logo.bytes.byteLength, sha256: digest };
      } else if (!org?.logoFileId) {
        return {};
      }
      await tx.update(organizations).set({ logoFileId: fileId }).where(eq(organizations.id, staff.organizationId));
      if (org?.logoFileId) {
        await tx.delete(files).where(and(eq(files.id, org.logoFileId), orgScope(files, staff)));
      }
      return { logo: logoInfo };
    },
  });
}

function safeLogoName(name: string, contentType: string) {
  const ext = contentType === 'image/png' ? 'png' : contentType === 'image/webp' ? 'webp' : 'jpg';
  const stem = (name.split(/[/\\]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^\w. -]+/g, '_')
    .slice(0, 80);
  return `${stem || 'logo'}.${ext}`;
}
