import type { ArgSpec, ArgValue } from '../types';

/**
 * ZeroPadding2D and Cropping2D take Keras's three spellings flattened (the graph's config values are flat):
 * `n` (every side), `[h, w]` (symmetric) or `[top, bottom, left, right]`; Keras's nested `((t, b), (l, r))`
 * is converted on import and export.
 */
export function sides(value: ArgValue): [number, number, number, number] {
  if (typeof value === 'number') return [value, value, value, value];
  const v = value as number[];
  return v.length === 2 ? [v[0], v[0], v[1], v[1]] : [v[0], v[1], v[2], v[3]];
}

export function sidesArg(key: string, label: string, defaultValue: number[], help: string): ArgSpec {
  return {
    key,
    label,
    kind: 'intTuple',
    length: 2,
    lengths: [4],
    default: defaultValue,
    min: 0,
    max: 1024,
    help,
  };
}
