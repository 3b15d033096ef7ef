/** Builds requests the way a browser would send them, for calling route loaders and actions directly. */
export function formRequest(
  url: string,
  fields: Record<string, string | string[]>,
  init: { cookie?: string; ip?: string } = {},
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  return new Request(new URL(url, 'http://voldaan.test'), {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(init.cookie ? { Cookie: init.cookie } : {}),
      ...(init.ip ? { 'x-voldaan-client-ip': init.ip } : {}),
    },
  });
}

export function getRequest(url: string, init: { cookie?: string } = {}) {
  return new Request(new URL(url, 'http://voldaan.test'), {
    headers: init.cookie ? { Cookie: init.cookie } : {},
  });
}

/** The cookie pair (name=value) from a Set-Cookie header, ready to send back. */
export function cookieFrom(response: Response | Headers | string) {
  const header =
    typeof response === 'string'
      ? response
      : ((response instanceof Headers ? response : response.headers).get('Set-Cookie') ?? '');
  return header.split(';')[0];
}

/** Runs a loader or action and returns the Response it returned or threw. */
export async function settle(run: () => Promise<unknown>): Promise<Response | unknown> {
  try {
    return await run();
  } catch (thrown) {
    return thrown;
  }
}

export const routeArgs = (request: Request, params: Record<string, string> = {}) => ({
  request,
  params,
  context: { nonce: 'test' },
});
