/**
 * What the PDFs Voldaan writes (an invoice when the creditor sent none, a receipt) share: an A4
 * pdfkit document whose bytes depend only on what is drawn (no wall clock: the creation date is
 * given), text that the standard fonts can show, a creditor's logo when it is a PNG or JPEG, and
 * small layout helpers. Server only (pdfkit).
 */
import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

export const PDF_MARGIN = 50;
export const FONT = 'Helvetica';
export const FONT_BOLD = 'Helvetica-Bold';
export const INK = '#1a1a1a';
export const MUTED = '#555555';
export const RULE = '#cccccc';

export type PdfOptions = {
  title: string;
  author: string;
  /** Written as the document's creation date; the caller passes the moment the content describes. */
  createdAt: Date;
  lang: 'nl' | 'en';
  /** Compressed streams (the default); tests read the text of uncompressed ones. */
  compress?: boolean;
};

/** A new A4 document; the same content and options give the same bytes (pdfkit's file id is derived from the info). */
export function newPdf({ title, author, createdAt, lang, compress = true }: PdfOptions): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PDF_MARGIN,
    compress,
    lang: lang === 'nl' ? 'nl-NL' : 'en-GB',
    displayTitle: true,
    info: {
      Title: pdfText(title),
      Author: pdfText(author),
      Creator: 'Voldaan',
      Producer: 'Voldaan',
      CreationDate: createdAt,
    },
  });
  doc.font(FONT).fontSize(10).fillColor(INK);
  return doc;
}

/** Ends the document and gives its bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

// Windows-1252 beyond Latin-1: what pdfkit's standard fonts (WinAnsiEncoding) can also show.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SUBSTITUTES: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  '\u202f': '\u00a0', // narrow no-break space (Intl uses it in some formats)
  '\u2009': ' ',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\t': ' ',
};

function showable(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch);
}

/**
 * Text as the standard PDF fonts can show it: characters outside Windows-1252 become their base
 * letter ("ź" → "z", "Ł" → "L") or "?", never bytes a viewer draws as something else.
 */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (showable(ch)) out += ch;
    else if (ch in SUBSTITUTES) out += SUBSTITUTES[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base !== '' && [...base].every(showable) ? base : '?';
    }
  }
  return out;
}

