import { notFound } from '~/utils/http.server';

/*
 * Every address no other route answers. A route of its own (rather than Remix's "no match") so the
 * root loader runs first and the not-found page speaks the reader's language; the page itself is
 * the root's ErrorBoundary. A post to such an address is not found either (not 405).
 */
export function loader(): never {
  notFound();
}

export function action(): never {
  notFound();
}

export default function NotFound() {
  return null;
}
