/** The audit module's public entry for server code: other modules and routes import only this (or its sibling index). */
export { type Actor, audit, type AuditAction, type AuditInput, prepareAudit } from './audit.server';
