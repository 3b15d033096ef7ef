import { useNonce } from '~/utils/nonce';

/** The creditor's colour is the one value a page writes into CSS: nothing but #rrggbb gets there. */
const HEX_COLOR = /^#[0-9a-f]{6}$/i;
export const DEFAULT_BRAND_COLOR = '#0b5d4b';

/**
 * Where the colour applies: the whole portal, or (in the back office, which keeps its own colours)
 * only the elements that show the creditor's colour. A fixed set, never a caller's string.
 */
export type BrandScope = '.portal' | '.org-brand';

/** Black or white text on the colour, whichever has the higher contrast. */
export function contrastText(hex: string): '#111111' | '#ffffff' {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111111' : '#ffffff';
}

/** The rule that sets --brand and --brand-contrast for a scope; a malformed colour gives the default. */
export function brandColorsCss(scope: BrandScope, color: string): string {
  const hex = HEX_COLOR.test(color) ? color.toLowerCase() : DEFAULT_BRAND_COLOR;
  return `${scope}{--brand:${hex};--brand-contrast:${contrastText(hex)}}`;
}

/**
 * The document's CSP nonce. On the server it comes from the request (entry.server's provider); in
 * the browser, which renders this element anew after a client-side navigation, from Remix's own
 * scripts: browsers hide the nonce attribute from the DOM but keep it in the `nonce` property.
 */
function useDocumentNonce(): string {
  const nonce = useNonce();
  if (nonce || typeof document === 'undefined') return nonce;
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
}

/**
 * The creditor's brand colour as CSS custom properties. The policy refuses style attributes
 * (no 'unsafe-inline'), so the colour comes in a <style> element that carries the nonce.
 */
export function BrandColors({ scope, color }: { scope: BrandScope; color: string }) {
  return <style nonce={useDocumentNonce()}>{brandColorsCss(scope, color)}</style>;
}
