/** Pure helpers for the SVG charts: linear scales and round tick values. */

export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** About `count` round ticks covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** A y-range with some head-room, starting at 0 for values that are never negative. */
export function niceMax(values: number[], fallback = 1): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  const max = Math.max(...finite);
  if (max <= 0) return fallback;
  const t = ticks(0, max * 1.05, 4);
  return Math.max(t.at(-1) ?? max, max * 1.05);
}
