import { describe, expect, it } from 'vitest';
import type { InferResult, LayerConfig, Shape } from '../types';
import { fillConfig, getLayerSpec, listLayerSpecs, validateArg } from '../registry';

function infer(className: string, inputs: Shape[], config: LayerConfig = {}): InferResult {
  return getLayerSpec(className)!.inferShape(inputs, fillConfig(className, config));
}
function params(className: string, inputs: Shape[], config: LayerConfig = {}) {
  return getLayerSpec(className)!.paramCount(inputs, fillConfig(className, config));
}
function shapeOf(className: string, inputs: Shape[], config: LayerConfig = {}): Shape {
  const r = infer(className, inputs, config);
  if (!r.ok) throw new Error(r.message);
  return r.shape;
}

describe('registry', () => {
  it('has the 40 kinds, each with a description, docs with the shape contract, and valid defaults', () => {
    const specs = listLayerSpecs();
    expect(specs).toHaveLength(40);
    for (const spec of specs) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.docs, spec.className).toMatch(/Input → output/);
      for (const arg of spec.args) expect(validateArg(spec.className, arg.key, arg.default)).toBeNull();
    }
  });

  it('fills defaults without dropping unknown keys', () => {
    expect(fillConfig('Dense', { units: 4, kernel_initializer: 'zeros' })).toEqual({
      units: 4,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: 'zeros',
    });
  });

  it('says why a value is refused', () => {
    expect(validateArg('Dense', 'units', 0)).toBe('units must be an integer ≥ 1');
    expect(validateArg('Dense', 'units', 2.5)).toBe('units must be an integer ≥ 1');
    expect(validateArg('Dense', 'activation', 'sigmoidal')).toMatch(
      /^activation must be one of linear, relu/,
    );
    expect(validateArg('Dense', 'use_bias', 'yes')).toBe('use_bias must be true or false');
    expect(validateArg('Dropout', 'rate', 1)).toBe('rate must be a number ≥ 0 and < 1');
    expect(validateArg('Dropout', 'rate', 0)).toBeNull();
    expect(validateArg('BatchNormalization', 'epsilon', 0)).toBe('epsilon must be a number > 0');
    expect(validateArg('Conv2D', 'kernel_size', 3)).toBeNull();
    expect(validateArg('Conv2D', 'kernel_size', [3, 0])).toMatch(/kernel_size must be an integer ≥ 1/);
    expect(validateArg('MaxPooling2D', 'strides', null)).toBeNull();
    expect(validateArg('Conv2D', 'strides', null)).toBe('strides must not be null');
    expect(validateArg('InputLayer', 'batch_shape', [28, 28])).toBe(
      'batch_shape must start with null (the batch dimension)',
    );
    expect(validateArg('InputLayer', 'batch_shape', [null, 0])).toBe('batch_shape[1] must be an integer ≥ 1');
    expect(validateArg('Reshape', 'target_shape', [-1, -1])).toBe('target_shape may contain -1 at most once');
    expect(validateArg('Dense', 'filters', 3)).toBe('Dense has no argument filters');
    expect(validateArg('Dense2', 'units', 3)).toBe('unknown layer kind Dense2');
  });
});

