/** The staff module's public entry for server code: other modules and routes import only this (or its sibling index). */
export {
  type ApiPrincipal,
  authenticateApiKey,
  createApiKey,
  getApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-keys.server';
export { getStaff, login, logout, requireStaff, type SignedInStaff, type StaffRole } from './auth.server';
export {
  acceptInvitation,
  activeAdminCount,
  findInvitation,
  inviteStaff,
  listTeam,
  revokeInvitation,
  setStaffActive,
  setStaffRole,
} from './team.server';
