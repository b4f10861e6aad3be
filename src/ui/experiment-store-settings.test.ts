import { describe, expect, it } from 'vitest';
import { blobsExperiment } from '../experiment/defaults';
import { ExperimentStore } from './experiment-store.svelte';
import { binaryClassifierGraph } from '../graph/templates';
import { FIT_SETTINGS, lossSettings, optimizerSettings, type Setting } from './training-settings';

function setting(settings: Setting[], id: string): Setting {
  const found = settings.find((s) => s.id === id);
  if (!found) throw new Error(`no setting ${id}`);
  return found;
}

describe('ExperimentStore: Compile & fit intents', () => {
  it('applies an accepted value to the spec it posts, and keeps a refused one out with its reason', () => {
    const store = new ExperimentStore(blobsExperiment());
    expect(store.setSetting(setting(optimizerSettings(store.spec()), 'optimizer.name'), 'sgd')).toBe(true);
    const momentum = setting(optimizerSettings(store.spec()), 'optimizer.momentum');
    expect(store.setSetting(momentum, 2)).toBe(false);
    expect(store.settingError('optimizer.momentum')).toMatch(/^momentum: /);
    expect(store.spec().compile.optimizerConfig).toEqual({ name: 'sgd' });
    expect(store.setSetting(momentum, 0.9)).toBe(true);
    expect(store.settingError('optimizer.momentum')).toBeNull();
    expect(store.spec().compile.optimizerConfig).toEqual({ name: 'sgd', momentum: 0.9 });
    expect(store.blockers).toEqual([]);
  });

  it('edits the data split and the seed, which the spec used to take only from the loaded experiment', () => {
    const store = new ExperimentStore(blobsExperiment());
    store.setSetting(setting(FIT_SETTINGS, 'data.validation_split'), 0.25);
    store.setSetting(setting(FIT_SETTINGS, 'seed'), 7);
    store.setMetric('recall', true);
    const spec = store.spec();
    expect(spec.data).toEqual({ ...blobsExperiment().data, validationSplit: 0.25 });
    expect(spec.seed).toBe(7);
    expect(spec.compile.metrics).toEqual([{ name: 'accuracy' }, { name: 'recall' }]);
    // Loading another experiment drops the edits and their refusals.
    store.refuseSetting('seed', 'seed: not a number');
    store.load(blobsExperiment());
    expect(store.spec().seed).toBe(42);
    expect(store.settingError('seed')).toBeNull();
  });

  it('a remedy that switches the optimizer is not overridden by a Keras-style optimizer config', () => {
    const store = new ExperimentStore(blobsExperiment());
    store.setSetting(setting(optimizerSettings(store.spec()), 'optimizer.name'), 'rmsprop');
    store.applyPatch({ optimizer: 'sgd' });
    expect(store.spec().compile.optimizer).toBe('sgd');
    expect(store.spec().compile.optimizerConfig).toBeUndefined();
  });

  it('blocks Train on a loss the output’s activation cannot train with, as the worker would refuse it', () => {
    const store = new ExperimentStore({ ...blobsExperiment(), graph: binaryClassifierGraph() });
    expect(store.blockers).toHaveLength(1);
    expect(store.blockers[0]).toMatch(/^dense_2: categorical_crossentropy over a single unit/);
    store.setSetting(setting(lossSettings(store.spec()), 'loss.name'), 'binary_crossentropy');
    expect(store.lossFindings).toEqual([]);
    expect(store.blockers).toEqual([]);
  });
});
