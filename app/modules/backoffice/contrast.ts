/** WCAG 2.x contrast for the brand colour: buttons put white text on it. Pure. */

export const HEX_COLOR = /^#[0-9a-f]{6}$/i;
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

function channel(value: number) {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(hex: string): number {
  if (!HEX_COLOR.test(hex)) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 0xff) + 0.7152 * channel((n >> 8) & 0xff) + 0.0722 * channel(n & 0xff);
}

/** The contrast ratio of two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The ratio of white text on the brand colour, rounded down to two decimals (never flattering). */
export function whiteTextContrast(brand: string): number {
  return Math.floor(contrastRatio(brand, '#ffffff') * 100) / 100;
}
