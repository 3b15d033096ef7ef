import { createCookie } from '@remix-run/node';
import { getEnv } from './env.server';

const cookies = new Map<string, ReturnType<typeof createCookie>>();

/**
 * The cookie that carries a session token (staff or debtor portal): HttpOnly, SameSite=Lax,
 * signed with SESSION_SECRET, and in production Secure with the `__Host-` prefix (no Domain,
 * path /). One per name, made on first use (the settings are read then).
 */
export function sessionCookie(name: string): ReturnType<typeof createCookie> {
  let cookie = cookies.get(name);
  if (!cookie) {
    const env = getEnv();
    const production = env.NODE_ENV === 'production';
    cookie = createCookie(production ? `__Host-${name}` : name, {
      httpOnly: true,
      sameSite: 'lax',
      secure: production,
      path: '/',
      secrets: [env.SESSION_SECRET],
    });
    cookies.set(name, cookie);
  }
  return cookie;
}
