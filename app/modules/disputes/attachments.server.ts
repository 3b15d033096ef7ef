import { attachmentDisposition, isAllowedType } from './file-type';

/**
 * An attachment as a download: its checked type (anything unexpected as octet-stream), never
 * rendered inline, never sniffed, never cached, and sandboxed should a browser open it anyway.
 */
export function attachmentResponse(file: { filename: string; contentType: string; data: Buffer }) {
  return new Response(new Uint8Array(file.data), {
    headers: {
      'Content-Type': isAllowedType(file.contentType) ? file.contentType : 'application/octet-stream',
      'Content-Length': String(file.data.length),
      'Content-Disposition': attachmentDisposition(file.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Referrer-Policy': 'no-referrer',
    },
  });
}
