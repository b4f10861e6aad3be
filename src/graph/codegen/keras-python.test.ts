/// <reference types="node" />
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasPython } from './keras-python';
import { TEMPLATES } from '../templates';
import { shareLayer, connect } from '../edit';
import { graphOf } from '../test-helpers';

const python = spawnSync('python3', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'kiln-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Null when the file compiles; the compiler's message otherwise. */
function pyCompile(name: string, code: string): string | null {
  const file = join(dir, `${name}.py`);
  writeFileSync(file, code);
  const r = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr;
}

describe('Keras Python', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    '%s compiles with python3 -m py_compile',
    (id, template) => {
      const code = kerasPython(template.build(), { earlyStoppingPatience: 3 });
      expect(code).toMatch(/keras\.Model\(inputs=\[/);
      if (!python) {
        console.warn('python3 is not installed: skipping the py_compile check of the generated Keras code');
        return;
      }
      expect(pyCompile(id.replace(/-/g, '_'), code)).toBeNull();
    },
  );

  it('writes only non-default args, Keras spellings, and shared layers once', () => {
    let g = graphOf(
      [
        ['img', 'InputLayer', { batch_shape: [null, 8, 8, 3] }],
        ['pad', 'ZeroPadding2D', { padding: [1, 2, 3, 4] }],
        ['conv', 'Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }],
        ['gap', 'GlobalAveragePooling2D'],
        ['seq', 'InputLayer', { batch_shape: [null, 5, 3], dtype: 'int32' }],
        ['bi', 'Bidirectional', { layer: 'GRU', units: 4, merge_mode: 'sum' }],
        ['cat', 'Concatenate'],
      ],
      [
        ['img', 'pad'],
        ['pad', 'conv'],
        ['conv', 'gap'],
        ['seq', 'bi'],
        ['gap', 'cat', 0],
        ['bi', 'cat', 1],
      ],
    );
    const shared = shareLayer(g, 'conv', { x: 0, y: 0 });
    if (!shared.ok) throw new Error(shared.reason);
    const linked = connect(shared.graph, 'img', shared.node.id, 0);
    if (!linked.ok) throw new Error(linked.reason);
    g = linked.graph;
    const code = kerasPython(g, { loss: 'mean_squared_error' });
    expect(code).toContain('layers.ZeroPadding2D(padding=((1, 2), (3, 4)), name="pad")(img)');
    expect(code).toContain(
      'conv_layer = layers.Conv2D(filters=4, kernel_size=(3, 3), padding="same", name="conv")  # shared',
    );
    // Calls are numbered in the order the model runs them: the call on img comes first.
    expect(code).toContain('conv = conv_layer(img)');
    expect(code).toContain('conv_call1 = conv_layer(pad)');
    expect(code).toContain('seq = keras.Input(shape=(5, 3), dtype="int32", name="seq")');
    // Kiln's GRU default differs from Keras's, so it is written out.
    expect(code).toContain(
      'layers.Bidirectional(layers.GRU(units=4, reset_after=False), merge_mode="sum", name="bi")',
    );
    expect(code).toMatch(/outputs=\[cat, conv\]/);
    expect(code).toContain('loss={"cat": "mean_squared_error", "conv": "mean_squared_error"}');
    if (python) expect(pyCompile('mixed', code)).toBeNull();
  });

  it('writes the compile and fit arguments the experiment sets, and only those', () => {
    const graph = TEMPLATES.find((t) => t.id === 'blobs-mlp')!.build();
    const plain = kerasPython(graph);
    expect(plain).toContain('optimizer=keras.optimizers.Adam(learning_rate=0.001),');
    expect(plain).not.toMatch(/class_weight|validation_freq|shuffle|set_random_seed/);
    const code = kerasPython(graph, {
      optimizer: 'sgd',
      learningRate: 0.05,
      optimizerArgs: { momentum: 0.9, nesterov: true, clipnorm: 1 },
      lossArgs: { from_logits: true },
      metrics: [
        'accuracy',
        { name: 'top_k_categorical_accuracy', k: 2 },
        'precision',
        { name: 'recall', threshold: 0.3 },
      ],
      classWeight: { '0': 1, '2': 2.5 },
      validationFreq: 2,
      shuffle: false,
      seed: 7,
    });
    expect(code).toContain('keras.utils.set_random_seed(7)');
    expect(code).toContain(
      'optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True, clipnorm=1),',
    );
    expect(code).toContain('loss=keras.losses.CategoricalCrossentropy(from_logits=True),');
    expect(code).toContain(
      'metrics=["accuracy", keras.metrics.TopKCategoricalAccuracy(k=2), "precision", keras.metrics.Recall(thresholds=0.3)],',
    );
    expect(code).toContain('    class_weight={0: 1, 2: 2.5},\n    validation_freq=2,\n    shuffle=False,\n)');
    if (python) expect(pyCompile('compile_fit', code)).toBeNull();
  });

  it.each([
    [
      'adagrad',
      { initial_accumulator_value: 0.2 },
      'Adagrad(learning_rate=0.001, initial_accumulator_value=0.2)',
    ],
    ['adadelta', { rho: 0.9 }, 'Adadelta(learning_rate=0.001, rho=0.9)'],
    ['adamax', { epsilon: 1e-8 }, 'Adamax(learning_rate=0.001, epsilon=1e-8)'],
    ['rmsprop', { centered: true }, 'RMSprop(learning_rate=0.001, centered=True)'],
  ] as const)('writes %s with its Keras arguments', (optimizer, optimizerArgs, expected) => {
    const graph = TEMPLATES.find((t) => t.id === 'blobs-mlp')!.build();
    const code = kerasPython(graph, {
      optimizer,
      optimizerArgs,
      loss: 'huber',
      lossArgs: { delta: 2 },
      validationFreq: [1, 3],
    });
    expect(code).toContain(`keras.optimizers.${expected}`);
    expect(code).toContain('loss=keras.losses.Huber(delta=2),');
    expect(code).toContain('validation_freq=[1, 3],');
    if (python) expect(pyCompile(`opt_${optimizer}`, code)).toBeNull();
  });

  it.each([
    [
      { name: 'exponential_decay', decay_steps: 100, decay_rate: 0.5, staircase: true },
      'ExponentialDecay(initial_learning_rate=0.01, decay_steps=100, decay_rate=0.5, staircase=True)',
    ],
    [
      { name: 'cosine_decay', decay_steps: 1000, alpha: 0.1 },
      'CosineDecay(initial_learning_rate=0.01, decay_steps=1000, alpha=0.1)',
    ],
    [
      { name: 'piecewise_constant', boundaries: [10, 20], values: [0.1, 0.01, 0.001] },
      'PiecewiseConstantDecay(boundaries=[10, 20], values=[0.1, 0.01, 0.001])',
    ],
  ])('writes a %o learning-rate schedule as keras.optimizers.schedules', (schedule, expected) => {
    const graph = TEMPLATES.find((t) => t.id === 'blobs-mlp')!.build();
    const code = kerasPython(graph, { optimizer: 'sgd', learningRate: 0.01, schedule });
    expect(code).toContain(`keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.${expected})`);
    if (python) expect(pyCompile(`schedule_${schedule.name}`, code)).toBeNull();
  });
});
