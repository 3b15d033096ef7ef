/** The mail module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { STATUS_BADGE } from './status-badge';
