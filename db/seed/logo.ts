/**
 * The demo creditor's logo, drawn in code so the repository carries no binary: a rounded square
 * in the house colour with a white "V", and the word VELDKAMP beside it, on a transparent
 * background (the portal header, emails and PDFs are white). Letters are strokes (round caps and
 * joins) rasterised with one analytic anti-aliasing sample per pixel, then written as an RGBA PNG
 * (signature, IHDR, one IDAT with zlib, IEND). The same bytes on every run.
 */
import { deflateSync } from 'node:zlib';

type Point = [number, number];
type Rgb = [number, number, number];

const HEIGHT = 96;
const CAP = 50;
const STROKE = 10;
const BRAND: Rgb = [0x0b, 0x5d, 0x4b];
const INK: Rgb = [0x1c, 0x2b, 0x28];
const WHITE: Rgb = [0xff, 0xff, 0xff];

/** A half circle (or any arc) as a polyline, angles in degrees, y pointing down. */
function arc(cx: number, cy: number, r: number, from: number, to: number, steps = 12): Point[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const a = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as Point;
  });
}

/** Capital letters in a box one unit high: width and strokes (polylines). */
const GLYPHS: Record<string, { width: number; strokes: Point[][] }> = {
  V: {
    width: 0.78,
    strokes: [
      [
        [0, 0],
        [0.39, 1],
        [0.78, 0],
      ],
    ],
  },
  E: {
    width: 0.56,
    strokes: [
      [
        [0.56, 0],
        [0, 0],
        [0, 1],
        [0.56, 1],
      ],
      [
        [0, 0.5],
        [0.46, 0.5],
      ],
    ],
  },
  L: {
    width: 0.52,
    strokes: [
      [
        [0, 0],
        [0, 1],
        [0.52, 1],
      ],
    ],
  },
  D: { width: 0.72, strokes: [[[0.22, 1], [0, 1], [0, 0], [0.22, 0], ...arc(0.22, 0.5, 0.5, -90, 90)]] },
  K: {
    width: 0.64,
    strokes: [
      [
        [0, 0],
        [0, 1],
      ],
      [
        [0.62, 0],
        [0, 0.62],
      ],
      [
        [0.24, 0.4],
        [0.64, 1],
      ],
    ],
  },
  A: {
    width: 0.78,
    strokes: [
      [
        [0, 1],
        [0.39, 0],
        [0.78, 1],
      ],
      [
        [0.15, 0.64],
        [0.63, 0.64],
      ],
    ],
  },
  M: {
    width: 0.84,
    strokes: [
      [
        [0, 1],
        [0, 0],
        [0.42, 0.62],
        [0.84, 0],
        [0.84, 1],
      ],
    ],
  },
  P: { width: 0.6, strokes: [[[0, 1], [0, 0], [0.33, 0], ...arc(0.33, 0.27, 0.27, -90, 90), [0, 0.54]]] },
};

class Canvas {
  readonly rgba: Float64Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgba = new Float64Array(width * height * 4);
  }

  /** Paints `color` over what is there with the given coverage (0..1) at pixel (x, y). */
  blend(x: number, y: number, color: Rgb, coverage: number) {
    if (coverage <= 0) return;
    const a = Math.min(1, coverage);
    const i = (y * this.width + x) * 4;
    const below = this.rgba[i + 3];
    const out = a + below * (1 - a);
    for (let c = 0; c < 3; c++) {
      this.rgba[i + c] = (color[c] * a + this.rgba[i + c] * below * (1 - a)) / out;
    }
    this.rgba[i + 3] = out;
  }

  /** A round-capped line of width `2r` along each segment of the polyline; joins come out round. */
  stroke(points: Point[], r: number, color: Rgb) {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const x0 = Math.max(0, Math.floor(Math.min(...xs) - r - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(...xs) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(...ys) - r - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(...ys) + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let d = Infinity;
        for (let s = 0; s + 1 < points.length; s++)
          d = Math.min(d, segmentDistance(x + 0.5, y + 0.5, points[s], points[s + 1]));
        this.blend(x, y, color, r - d + 0.5);
      }
    }
  }

  /** A filled square with rounded corners. */
  roundedSquare(x: number, y: number, size: number, radius: number, color: Rgb) {
    const half = size / 2;
    const cx = x + half;
    const cy = y + half;
    for (let py = Math.floor(y); py < Math.ceil(y + size); py++) {
      for (let px = Math.floor(x); px < Math.ceil(x + size); px++) {
        const qx = Math.abs(px + 0.5 - cx) - (half - radius);
        const qy = Math.abs(py + 0.5 - cy) - (half - radius);
        const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
        this.blend(px, py, color, 0.5 - outside);
      }
    }
  }

  png(): Buffer {
    const rows = Buffer.alloc(this.height * (1 + this.width * 4));
    for (let y = 0; y < this.height; y++) {
      const row = y * (1 + this.width * 4);
      rows[row] = 0; // filter: none
      for (let x = 0; x < this.width; x++) {
        const i = (y * this.width + x) * 4;
        const o = row + 1 + x * 4;
        const alpha = this.rgba[i + 3];
        for (let c = 0; c < 3; c++) rows[o + c] = alpha > 0 ? Math.round(this.rgba[i + c]) : 0;
        rows[o + 3] = Math.round(alpha * 255);
      }
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8; // bits per channel
    header[9] = 6; // RGBA
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function segmentDistance(px: number, py: number, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const WORD = 'VELDKAMP';
const SPACING = 0.2;
const TEXT_LEFT = HEIGHT + 18;

/** The logo as PNG bytes (about 470 × 96 pixels, shown at 36 pixels high). */
export function demoLogoPng(): Buffer {
  const textWidth = [...WORD].reduce((w, ch, i) => w + GLYPHS[ch].width * CAP + (i > 0 ? SPACING * CAP : 0), 0);
  const canvas = new Canvas(Math.ceil(TEXT_LEFT + textWidth + STROKE + 4), HEIGHT);

  canvas.roundedSquare(4, 4, HEIGHT - 8, 20, BRAND);
  const v: Point[] = [
    [HEIGHT * 0.3, HEIGHT * 0.28],
    [HEIGHT * 0.5, HEIGHT * 0.72],
    [HEIGHT * 0.7, HEIGHT * 0.28],
  ];
  canvas.stroke(v, 7, WHITE);

  const top = (HEIGHT - CAP) / 2;
  let x = TEXT_LEFT + STROKE / 2;
  for (const ch of WORD) {
    const glyph = GLYPHS[ch];
    for (const line of glyph.strokes) {
      canvas.stroke(
        line.map(([gx, gy]) => [x + gx * CAP, top + gy * CAP] as Point),
        STROKE / 2,
        INK,
      );
    }
    x += (glyph.width + SPACING) * CAP;
  }
  return canvas.png();
}
