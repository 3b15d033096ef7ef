import { STAFF_ROLES } from './team';

type Role = (typeof STAFF_ROLES)[number];

/**
 * The one role check, for guards, loaders and the components that show or hide an action:
 * whether `staff` may act as one of `roles`. Admin passes every role check; no roles, anyone.
 */
export function hasRole(staff: { role: Role }, ...roles: Role[]): boolean {
  return roles.length === 0 || staff.role === 'admin' || roles.includes(staff.role);
}

/** The roles that pass `hasRole(…, ...roles)`, for a query that picks the staff who may act. */
export function rolesWith(...roles: Role[]): Role[] {
  return STAFF_ROLES.filter((role) => hasRole({ role }, ...roles));
}
