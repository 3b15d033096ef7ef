import type { LoaderFunctionArgs } from '@remix-run/node';
import { invoicePdf } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { notFound } from '~/utils/http.server';

/** The PDF of one of the organisation's invoices, for any staff member. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const row = await invoicePdf(staff.organizationId, params.id ?? '');
  if (!row) notFound();
  const filename = `${row.number.replace(/[^\w.-]+/g, '_')}.pdf`;
  return new Response(new Uint8Array(row.data), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
