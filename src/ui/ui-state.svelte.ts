import type { LayerCategory, LayerSpec } from '../graph/types';
import { listLayerSpecs } from './graph-ops';

const CATEGORY_ORDER: LayerCategory[] = [
  'input',
  'core',
  'convolution',
  'pooling',
  'normalization',
  'regularization',
  'reshaping',
  'merging',
  'activation',
];

export const CATEGORY_LABELS: Record<LayerCategory, string> = {
  input: 'Input',
  core: 'Core',
  convolution: 'Convolution',
  pooling: 'Pooling',
  normalization: 'Normalization',
  regularization: 'Regularization',
  reshaping: 'Reshaping',
  merging: 'Merging',
  activation: 'Activation',
};

/** View preferences that are not part of the experiment: palette search, which summary form is shown. */
export class UiState {
  query = $state('');
  showKerasText = $state(false);
  /** Which results tab is shown under the train bar. */
  resultsTab = $state<'curves' | 'memory' | 'device' | 'checkpoints'>('curves');

  readonly paletteGroups = $derived.by(() => {
    const q = this.query.trim().toLowerCase();
    const match = (s: LayerSpec) =>
      !q ||
      s.label.toLowerCase().includes(q) ||
      s.className.toLowerCase().includes(q) ||
      s.description.toLowerCase().includes(q);
    const specs = listLayerSpecs().filter(match);
    return CATEGORY_ORDER.map((category) => ({
      category,
      label: CATEGORY_LABELS[category],
      specs: specs.filter((s) => s.category === category),
    })).filter((group) => group.specs.length > 0);
  });
}
