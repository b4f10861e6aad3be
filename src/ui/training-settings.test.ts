import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import { parseExperiment, type ExperimentSpec } from '../experiment/spec';
import { analyzeGraph } from '../graph/index';
import {
  CLIP_SETTINGS,
  FIT_SETTINGS,
  applySetting,
  lossSettings,
  optimizerSettings,
  type Setting,
} from './training-settings';
import { TOP_K_SETTING, classWeightSettings, metricsOf, withMetric } from './metric-settings';
import { outputFindings } from './output-check';
import { scheduleSettings } from './schedule-settings';

const byId = (settings: Setting[], id: string) => {
  const found = settings.find((s) => s.id === id);
  if (!found) throw new Error(`no setting ${id} in ${settings.map((s) => s.id).join(', ')}`);
  return found;
};

/** Applies a value the panel would send, expecting it to be accepted; the result must still be a valid spec. */
function set(
  spec: ExperimentSpec,
  settings: Setting[],
  id: string,
  value: Parameters<typeof applySetting>[2],
) {
  const result = applySetting(spec, byId(settings, id), value);
  if (!result.ok) throw new Error(result.reason);
  expect(parseExperiment(result.spec).ok).toBe(true);
  return result.spec;
}

describe('optimizer settings', () => {
  it('shows the chosen optimizer’s Keras arguments, with Keras’s defaults', () => {
    const spec = blobsExperiment();
    expect(optimizerSettings(spec).map((s) => s.arg.label)).toEqual([
      'optimizer',
      'beta_1',
      'beta_2',
      'epsilon',
      'amsgrad',
    ]);
    const sgd = set(spec, optimizerSettings(spec), 'optimizer.name', 'sgd');
    const fields = optimizerSettings(sgd);
    expect(fields.map((s) => s.arg.label)).toEqual(['optimizer', 'momentum', 'nesterov']);
    expect(byId(fields, 'optimizer.momentum').arg.default).toBe(0);
    expect(byId(fields, 'optimizer.momentum').arg.help).toContain('Keras default: 0');
  });

  it('writes SGD with momentum and nesterov as the Keras-style config, keeping the original field in step', () => {
    let spec = blobsExperiment();
    spec = set(spec, optimizerSettings(spec), 'optimizer.name', 'sgd');
    spec = set(spec, optimizerSettings(spec), 'optimizer.momentum', 0.9);
    spec = set(spec, optimizerSettings(spec), 'optimizer.nesterov', true);
    expect(spec.compile.optimizer).toBe('sgd');
    expect(spec.compile.optimizerConfig).toEqual({ name: 'sgd', momentum: 0.9, nesterov: true });
    // Back to Keras's default: the argument leaves the spec, as it leaves a Keras call.
    spec = set(spec, optimizerSettings(spec), 'optimizer.nesterov', false);
    spec = set(spec, optimizerSettings(spec), 'optimizer.momentum', null);
    expect(spec.compile.optimizerConfig).toEqual({ name: 'sgd' });
  });

  it('keeps the arguments the next optimizer also takes and drops the rest', () => {
    let spec = blobsExperiment();
    spec = set(spec, optimizerSettings(spec), 'optimizer.name', 'sgd');
    spec = set(spec, optimizerSettings(spec), 'optimizer.momentum', 0.5);
    spec = set(spec, optimizerSettings(spec), 'optimizer.nesterov', true);
    spec = set(spec, optimizerSettings(spec), 'optimizer.name', 'rmsprop');
    expect(spec.compile.optimizerConfig).toEqual({ name: 'rmsprop', momentum: 0.5 });
    // rmsprop is not one of the original field's two values: that field keeps what it had.
    expect(spec.compile.optimizer).toBe('sgd');
  });

  it('refuses what spec.ts refuses, naming the argument and the rule', () => {
    const spec = set(blobsExperiment(), optimizerSettings(blobsExperiment()), 'optimizer.name', 'sgd');
    const result = applySetting(spec, byId(optimizerSettings(spec), 'optimizer.momentum'), 1.5);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^momentum: .*1/);
    const clip = applySetting(spec, byId(CLIP_SETTINGS, 'compile.clipnorm'), -1);
    expect(clip.ok).toBe(false);
    expect(set(spec, CLIP_SETTINGS, 'compile.clipnorm', 1).compile.clipnorm).toBe(1);
  });
});