/** The logo's image type by its first bytes: pdfkit draws PNG and JPEG (a WebP or SVG logo is left out). */
export function drawableImage(bytes: Uint8Array | null | undefined): 'png' | 'jpeg' | null {
  if (!bytes || bytes.length < 8) return null;
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Draws the logo fitted into the box; a logo pdfkit cannot read is left out rather than failing the document. */
export function drawLogo(
  doc: Pdf,
  bytes: Uint8Array | null,
  box: { x: number; y: number; width: number; height: number },
) {
  if (!drawableImage(bytes)) return false;
  try {
    doc.image(Buffer.from(bytes!), box.x, box.y, { fit: [box.width, box.height] });
    return true;
  } catch {
    return false;
  }
}

/** A thin horizontal rule across the text width at the current position, then a little space. */
export function rule(doc: Pdf, gap = 6) {
  const y = doc.y + gap / 2;
  doc
    .save()
    .moveTo(PDF_MARGIN, y)
    .lineTo(doc.page.width - PDF_MARGIN, y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke()
    .restore();
  doc.y = y + gap / 2;
}

/** A new page when fewer than `needed` points are left above the bottom margin. */
export function ensureSpace(doc: Pdf, needed: number) {
  if (doc.y + needed > doc.page.height - PDF_MARGIN) doc.addPage();
}

export type Column = { width: number; align?: 'left' | 'right' };

/**
 * One table row at the current position: each cell wrapped in its column, the row as tall as its
 * tallest cell; starts a new page when the row does not fit.
 */
export function tableRow(doc: Pdf, columns: Column[], cells: string[], { bold = false, size = 9 } = {}) {
  doc.font(bold ? FONT_BOLD : FONT).fontSize(size);
  const texts = cells.map(pdfText);
  const height = Math.max(...texts.map((text, i) => doc.heightOfString(text, { width: columns[i].width })));
  ensureSpace(doc, height + 4);
  const top = doc.y;
  let x = PDF_MARGIN;
  texts.forEach((text, i) => {
    doc.text(text, x, top, { width: columns[i].width, align: columns[i].align ?? 'left' });
    x += columns[i].width;
  });
  doc.x = PDF_MARGIN;
  doc.y = top + height + 4;
  doc.font(FONT).fontSize(10);
}

/** Label and value on one line, the value right-aligned at the right margin (totals). */
export function amountLine(doc: Pdf, label: string, value: string, { bold = false, labelX = 230 } = {}) {
  doc.font(bold ? FONT_BOLD : FONT).fontSize(10);
  ensureSpace(doc, 16);
  const top = doc.y;
  const right = doc.page.width - PDF_MARGIN;
  doc.text(pdfText(label), labelX, top, { width: right - labelX - 100 });
  const labelBottom = doc.y;
  doc.text(pdfText(value), right - 100, top, { width: 100, align: 'right' });
  doc.x = PDF_MARGIN;
  doc.y = Math.max(labelBottom, doc.y) + 2;
  doc.font(FONT);
}

/** Draws a QR symbol (modules from epcQrModules) as filled squares in a box of `size` points. */
export function drawQr(
  doc: Pdf,
  qr: { size: number; dark: (row: number, col: number) => boolean },
  { x, y, size }: { x: number; y: number; size: number },
) {
  const quiet = 4;
  const cell = size / (qr.size + quiet * 2);
  doc.save().fillColor('#000000');
  for (let row = 0; row < qr.size; row++) {
    // One rectangle per run of dark modules: fewer operations, and no seams between neighbours.
    for (let col = 0; col < qr.size; col++) {
      if (!qr.dark(row, col)) continue;
      let end = col;
      while (end + 1 < qr.size && qr.dark(row, end + 1)) end++;
      doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, (end - col + 1) * cell, cell);
      col = end;
    }
  }
  doc.fill().restore();
}

/** A file name for a download: letters, digits, dot, dash and underscore. */
export function pdfFilename(stem: string) {
  return `${stem.replace(/[^\w.-]+/g, '_').slice(0, 120)}.pdf`;
}

/** The response a PDF download gets, wherever it is served. */
export function pdfResponse(bytes: Uint8Array, filename: string) {
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export type PostalAddress = {
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
};

/** A postal address as printed lines: street, "postcode  city", and the country unless it is the Netherlands. */
export function addressLines(address: PostalAddress, localeTag: string): string[] {
  const country = address.country?.toUpperCase();
  return [
    address.addressLine,
    [address.postalCode, address.city].filter(Boolean).join('  ') || null,
    country && country !== 'NL' ? countryName(country, localeTag) : null,
  ].filter((line): line is string => Boolean(line));
}

function countryName(code: string, localeTag: string) {
  try {
    return new Intl.DisplayNames([localeTag], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The creditor's letterhead at the top of a page: the logo on the left, the legal name and the
 * detail lines on the right; leaves `doc.y` below both.
 */
export function drawLetterhead(doc: Pdf, logo: Uint8Array | null, legalName: string, details: (string | null)[]) {
  const top = PDF_MARGIN;
  const right = doc.page.width - PDF_MARGIN;
  drawLogo(doc, logo, { x: PDF_MARGIN, y: top, width: 160, height: 60 });
  const lines = details.filter((line): line is string => Boolean(line));
  doc
    .font(FONT_BOLD)
    .fontSize(11)
    .text(pdfText(legalName), right - 220, top, { width: 220, align: 'right' });
  doc
    .font(FONT)
    .fontSize(9)
    .fillColor(MUTED)
    .text(pdfText(lines.join('\n')), right - 220, doc.y + 2, { width: 220, align: 'right' });
  doc.fillColor(INK);
  doc.y = Math.max(doc.y, top + 70) + 16;
}
