import { hasForbiddenControlChars } from './limits';

/*
 * Refusals, the one way (see README, Conventions): module functions answer `null` for what is not
 * there in the caller's scope (or a typed result for other refusals); routes turn that into a thrown
 * plain-text Response with these helpers, which Remix renders as the error page of that status
 * (app/root.tsx translates it). No route writes `new Response(…, { status: 404 })` itself.
 */

const PLAIN_TEXT = { 'Content-Type': 'text/plain; charset=utf-8' } as const;

/** Throws a Response (which Remix renders) when the condition fails: 400 unless `init` says otherwise. */
export function invariantResponse(condition: unknown, message: string, init?: ResponseInit): asserts condition {
  if (!condition) {
    throw new Response(message, {
      status: 400,
      ...init,
      headers: { ...PLAIN_TEXT, ...init?.headers },
    });
  }
}

/**
 * 404: not there, or not the caller's; both answer the same, so nobody learns which ids exist
 * elsewhere.
 */
export function notFound(message = 'Not found'): never {
  throw new Response(message, { status: 404, headers: PLAIN_TEXT });
}

/** 403: signed in, but this role (or this caller) may not do it. */
export function forbidden(message = 'Forbidden'): never {
  throw new Response(message, { status: 403, headers: PLAIN_TEXT });
}

const REDIRECT_BASE = new URL('http://voldaan.invalid');
/** Longer than any page address of ours with its query; a longer target is not one of them. */
const MAX_REDIRECT_LENGTH = 2048;
/** How many layers of %-encoding are looked through (`%255c` is two). */
const DECODE_LAYERS = 4;

/**
 * One layer of %-decoding of the characters that matter here (ASCII, and the C1 controls as
 * UTF-8), leaving every other escape as it is: it never throws on a literal `%`.
 */
function decodeLayer(value: string): string {
  return value
    .replace(/%c2%([89][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A path of this origin by itself, as given and as the URL parser reads it (`/.//x` is `//x`). */
function isLocalPath(value: string): boolean {
  // Control characters (TAB, CR, LF, NUL, DEL, C1) and the backslash browsers read as a slash.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasForbiddenControlChars(value)) {
    return false;
  }
  const url = new URL(value, REDIRECT_BASE);
  return url.origin === REDIRECT_BASE.origin && !url.pathname.startsWith('//');
}

/**
 * The one check for a redirect target taken from a request (`redirectTo` and the like): a path on
 * this site, else `fallback`. Refused: anything not starting with exactly one `/`, backslashes,
 * control characters, targets that leave the origin once parsed by the WHATWG URL parser (against a
 * fixed base) or once %-decoded (`/%2F%2Fevil`, `/%5Cevil`, `/%0d%0a`, double-encoded too). What
 * comes back is the parser's normalized path, query and fragment, never the raw input.
 */
export function safeRedirect(target: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof target !== 'string' || target.length > MAX_REDIRECT_LENGTH) return fallback;
  let layer = target;
  for (let depth = 0; ; depth++) {
    if (!isLocalPath(layer)) return fallback;
    const next = decodeLayer(layer);
    if (next === layer) break;
    // More layers of encoding than any address of ours has: someone is hiding something.
    if (depth === DECODE_LAYERS) return fallback;
    layer = next;
  }
  const url = new URL(target, REDIRECT_BASE);
  return url.pathname + url.search + url.hash;
}
