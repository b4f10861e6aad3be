import type { LayerSpec, Shape } from '../types';
import { formatShape } from '../shape';
import { NO_PARAMS, fail, ok } from './common';

/**
 * Add, Multiply, Average, Maximum and Subtract share one shape rule (Keras `_compute_elemwise_op_output_shape`):
 * equal ranks; per dimension equal, or 1 (broadcasts), or unknown (the result is unknown).
 */
export function elementwiseShape(className: string, inputs: Shape[]) {
  const out = [...inputs[0]];
  for (let i = 1; i < inputs.length; i++) {
    const s = inputs[i];
    const mismatch = () =>
      fail(
        formatShape(out),
        s,
        `${className} needs inputs of the same shape: input 0 is ${formatShape(inputs[0])}, input ${i} is ${formatShape(s)}`,
      );
    if (s.length !== out.length) return mismatch();
    for (let d = 1; d < s.length; d++) {
      const a = out[d];
      const b = s[d];
      if (a === null || b === null) out[d] = null;
      else if (a === 1) out[d] = b;
      else if (b !== 1 && a !== b) return mismatch();
    }
  }
  return ok(out);
}

export function elementwiseMerge(
  className: string,
  description: string,
  docs: string,
  maxInputs = 64,
): LayerSpec {
  return {
    className,
    label: className,
    category: 'merging',
    description,
    docs,
    inputs: { min: 2, max: maxInputs },
    args: [],
    inferShape: (inputs) => elementwiseShape(className, inputs),
    paramCount: () => NO_PARAMS,
  };
}
