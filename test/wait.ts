/**
 * Polls `probe` until it returns something truthy, and returns that. The deadline is measured on
 * the monotonic clock: it is elapsed time, not business time, and test/at-hours.sh moves the wall clock.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  {
    timeoutMs = 15_000,
    intervalMs = 100,
    detail,
  }: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) {
      throw new Error(`not within ${timeoutMs} ms: ${what}${detail ? `\n${detail()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
