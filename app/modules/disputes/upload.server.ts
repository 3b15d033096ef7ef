import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from '@remix-run/node';
import { MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE, MAX_FORM_PARTS, MAX_TEXT_FIELD_BYTES } from './constants';

export type UploadedFile = { filename: string; declaredType: string; data: Buffer };

export type FormReadError =
  'file_too_large' | 'too_many_files' | 'message_too_long' | 'request_too_large' | 'malformed';

export type ReadForm =
  | { ok: true; fields: Record<string, string>; files: UploadedFile[] }
  /** `fields` holds what was read before the refusal, so the form can be shown again filled in. */
  | { ok: false; error: FormReadError; fields: Record<string, string> };

/** Upper bound for a whole dispute form: five full files plus the text fields and multipart overhead. */
export const MAX_REQUEST_BYTES = MAX_FILES_PER_MESSAGE * MAX_FILE_BYTES + 1024 * 1024;

class TooLarge extends Error {}

/**
 * Reads a dispute form (multipart with attachments, or a plain urlencoded form) with every
 * size bounded while streaming: a part over its limit, a sixth file or a flood of parts stops
 * the parse at once, and the caller answers with a form error instead of a 500.
 */
export async function readDisputeForm(request: Request): Promise<ReadForm> {
  const contentType = request.headers.get('Content-Type') ?? '';
  const declared = Number(request.headers.get('Content-Length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_REQUEST_BYTES)
    return { ok: false, error: 'request_too_large', fields: {} };

  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    if (Number.isFinite(declared) && declared > MAX_TEXT_FIELD_BYTES * 4)
      return { ok: false, error: 'message_too_long', fields: {} };
    try {
      const form = await request.formData();
      const fields: Record<string, string> = {};
      for (const [key, value] of form) if (typeof value === 'string' && !(key in fields)) fields[key] = value;
      return { ok: true, fields, files: [] };
    } catch {
      return { ok: false, error: 'malformed', fields: {} };
    }
  }

  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const fileHandler = unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES });
  const textHandler = unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_FIELD_BYTES });
  let parts = 0;
  let discarded = 0;
  let refusal: FormReadError | undefined;

  // A refused part is read to its end and thrown away (up to the request bound), so the browser
  // finishes its upload and gets the form back with the message, not a reset connection.
  const drain = async (data: AsyncIterable<Uint8Array>) => {
    for await (const chunk of data) {
      discarded += chunk.byteLength;
      if (discarded > MAX_REQUEST_BYTES) throw new TooLarge();
    }
  };

  const handler: UploadHandler = async (part) => {
    parts += 1;
    if (parts > MAX_FORM_PARTS) throw new TooLarge();
    if (typeof part.filename === 'string') {
      if (refusal) return void (await drain(part.data));
      let file: File;
      try {
        file = (await fileHandler(part)) as File;
      } catch (error) {
        if (!(error instanceof MaxPartSizeExceededError)) throw error;
        refusal = 'file_too_large';
        return void (await drain(part.data));
      }
      // An empty file input still sends a part: no name, no bytes. It is not an attachment.
      if (file.size === 0 && !part.filename) return undefined;
      if (files.length >= MAX_FILES_PER_MESSAGE) {
        refusal = 'too_many_files';
        return undefined;
      }
      files.push({
        filename: part.filename,
        declaredType: part.contentType,
        data: Buffer.from(await file.arrayBuffer()),
      });
      return undefined;
    }
    let value: unknown;
    try {
      value = await textHandler(part);
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error;
      refusal ??= 'message_too_long';
      return void (await drain(part.data));
    }
    if (typeof value === 'string' && !(part.name in fields)) fields[part.name] = value;
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    return { ok: false, error: error instanceof TooLarge ? 'request_too_large' : 'malformed', fields };
  }
  if (refusal) return { ok: false, error: refusal, fields };
  return { ok: true, fields, files };
}
