import { count, eq } from 'drizzle-orm';
import {
  communications,
  disputeAttachments,
  disputeMessages,
  disputes,
  dunningPauses,
  files,
  type StaffUser,
} from '~db/schema';
import { getDb } from '~/utils/db.server';
import { action as loginAction } from '~/routes/login';
import { TEST_PASSWORD } from './factories';
import { cookieFrom, formRequest, routeArgs } from './http';

/** Smallest real file starts: what the type check reads. */
export const SAMPLE = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  /** An ELF executable header. */
  elf: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]),
  /** A Windows (MZ) executable header. */
  exe: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
};

export type UploadFile = { name: string; data: Buffer; type?: string };

/** A multipart form post, the way a browser sends a form with file inputs. */
export function multipartRequest(
  url: string,
  fields: Record<string, string>,
  uploads: UploadFile[] = [],
  cookie?: string,
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of uploads) {
    form.append(
      'attachments',
      new File([new Uint8Array(file.data)], file.name, { type: file.type ?? 'application/octet-stream' }),
    );
  }
  return new Request(new URL(url, 'http://voldaan.test'), {
    method: 'POST',
    body: form,
    headers: cookie ? { Cookie: cookie } : {},
  });
}

let ipSeq = 0;
/** Signs a staff member in through the login route and returns the session cookie. */
export async function staffCookie(staff: Pick<StaffUser, 'email'>) {
  ipSeq += 1;
  const response = (await loginAction(
    routeArgs(
      formRequest(
        '/login',
        { email: staff.email, password: TEST_PASSWORD, redirectTo: '/app' },
        { ip: `10.9.${ipSeq}.1` },
      ),
    ),
  )) as Response;
  if (response.status !== 302) throw new Error(`staff sign-in failed with ${response.status}`);
  return cookieFrom(response);
}

/** Row counts of everything a dispute submission writes, for "nothing was stored" checks. */
export async function disputeFootprint(organizationId: string) {
  const db = getDb();
  const countOf = async (
    table:
      | typeof disputes
      | typeof disputeMessages
      | typeof files
      | typeof dunningPauses
      | typeof communications
      | typeof disputeAttachments,
  ) => (await db.select({ n: count() }).from(table).where(eq(table.organizationId, organizationId)))[0].n;
  return {
    disputes: await countOf(disputes),
    messages: await countOf(disputeMessages),
    attachments: await countOf(disputeAttachments),
    files: await countOf(files),
    pauses: await countOf(dunningPauses),
    communications: await countOf(communications),
  };
}
