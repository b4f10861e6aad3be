/**
 * Lets through at most one call per `intervalMs` (the first always passes). Progress events cross a thread
 * boundary and re-render the UI; more than ~20 a second only costs time.
 */
export function createThrottle(
  intervalMs: number,
  now: () => number = () => performance.now(),
): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
