/**
 * Reads what an uncompressed pdfkit PDF shows: the text of its TJ operators (WinAnsi-encoded hex
 * strings, one line per operator, no-break spaces as plain spaces) and its filled rectangles.
 * Enough for tests to check what a generated invoice or receipt says; not a general PDF parser.
 */

// Windows-1252 bytes 0x80–0x9F that differ from Latin-1.
const CP1252: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

function decodeHex(hex: string) {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const byte = parseInt(hex.slice(i, i + 2), 16);
    out += CP1252[byte] ?? String.fromCharCode(byte);
  }
  return out;
}

/** The lines of text the PDF draws, in drawing order. Throws for a compressed PDF (nothing to read). */
export function pdfTextLines(pdf: Uint8Array): string[] {
  const source = Buffer.from(pdf).toString('latin1');
  if (/\/Filter\s*\/FlateDecode/.test(source) && !/\]\s*TJ/.test(source)) {
    throw new Error('compressed PDF: render it with compress: false to read its text');
  }
  const lines: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    const parts = [...match[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => decodeHex(m[1]));
    lines.push(parts.join('').replace(/\u00a0/g, ' '));
  }
  return lines;
}

/** All the text as one string, lines joined by a newline. */
export function pdfText(pdf: Uint8Array): string {
  return pdfTextLines(pdf).join('\n');
}

/** Every rectangle the PDF draws (`x y w h re`), in the page's drawing coordinates. */
export function pdfRects(pdf: Uint8Array): { x: number; y: number; w: number; h: number }[] {
  const source = Buffer.from(pdf).toString('latin1');
  return [...source.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
  }));
}
