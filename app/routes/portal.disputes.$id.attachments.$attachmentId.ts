import type { LoaderFunctionArgs } from '@remix-run/node';
import { attachmentResponse, getDebtorAttachment } from '~/modules/disputes/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { notFound } from '~/utils/http.server';

/** An attachment of the debtor's own dispute (never of an internal note), as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const file = await getDebtorAttachment(session, params.id ?? '', params.attachmentId ?? '');
  if (!file) notFound();
  return attachmentResponse(file);
}
