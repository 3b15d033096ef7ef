/// <reference types="@remix-run/dev" />

import type { AppLoadContext as _AppLoadContext } from '@remix-run/node';

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request CSP nonce, set by the HTTP server. */
    nonce: string;
    /** Errors Remix reported for this request (entry.server's handleError), for the HTTP server to classify. */
    errors?: unknown[];
  }
  interface Future {
    v3_singleFetch: true;
  }
}
