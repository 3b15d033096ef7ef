import type { LoaderFunctionArgs } from '@remix-run/node';
import { and, eq } from 'drizzle-orm';
import { files, organizations } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { notFound } from '~/utils/http.server';
import { isUuid } from '~/utils/ids';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** A creditor's logo: public (it is printed on every email), served only as a raster image type. */
export async function loader({ params }: LoaderFunctionArgs) {
  if (!isUuid(params.orgId)) notFound();
  const [row] = await getDb()
    .select({ data: files.data, contentType: files.contentType, sha256: files.sha256 })
    .from(organizations)
    .innerJoin(files, and(eq(files.id, organizations.logoFileId), eq(files.organizationId, organizations.id)))
    .where(eq(organizations.id, params.orgId));
  if (!row || !IMAGE_TYPES.has(row.contentType)) notFound();
  return new Response(new Uint8Array(row.data), {
    headers: {
      'Content-Type': row.contentType,
      'Cache-Control': 'public, max-age=3600',
      ETag: `"${row.sha256}"`,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
