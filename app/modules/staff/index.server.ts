/** The staff module's public entry for server code: other modules and routes import only this (or its sibling index). */
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
