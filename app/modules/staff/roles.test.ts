import { describe, expect, it } from 'vitest';
import { hasRole, rolesWith } from './index';

const admin = { role: 'admin' } as const;
const finance = { role: 'finance' } as const;
const support = { role: 'support' } as const;

describe('hasRole', () => {
  it('lets a role through its own checks and no other', () => {
    expect(hasRole(finance, 'finance')).toBe(true);
    expect(hasRole(finance, 'support')).toBe(false);
    expect(hasRole(finance, 'admin')).toBe(false);
    expect(hasRole(support, 'support')).toBe(true);
    expect(hasRole(support, 'finance')).toBe(false);
    expect(hasRole(support, 'admin')).toBe(false);
  });

  it('passes when any of several roles matches', () => {
    expect(hasRole(support, 'finance', 'support')).toBe(true);
    expect(hasRole(finance, 'finance', 'support')).toBe(true);
    expect(hasRole(support, 'finance', 'admin')).toBe(false);
  });

  it('lets admin through every role check', () => {
    expect(hasRole(admin, 'admin')).toBe(true);
    expect(hasRole(admin, 'finance')).toBe(true);
    expect(hasRole(admin, 'support')).toBe(true);
  });

  it('with no roles asks only for a staff member', () => {
    expect([hasRole(admin), hasRole(finance), hasRole(support)]).toEqual([true, true, true]);
  });
});

describe('rolesWith', () => {
  it('names the roles hasRole lets through, admin always among them', () => {
    expect(rolesWith('finance')).toEqual(['admin', 'finance']);
    expect(rolesWith('support')).toEqual(['admin', 'support']);
    expect(rolesWith('admin')).toEqual(['admin']);
    expect(rolesWith()).toEqual(['admin', 'finance', 'support']);
  });
});
