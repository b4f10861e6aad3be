/**
 * A dataset in memory as plain typed arrays: no tfjs here, so datasets load, split and describe themselves in
 * Node, in the worker and in tests alike. The engine turns them into tensors.
 */
export interface Dataset {
  name: string;
  /** Features, sample-major: `count × product(sampleShape)` values. */
  x: Float32Array;
  /** Shape of one sample, e.g. `[28, 28, 1]` or `[2]`. */
  sampleShape: number[];
  /** One-hot targets, sample-major: `count × classNames.length`. */
  y: Float32Array;
  classNames: string[];
  count: number;
}
