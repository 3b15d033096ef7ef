/** Names of the actions of back-office forms that hold several (the `intent` field). */
export const DEBTOR_INTENT = {
  sendLink: 'send_link',
  revokeLinks: 'revoke_links',
  hold: 'hold',
  liftHold: 'lift_hold',
  clearFlag: 'clear_flag',
} as const;

export const INVOICE_INTENT = {
  hold: 'hold',
  liftHold: 'lift_hold',
} as const;

export const TEAM_INTENT = {
  invite: 'invite',
  revokeInvitation: 'revoke_invitation',
  setRole: 'set_role',
  deactivate: 'deactivate',
  reactivate: 'reactivate',
} as const;
