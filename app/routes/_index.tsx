import { redirect } from '@remix-run/node';

/** Debtors arrive through /l/:token; everyone else who types the bare address is staff. */
export function loader() {
  return redirect('/app');
}
