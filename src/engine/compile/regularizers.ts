import * as tf from '@tensorflow/tfjs';

/**
 * L1/L2 weight penalties per layer (Keras's `kernel_regularizer`, `bias_regularizer`,
 * `activity_regularizer`). Penalty = l1·Σ|w| + l2·Σw², the same formula in Keras 3 and tfjs-layers, so the
 * tfjs regularizer is used as is; the layer registers it and `model.calculateLosses()` returns the penalties,
 * which ../objective.ts `withRegularization` already adds to both `loss` and `val_loss` as Keras does.
 *
 * What the graph must carry (src/graph: node configs only hold numbers, strings, booleans, null and flat number
 * arrays — no nested objects), any of:
 *   kernel_regularizer: null                     no penalty (Keras's default)
 *   kernel_regularizer: 'l1' | 'l2' | 'l1_l2'    Keras's string shortcuts: L1(0.01), L2(0.01), L1L2(0, 0)
 *   kernel_regularizer: [l1, l2]                 the factors of L1L2(l1, l2) as a flat pair
 *   kernel_regularizer: { l1, l2 }               Keras's serialised config (if the schema ever allows objects)
 * Integration (layer-factory.ts): `kernelRegularizer: regularizerFor(c.kernel_regularizer)` and likewise for
 * bias_regularizer / activity_regularizer on Dense, Conv*, Embedding, recurrent layers.
 */
export type RegularizerArg =
  null | undefined | 'l1' | 'l2' | 'l1_l2' | readonly [number, number] | { l1?: number; l2?: number };

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

/** Keras's factors for a regularizer arg, or null for none (zero factors count as none). */
export function regularizerFactors(arg: unknown): { l1: number; l2: number } | null {
  let l1 = 0;
  let l2 = 0;
  if (arg === null || arg === undefined) return null;
  if (arg === 'l1') l1 = 0.01;
  else if (arg === 'l2') l2 = 0.01;
  else if (arg === 'l1_l2')
    return null; // Keras 3's L1L2() defaults both factors to 0.
  else if (Array.isArray(arg) && arg.length === 2) [l1, l2] = arg.map((v) => Number(v ?? 0));
  else if (typeof arg === 'object') {
    const o = arg as { l1?: unknown; l2?: unknown };
    l1 = Number(o.l1 ?? 0);
    l2 = Number(o.l2 ?? 0);
  } else {
    throw new Error(`Unknown regularizer ${JSON.stringify(arg)}: use 'l1', 'l2', [l1, l2] or { l1, l2 }.`);
  }
  if (!(l1 >= 0 && l2 >= 0 && Number.isFinite(l1) && Number.isFinite(l2))) {
    throw new Error(`Regularizer factors must be finite and non-negative, got l1=${l1}, l2=${l2}.`);
  }
  return l1 === 0 && l2 === 0 ? null : { l1, l2 };
}

/** The tfjs regularizer for a layer arg, or undefined (tfjs's "none"). */
export function regularizerFor(arg: unknown): Regularizer | undefined {
  const factors = regularizerFactors(arg);
  return factors ? tf.regularizers.l1l2(factors) : undefined;
}

/** The penalty of one weight, for tests and for showing the penalty's share of the loss. */
export function penalty(weight: tf.Tensor, arg: unknown): tf.Scalar {
  return tf.tidy(() => {
    const factors = regularizerFactors(arg);
    if (!factors) return tf.scalar(0);
    return tf.add(
      tf.mul(factors.l1, tf.sum(tf.abs(weight))),
      tf.mul(factors.l2, tf.sum(tf.square(weight))),
    ) as tf.Scalar;
  });
}
