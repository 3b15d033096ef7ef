import type { LoaderFunctionArgs } from '@remix-run/node';
import { attachmentResponse, getStaffAttachment } from '~/modules/disputes/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { notFound } from '~/utils/http.server';

/** An attachment of one of the organisation's disputes, as a download for support staff. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'support');
  const file = await getStaffAttachment(staff, params.id ?? '', params.attachmentId ?? '');
  if (!file) notFound();
  return attachmentResponse(file);
}
