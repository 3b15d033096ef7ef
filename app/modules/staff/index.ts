/** The staff module's public entry for code that also runs in the browser: other modules and routes import only this (or its sibling index). */
export { hasRole, rolesWith } from './roles';
export { PASSWORD_MIN_LENGTH, STAFF_ROLES } from './team';
