import { useRouteLoaderData } from '@remix-run/react';
import {
  DEFAULT_LOCALE,
  translate,
  translateCount,
  type CountedKey,
  type Locale,
  type Params,
  type TextKey,
} from './index';

export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>('root');
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useT() {
  const locale = useLocale();
  return (key: TextKey, params?: Params) => translate(locale, key, params);
}

/** `tn('bo.x', 3)`: the counted message ("3 facturen", "1 factuur") in the reader's language. */
export function useTn() {
  const locale = useLocale();
  return (base: CountedKey, count: number, params?: Params) => translateCount(locale, base, count, params);
}