describe('shapes and parameter counts', () => {
  it('InputLayer', () => {
    expect(shapeOf('InputLayer', [], { batch_shape: [null, 28, 28, 1] })).toEqual([null, 28, 28, 1]);
    expect(params('InputLayer', [])).toEqual({ trainable: 0, nonTrainable: 0 });
  });

  it('Dense acts on the last axis', () => {
    expect(shapeOf('Dense', [[null, 10]], { units: 64 })).toEqual([null, 64]);
    expect(shapeOf('Dense', [[null, 5, 10]], { units: 3 })).toEqual([null, 5, 3]);
    expect(params('Dense', [[null, 10]], { units: 64 })).toEqual({ trainable: 704, nonTrainable: 0 });
    expect(params('Dense', [[null, 10]], { units: 64, use_bias: false })).toEqual({
      trainable: 640,
      nonTrainable: 0,
    });
    const r = infer('Dense', [[null]]);
    expect(r.ok || r.message).toBe('Dense expects an input of rank ≥ 2, found (None) (rank 1)');
  });

  it('Dropout, Activation and Rescaling keep the shape and have no weights', () => {
    for (const kind of ['Dropout', 'Activation', 'Rescaling']) {
      expect(shapeOf(kind, [[null, 4, 4, 2]])).toEqual([null, 4, 4, 2]);
      expect(params(kind, [[null, 4, 4, 2]])).toEqual({ trainable: 0, nonTrainable: 0 });
    }
  });

  it('Flatten', () => {
    expect(shapeOf('Flatten', [[null, 28, 28, 1]])).toEqual([null, 784]);
    const r = infer('Flatten', [[null, 10]]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/rank ≥ 3, found \(None, 10\).*already flat/);
  });

  it('Conv2D follows valid/same arithmetic', () => {
    expect(shapeOf('Conv2D', [[null, 224, 224, 3]], { filters: 32 })).toEqual([null, 222, 222, 32]);
    expect(shapeOf('Conv2D', [[null, 7, 7, 3]], { kernel_size: 3, strides: 2, padding: 'same' })).toEqual([
      null,
      4,
      4,
      32,
    ]);
    expect(shapeOf('Conv2D', [[null, 7, 8, 3]], { kernel_size: [3, 2], strides: [2, 3] })).toEqual([
      null,
      3,
      3,
      32,
    ]);
    expect(params('Conv2D', [[null, 224, 224, 3]], { filters: 32 })).toEqual({
      trainable: 896,
      nonTrainable: 0,
    });
    const tooBig = infer('Conv2D', [[null, 2, 2, 1]], { kernel_size: 3 });
    expect(tooBig.ok || tooBig.message).toMatch(/kernel_size 3×3 is larger than the input 2×2/);
    const flat = infer('Conv2D', [[null, 10]]);
    expect(flat.ok || flat.expected).toBe('rank 4');
  });

  it('MaxPooling2D strides default to the pool size', () => {
    expect(shapeOf('MaxPooling2D', [[null, 28, 28, 8]])).toEqual([null, 14, 14, 8]);
    expect(shapeOf('MaxPooling2D', [[null, 7, 7, 8]], { pool_size: 3, strides: 1 })).toEqual([null, 5, 5, 8]);
    expect(shapeOf('MaxPooling2D', [[null, 7, 7, 8]], { padding: 'same' })).toEqual([null, 4, 4, 8]);
  });

  it('GlobalAveragePooling2D', () => {
    expect(shapeOf('GlobalAveragePooling2D', [[null, 5, 5, 7]])).toEqual([null, 7]);
    expect(infer('GlobalAveragePooling2D', [[null, 5]]).ok).toBe(false);
  });

  it('BatchNormalization: 2C trainable, 2C non-trainable', () => {
    expect(params('BatchNormalization', [[null, 6, 6, 16]])).toEqual({ trainable: 32, nonTrainable: 32 });
    expect(params('BatchNormalization', [[null, 6, 6, 16]], { axis: 1, scale: false })).toEqual({
      trainable: 6,
      nonTrainable: 12,
    });
    const r = infer('BatchNormalization', [[null, 6]], { axis: 0 });
    expect(r.ok === false && r.arg).toBe('axis');
  });

  it('Normalization: mean, variance and count, none trainable (Keras 3)', () => {
    expect(params('Normalization', [[null, 10]])).toEqual({ trainable: 0, nonTrainable: 21 });
    expect(params('Normalization', [[null, 10]], { axis: null })).toEqual({ trainable: 0, nonTrainable: 3 });
    expect(params('Normalization', [[null, 4, 5, 3]], { axis: 1 })).toEqual({
      trainable: 0,
      nonTrainable: 9,
    });
  });

  it('Reshape infers -1 and checks the size', () => {
    expect(shapeOf('Reshape', [[null, 12]], { target_shape: [3, -1] })).toEqual([null, 3, 4]);
    expect(shapeOf('Reshape', [[null, 3, 4]], { target_shape: [12] })).toEqual([null, 12]);
    const r = infer('Reshape', [[null, 12]], { target_shape: [5] });
    expect(r.ok || r.message).toBe('Reshape cannot fit 12 values from (None, 12) into (None, 5) (5 values)');
    expect(infer('Reshape', [[null, 12]], { target_shape: [5, -1] }).ok).toBe(false);
  });

  it('Concatenate sums the axis and checks the rest', () => {
    expect(
      shapeOf('Concatenate', [
        [null, 32],
        [null, 32],
      ]),
    ).toEqual([null, 64]);
    expect(
      shapeOf('Concatenate', [
        [null, 4, 4, 2],
        [null, 4, 4, 3],
        [null, 4, 4, 1],
      ]),
    ).toEqual([null, 4, 4, 6]);
    expect(
      shapeOf(
        'Concatenate',
        [
          [null, 4, 2],
          [null, 3, 2],
        ],
        { axis: 1 },
      ),
    ).toEqual([null, 7, 2]);
    const r = infer('Concatenate', [
      [null, 4, 2],
      [null, 3, 2],
    ]);
    expect(r.ok === false && r.expected).toBe('(None, 4, any)');
    expect(
      infer('Concatenate', [
        [null, 4],
        [null, 4, 1],
      ]).ok,
    ).toBe(false);
  });

  it('Add requires equal shapes up to broadcasting of 1', () => {
    expect(
      shapeOf('Add', [
        [null, 8],
        [null, 8],
      ]),
    ).toEqual([null, 8]);
    expect(
      shapeOf('Add', [
        [null, 1],
        [null, 8],
      ]),
    ).toEqual([null, 8]);
    const r = infer('Add', [
      [null, 8],
      [null, 4],
    ]);
    expect(r.ok || r.message).toBe(
      'Add needs inputs of the same shape: input 0 is (None, 8), input 1 is (None, 4)',
    );
  });
});