describe('loss, metrics and fit settings', () => {
  it('offers from_logits for cross-entropies and delta for Huber only', () => {
    let spec = blobsExperiment();
    expect(lossSettings(spec).map((s) => s.arg.label)).toEqual(['loss', 'from_logits']);
    spec = set(spec, lossSettings(spec), 'loss.from_logits', true);
    expect(spec.compile.lossConfig).toEqual({ name: 'categorical_crossentropy', from_logits: true });
    spec = set(spec, lossSettings(spec), 'loss.name', 'huber');
    expect(lossSettings(spec).map((s) => s.arg.label)).toEqual(['loss', 'delta']);
    expect(spec.compile.lossConfig).toEqual({ name: 'huber' });
    expect(spec.compile.loss).toBe('categorical_crossentropy');
    expect(applySetting(spec, byId(lossSettings(spec), 'loss.delta'), 0).ok).toBe(false);
  });

  it('ticks metrics in checklist order, and sets top-k’s k only when it differs from Keras’s 5', () => {
    let spec = blobsExperiment();
    expect(metricsOf(spec)).toEqual([{ name: 'accuracy' }]);
    spec = withMetric(spec, 'precision', true);
    spec = withMetric(spec, 'top_k_categorical_accuracy', true);
    expect(spec.compile.metrics?.map((m) => m.name)).toEqual([
      'accuracy',
      'top_k_categorical_accuracy',
      'precision',
    ]);
    expect(TOP_K_SETTING.get(spec)).toBeUndefined();
    spec = set(spec, [TOP_K_SETTING], 'metric.k', 2);
    expect(spec.compile.metrics?.[1]).toEqual({ name: 'top_k_categorical_accuracy', k: 2 });
    expect(applySetting(spec, TOP_K_SETTING, 0).ok).toBe(false);
    spec = withMetric(withMetric(spec, 'accuracy', false), 'precision', false);
    spec = withMetric(spec, 'top_k_categorical_accuracy', false);
    // No metric at all is a valid Keras compile, and is kept (not turned back into the default).
    expect(spec.compile.metrics).toEqual([]);
  });

  it('reads validation_freq as one number or a list of epochs', () => {
    let spec = blobsExperiment();
    spec = set(spec, FIT_SETTINGS, 'fit.validation_freq', [2]);
    expect(spec.fit.validationFreq).toBe(2);
    spec = set(spec, FIT_SETTINGS, 'fit.validation_freq', [1, 3]);
    expect(spec.fit.validationFreq).toEqual([1, 3]);
    expect(byId(FIT_SETTINGS, 'fit.validation_freq').get(spec)).toEqual([1, 3]);
    spec = set(spec, FIT_SETTINGS, 'fit.validation_freq', null);
    expect(spec.fit.validationFreq).toBeUndefined();
    expect(applySetting(spec, byId(FIT_SETTINGS, 'fit.validation_freq'), [0]).ok).toBe(false);
    expect(set(spec, FIT_SETTINGS, 'fit.shuffle', false).fit.shuffle).toBe(false);
    expect(set(spec, FIT_SETTINGS, 'data.validation_split', 0.3).data.validationSplit).toBe(0.3);
    expect(applySetting(spec, byId(FIT_SETTINGS, 'data.validation_split'), 0.95).ok).toBe(false);
    expect(set(spec, FIT_SETTINGS, 'seed', 7).seed).toBe(7);
    expect(applySetting(spec, byId(FIT_SETTINGS, 'seed'), -1).ok).toBe(false);
  });

  it('keys class weights by class index, one field per class name', () => {
    const fields = classWeightSettings(['A', 'B', 'C']);
    expect(fields.map((f) => f.arg.label)).toEqual(['0: A', '1: B', '2: C']);
    let spec = set(blobsExperiment(), fields, 'class_weight.2', 3);
    spec = set(spec, fields, 'class_weight.0', 0.5);
    expect(spec.fit.classWeight).toEqual({ '2': 3, '0': 0.5 });
    expect(applySetting(spec, fields[1], -1).ok).toBe(false);
    spec = set(set(spec, fields, 'class_weight.0', null), fields, 'class_weight.2', null);
    expect('classWeight' in spec.fit).toBe(false);
  });
});

describe('loss ↔ final activation before Train', () => {
  it('finds softmax fed to a loss with from_logits=True on the graph as drawn', () => {
    let spec = blobsExperiment();
    expect(outputFindings(spec, analyzeGraph(spec.graph))).toEqual([]);
    spec = set(spec, lossSettings(spec), 'loss.from_logits', true);
    const [found] = outputFindings(spec, analyzeGraph(spec.graph));
    expect(found.output).toBe('dense_1');
    expect(found.finding.severity).toBe('error');
    expect(found.finding.message).toContain('softmax is applied twice');
  });
});

describe('learning-rate schedule settings', () => {
  it('starts a picked schedule valid, edits its Keras arguments, and goes back to a constant rate', () => {
    let spec = blobsExperiment();
    expect(scheduleSettings(spec).map((s) => s.arg.label)).toEqual(['schedule']);
    spec = set(spec, scheduleSettings(spec), 'schedule.name', 'exponential_decay');
    expect(scheduleSettings(spec).map((s) => s.arg.label)).toEqual([
      'schedule',
      'decay_steps',
      'decay_rate',
      'staircase',
    ]);
    spec = set(spec, scheduleSettings(spec), 'schedule.decay_rate', 0.5);
    spec = set(spec, scheduleSettings(spec), 'schedule.staircase', true);
    expect(spec.compile.schedule).toEqual({
      name: 'exponential_decay',
      decay_steps: 100,
      decay_rate: 0.5,
      staircase: true,
    });
    expect(applySetting(spec, byId(scheduleSettings(spec), 'schedule.decay_steps'), 0).ok).toBe(false);

    spec = set(spec, scheduleSettings(spec), 'schedule.name', 'piecewise_constant');
    expect(spec.compile.schedule).toEqual({
      name: 'piecewise_constant',
      boundaries: [100],
      values: [0.05, 0.005],
    });
    const values = byId(scheduleSettings(spec), 'schedule.values');
    expect(values.get(spec)).toBe('0.05, 0.005');
    spec = set(spec, scheduleSettings(spec), 'schedule.boundaries', [10, 20]);
    spec = set(spec, scheduleSettings(spec), 'schedule.values', '0.1, 0.01, 0.001');
    expect(spec.compile.schedule).toEqual({
      name: 'piecewise_constant',
      boundaries: [10, 20],
      values: [0.1, 0.01, 0.001],
    });
    const refused = applySetting(spec, values, '0.1, fast');
    expect(refused.ok).toBe(false);
    spec = set(spec, scheduleSettings(spec), 'schedule.name', 'constant');
    expect('schedule' in spec.compile).toBe(false);
  });
});
