/** Team constants the forms show as well as the server checks. */
export const STAFF_ROLES = ['admin', 'finance', 'support'] as const;
export const PASSWORD_MIN_LENGTH = 12;
export const INVITATION_TTL_DAYS = 7;
