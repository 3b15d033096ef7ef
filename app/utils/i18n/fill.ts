/**
 * Fills `{name}` placeholders. A value that ends a sentence itself ("Voorbeeld B.V.") takes the
 * template's full stop after it, so no page says "B.V..".
 */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}(\.?)/g, (whole, name: string, stop: string) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    return stop && value.endsWith('.') ? value : value + stop;
  });
}
