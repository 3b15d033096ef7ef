import { z } from 'zod';

/**
 * Zod compiles object parsers with `new Function`, after probing for eval when a schema is built,
 * which the browser's policy refuses (no 'unsafe-eval') and reports as a violation. Route modules
 * build their schemas as they load, so this runs first: root.tsx imports it before anything else.
 * In the browser only; the server keeps the faster compiled parsers.
 */
if (typeof document !== 'undefined') z.config({ jitless: true });
