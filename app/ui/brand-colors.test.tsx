import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { NonceProvider } from '~/utils/nonce';
import { BrandColors, brandColorsCss, contrastText, DEFAULT_BRAND_COLOR } from './brand-colors';

describe('brandColorsCss', () => {
  it('writes a #rrggbb colour, lower-cased, with the text colour of higher contrast', () => {
    expect(brandColorsCss('.portal', '#0B5D4B')).toBe('.portal{--brand:#0b5d4b;--brand-contrast:#ffffff}');
    expect(brandColorsCss('.org-brand', '#ffcc00')).toBe('.org-brand{--brand:#ffcc00;--brand-contrast:#111111}');
  });

  it.each([
    '',
    'red',
    '#fff',
    '#0b5d4b0',
    ' #0b5d4b',
    '#0b5d4b ',
    '#0b5d4b;}body{display:none',
    '#0b5d4b</style><script>alert(1)</script>',
    'var(--x)',
    '#gggggg',
    '#0b5d4b\n',
  ])('writes the default colour instead of %j', (color) => {
    const css = brandColorsCss('.portal', color);
    expect(css).toBe(`.portal{--brand:${DEFAULT_BRAND_COLOR};--brand-contrast:#ffffff}`);
  });

  it('picks black text on light colours and white on dark ones', () => {
    expect(contrastText('#ffffff')).toBe('#111111');
    expect(contrastText('#000000')).toBe('#ffffff');
    expect(contrastText('#0b5d4b')).toBe('#ffffff');
  });
});

describe('<BrandColors>', () => {
  it('renders a <style> element carrying the request nonce, and no style attribute', () => {
    const html = renderToStaticMarkup(
      <NonceProvider value="bm9uY2U=">
        <BrandColors scope=".portal" color="#123456" />
      </NonceProvider>,
    );
    expect(html).toBe('<style nonce="bm9uY2U=">.portal{--brand:#123456;--brand-contrast:#ffffff}</style>');
  });
});
