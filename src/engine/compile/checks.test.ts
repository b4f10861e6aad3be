import { describe, expect, it } from 'vitest';
import { parseExperiment, type ExperimentSpec } from '../../experiment/spec';
import { defaultExperiment } from '../../experiment/defaults';
import { checkLossActivation } from '../../experiment/loss-activation';
import { resolveCompile, resolveFit, trainingProblems } from './resolve';

describe('loss ↔ final-activation check', () => {
  it('accepts the canonical pairs', () => {
    expect(checkLossActivation('binary_crossentropy', 'sigmoid', 1)).toBeNull();
    expect(checkLossActivation('categorical_crossentropy', 'softmax', 10)).toBeNull();
    expect(
      checkLossActivation({ name: 'categorical_crossentropy', from_logits: true }, 'linear', 10),
    ).toBeNull();
    expect(checkLossActivation({ name: 'binary_crossentropy', from_logits: true }, null, 1)).toBeNull();
    expect(checkLossActivation('mean_squared_error', 'linear', 1)).toBeNull();
  });

  it('flags softmax + from_logits=True, probabilities expected from a linear output, and one-unit softmax', () => {
    const twice = checkLossActivation({ name: 'categorical_crossentropy', from_logits: true }, 'softmax', 10);
    expect(twice).toMatchObject({ severity: 'error' });
    expect(twice!.message).toMatch(/softmax is applied twice/);
    expect(twice!.suggestion).toMatch(/from_logits=False/);
    const linear = checkLossActivation('categorical_crossentropy', 'linear', 10);
    expect(linear!.severity).toBe('error');
    expect(linear!.suggestion).toMatch(/from_logits=True/);
    expect(checkLossActivation('binary_crossentropy', 'linear', 1)!.message).toMatch(/probabilities/);
    expect(checkLossActivation('binary_crossentropy', 'softmax', 1)!.message).toMatch(/always outputs 1/);
    expect(
      checkLossActivation({ name: 'binary_crossentropy', from_logits: true }, 'sigmoid', 1)!.message,
    ).toMatch(/applied twice/);
  });

  it('warns about mismatches that still train, such as sigmoid with categorical cross-entropy', () => {
    expect(checkLossActivation('categorical_crossentropy', 'sigmoid', 3)!.severity).toBe('warning');
    expect(checkLossActivation('binary_crossentropy', 'softmax', 4)!.severity).toBe('warning');
    expect(checkLossActivation('hinge', 'sigmoid', 1)!.severity).toBe('warning');
    expect(checkLossActivation('sparse_categorical_crossentropy', 'softmax', 1)!.severity).toBe('error');
  });
});

describe('spec compatibility and resolveCompile', () => {
  it('existing specs still parse and resolve to what they meant', () => {
    const spec = defaultExperiment();
    expect(parseExperiment(spec).ok).toBe(true);
    const compile = resolveCompile(spec);
    expect(compile.optimizer).toMatchObject({ name: 'adam', learning_rate: 0.001, epsilon: 1e-7 });
    expect(compile.loss).toEqual({ name: 'categorical_crossentropy', from_logits: false, delta: 1 });
    expect(compile.metrics).toEqual([{ name: 'accuracy' }]);
    expect(compile.clip).toEqual({});
    expect(resolveFit(spec)).toEqual({
      classWeight: undefined,
      callbacks: [],
      validationFreq: 1,
      validationSource: 'split',
    });
    expect(trainingProblems(spec)).toEqual([]);
  });

  it('the Keras-style fields parse, replace the old ones and keep Keras defaults for what they omit', () => {
    const base = defaultExperiment();
    const parsed = parseExperiment({
      ...base,
      compile: {
        ...base.compile,
        optimizerConfig: { name: 'sgd', momentum: 0.9, nesterov: true },
        schedule: { name: 'cosine_decay', decay_steps: 1000 },
        lossConfig: { name: 'categorical_crossentropy', from_logits: true },
        metrics: [{ name: 'accuracy' }, { name: 'top_k_categorical_accuracy', k: 3 }],
        clipnorm: 1,
      },
      fit: {
        ...base.fit,
        classWeight: { '0': 1, '3': 2.5 },
        callbacks: [
          { name: 'EarlyStopping', patience: 3, restore_best_weights: true },
          { name: 'ModelCheckpoint', save_best_only: true, filepath: 'best-{epoch:02d}' },
          { name: 'ReduceLROnPlateau', factor: 0.5 },
          { name: 'TerminateOnNaN' },
        ],
      },
    });
    expect(parsed.ok).toBe(true);
    const spec = (parsed as { spec: ExperimentSpec }).spec;
    const compile = resolveCompile(spec);
    expect(compile.optimizer).toMatchObject({
      name: 'sgd',
      learning_rate: 0.001,
      momentum: 0.9,
      nesterov: true,
    });
    expect(compile.loss.from_logits).toBe(true);
    expect(compile.clip).toEqual({ clipnorm: 1 });
    expect(resolveFit(spec).callbacks).toHaveLength(4);
    // ReduceLROnPlateau cannot set the rate of a scheduled optimizer (Keras raises).
    expect(trainingProblems(spec).join('\n')).toMatch(/ReduceLROnPlateau sets the learning rate/);
  });

  it("takes per-output losses and weights from the graph's output heads unless compile names them", () => {
    const base = defaultExperiment();
    const [a, b] = base.graph.nodes.slice(-2);
    const graph = {
      ...base.graph,
      outputs: [
        { nodeId: a.id, loss: 'mse', lossWeight: 0.5 },
        { nodeId: b.id },
        { nodeId: 'x', loss: 'nope' },
      ],
    };
    const compile = resolveCompile({ ...base, graph });
    expect(compile.outputLosses).toEqual({
      [a.name]: { name: 'mean_squared_error' },
      [b.name]: { name: 'categorical_crossentropy' },
      x: { name: 'categorical_crossentropy' },
    });
    expect(compile.lossWeights).toEqual({ [a.name]: 0.5 });
    expect(trainingProblems({ ...base, graph })).toEqual([expect.stringMatching(/unknown loss 'nope'/)]);
    const explicit = { ...base, graph, compile: { ...base.compile, outputLosses: { [a.name]: null } } };
    expect(resolveCompile(explicit).outputLosses).toEqual({ [a.name]: null });
  });

  it('rejects what Keras would reject, naming the field', () => {
    const base = defaultExperiment();
    const bad = parseExperiment({
      ...base,
      fit: { ...base.fit, classWeight: { cat: 2 }, callbacks: [{ name: 'ReduceLROnPlateau', factor: 2 }] },
    });
    expect(bad.ok).toBe(false);
    expect((bad as { problems: string[] }).problems.join('\n')).toMatch(
      /fit\.classWeight[\s\S]*fit\.callbacks/,
    );
    const twoClips = { ...base, compile: { ...base.compile, clipnorm: 1, clipvalue: 1 } };
    expect(trainingProblems(twoClips)).toEqual([expect.stringMatching(/Only one of clipnorm, clipvalue/)]);
  });
});
