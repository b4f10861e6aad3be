import * as tf from '@tensorflow/tfjs';

/**
 * An optimizer's slot variables (Adam's m and v…) for many weights, stored end to end in one flat variable per
 * slot and group of weights, so that one update runs each of the rule's elementwise ops once per group instead
 * of once per weight (the "multi-tensor apply" of fused optimizers). On WebGPU and WebGL every op is a
 * dispatch with a fixed cost, and Adam on the MLP 784-256-128-10 (six weights) went from 72 kernels a step to 20 (12
 * for the rule, 2 concatenations and 6 slices).
 *
 * Groups hold at most `maxGroupElements` values (a weight larger than that gets a group of its own), so a flat
 * vector never outgrows what one weight could already need: WebGPU binds a storage buffer of at most
 * `maxStorageBufferBindingSize` (128 MiB by default), WebGL a texture of at most `MAX_TEXTURE_SIZE`².
 */

/** Where one weight sits in its group's flat vectors. */
export interface Segment {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface SlotGroup {
  segments: Segment[];
  size: number;
  /** One flat variable per slot name, `size` long. */
  slots: Record<string, tf.Variable>;
}

export interface SlotSpec {
  name: string;
  init: number;
}

/** 16 Mi float32 values: 64 MiB, half of WebGPU's default storage-buffer binding limit. */
export const MAX_GROUP_ELEMENTS = 1 << 24;

export class FlatSlots {
  readonly groups: SlotGroup[] = [];
  private readonly byName = new Map<string, { group: SlotGroup; segment: Segment }>();

  constructor(
    private readonly specs: SlotSpec[],
    private readonly maxGroupElements = MAX_GROUP_ELEMENTS,
  ) {}

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Gives slots (at their initial values) to the weights that have none yet, in this order. */
  layOut(weights: { name: string; shape: number[] }[]): void {
    const fresh = weights.filter((w) => !this.byName.has(w.name));
    let pending: Segment[] = [];
    let size = 0;
    const close = () => {
      if (pending.length === 0) return;
      const group: SlotGroup = { segments: pending, size, slots: {} };
      for (const spec of this.specs) {
        // tidy releases the fill; the variable keeps its own copy.
        group.slots[spec.name] = tf.tidy(() => tf.variable(tf.fill([size], spec.init), false));
      }
      this.groups.push(group);
      for (const segment of pending) this.byName.set(segment.name, { group, segment });
      pending = [];
      size = 0;
    };
    for (const weight of fresh) {
      const count = weight.shape.reduce((a, b) => a * b, 1);
      if (pending.length > 0 && size + count > this.maxGroupElements) close();
      pending.push({ name: weight.name, shape: [...weight.shape], offset: size, size: count });
      size += count;
    }
    close();
  }

  /** A copy of one weight's slot, in the weight's shape (the caller owns it). */
  read(name: string, slot: string): tf.Tensor {
    const { group, segment } = this.byName.get(name)!;
    return tf.tidy(() => tf.reshape(cut(group.slots[slot], segment), segment.shape));
  }

  /**
   * Overwrites the slots of the weights in `values` (`values.get(weight)?.get(slot)`), leaving every other
   * weight's slots as they are. Weights without slots are laid out first.
   */
  write(values: Map<string, Map<string, tf.Tensor>>, shapes: Map<string, number[]>): void {
    this.layOut([...values.keys()].map((name) => ({ name, shape: shapes.get(name)! })));
    const touched = new Set([...values.keys()].map((name) => this.byName.get(name)!.group));
    for (const group of touched) {
      for (const spec of this.specs) {
        const given = group.segments.map((s) => values.get(s.name)?.get(spec.name));
        if (given.every((t) => t === undefined)) continue;
        const current = group.slots[spec.name];
        tf.tidy(() =>
          current.assign(
            join(group.segments.map((s, i) => (given[i] ? tf.reshape(given[i]!, [-1]) : cut(current, s)))),
          ),
        );
      }
    }
  }

  dispose(): void {
    for (const group of this.groups) tf.dispose(Object.values(group.slots));
    this.groups.length = 0;
    this.byName.clear();
  }
}

/** One weight's stretch of a group's flat vector. */
export function cut(flat: tf.Tensor, segment: Segment): tf.Tensor {
  return tf.slice(flat, segment.offset, segment.size);
}

/** The tensors flattened and laid end to end (no copy for a single one). */
export function join(parts: tf.Tensor[]): tf.Tensor {
  const flat = parts.map((p) => (p.rank === 1 ? p : tf.reshape(p, [-1])));
  return flat.length === 1 ? flat[0] : tf.concat(flat);
}
