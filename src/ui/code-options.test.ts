import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import type { ExperimentSpec } from '../experiment/spec';
import { kerasPython } from '../graph/index';
import { codegenOptions } from './code-options';

describe('codegenOptions', () => {
  it('passes a plain spec through with nothing but Kiln’s fields', () => {
    const spec = blobsExperiment();
    const o = codegenOptions(spec);
    expect(o).toMatchObject({ optimizer: 'adam', learningRate: 0.05, loss: 'categorical_crossentropy' });
    expect(o.optimizerArgs).toBeUndefined();
    expect(o.lossArgs).toBeUndefined();
    expect(o.metrics).toEqual(['accuracy']);
    expect(o.classWeight).toBeUndefined();
    expect(o.validationFreq).toBeUndefined();
  });

  it('carries the Keras-style compile and fit options into the code', () => {
    const base = blobsExperiment();
    const spec: ExperimentSpec = {
      ...base,
      compile: {
        ...base.compile,
        optimizer: 'sgd',
        optimizerConfig: { name: 'sgd', momentum: 0.9, nesterov: true },
        lossConfig: { name: 'categorical_crossentropy', from_logits: true },
        metrics: [{ name: 'accuracy' }, { name: 'precision' }, { name: 'top_k_categorical_accuracy', k: 2 }],
        global_clipnorm: 2,
      },
      fit: { ...base.fit, shuffle: false, validationFreq: 2, classWeight: { '1': 4 } },
    };
    const o = codegenOptions(spec);
    expect(o.optimizerArgs).toEqual({ momentum: 0.9, nesterov: true, global_clipnorm: 2 });
    expect(o.lossArgs).toEqual({ from_logits: true });
    expect(o.metrics).toEqual(['accuracy', 'precision', { name: 'top_k_categorical_accuracy', k: 2 }]);
    const code = kerasPython(spec.graph, o);
    expect(code).toContain(
      'keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True, global_clipnorm=2)',
    );
    // Every class gets a weight, 1 where the spec sets none: tfjs refuses a map that misses a class.
    expect(code).toContain('class_weight={0: 1, 1: 4, 2: 1},');
    expect(code).toContain('validation_freq=2,');
    expect(code).toContain('shuffle=False,');
    expect(code).toContain('keras.utils.set_random_seed(42)');
  });
});
