/**
 * Attachment types are decided by the first bytes of the content, never by the name or the
 * browser's declared type: an executable renamed to .pdf is not a PDF.
 */
export const ALLOWED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

const SIGNATURES: { type: AllowedType; bytes: number[] }[] = [
  // "%PDF-"
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  // PNG signature
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  // JPEG SOI + marker prefix
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

export const EXTENSION: Record<AllowedType, string> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

export function detectFileType(data: Uint8Array): AllowedType | null {
  for (const signature of SIGNATURES) {
    if (data.length >= signature.bytes.length && signature.bytes.every((b, i) => data[i] === b)) return signature.type;
  }
  return null;
}

export function isAllowedType(value: string): value is AllowedType {
  return (ALLOWED_TYPES as readonly string[]).includes(value);
}

/**
 * A filename safe to store and to offer back in Content-Disposition: the base name only,
 * no control characters or quotes, at most 120 characters, ending in the extension of the
 * detected type (so a PNG sent as "scan.pdf" downloads as "scan.pdf.png").
 */
export function safeFilename(name: string, type: AllowedType): string {
  const base = Array.from((name.split(/[/\\]/).pop() ?? '').normalize('NFC'))
    // Control characters (C0, DEL, C1), quotes and the characters Windows refuses in names.
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return code >= 0x20 && !(code >= 0x7f && code <= 0x9f) && !'"<>:|?*\\/'.includes(c);
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const extension = EXTENSION[type];
  const alsoFine = type === 'image/jpeg' ? ['.jpg', '.jpeg'] : [extension];
  let stem = base || 'bijlage';
  if (!alsoFine.some((ext) => stem.toLowerCase().endsWith(ext))) stem = `${stem}${extension}`;
  if (stem.length > 120) stem = `${stem.slice(0, 120 - extension.length)}${extension}`;
  return stem;
}

/** Content-Disposition for a download: an ASCII fallback plus the exact UTF-8 name (RFC 6266 / 5987). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
