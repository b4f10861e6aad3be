import type {
  MemoryCategoryName,
  MemoryComponentName,
  MemoryEstimateView,
  MemoryView,
} from '../experiment/protocol';

const KB = 1024;
const MB = 1024 * 1024;

/** Bytes for people: "12.3 MB" from 1 MB up, "4.5 KB" from 1 KB up, "512 B" below. Negative keeps its sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '−' : '';
  const b = Math.abs(bytes);
  if (b >= MB) return `${sign}${(b / MB).toFixed(1)} MB`;
  if (b >= KB) return `${sign}${(b / KB).toFixed(1)} KB`;
  return `${sign}${Math.round(b)} B`;
}

/** "+3.2%" / "−0.4%": how far the measured figure is from the estimate, relative to the estimate. */
export function percentDifference(measured: number, estimated: number): string {
  if (!(estimated > 0) || !Number.isFinite(measured)) return '—';
  const pct = ((measured - estimated) / estimated) * 100;
  const rounded = Math.abs(pct) < 0.05 ? 0 : pct;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(1)}%`;
}

/** One coloured piece of a stacked bar; `color` names its colour (`--mem-<color>` in app.css). */
export interface Segment {
  key: string;
  label: string;
  bytes: number;
  color: string;
}

/** Categories share the colours of the components they hold. */
const CATEGORY_COLORS: Record<MemoryCategoryName, string> = {
  weights: 'weights',
  optimizer: 'optimizer',
  activations: 'activations',
  data: 'resident',
  other: 'workspace',
};

export const COMPONENT_LABELS: Record<MemoryComponentName | 'resident', string> = {
  weights: 'Weights',
  gradients: 'Gradients',
  optimizer: 'Optimizer slots',
  activations: 'Activations kept for backprop',
  batch: 'Input batch',
  workspace: 'Workspace (step temporaries)',
  resident: 'Resident dataset',
};

export const CATEGORY_LABELS: Record<MemoryCategoryName, string> = {
  weights: 'Weights',
  optimizer: 'Optimizer state',
  activations: 'Activations',
  data: 'Data',
  other: 'Other',
};

const COMPONENT_ORDER: MemoryComponentName[] = [
  'weights',
  'gradients',
  'optimizer',
  'activations',
  'batch',
  'workspace',
];
const CATEGORY_ORDER: MemoryCategoryName[] = ['weights', 'optimizer', 'activations', 'data', 'other'];

/** The estimate's components in drawing order, then the dataset resident for the whole run. */
export function estimateSegments(estimate: MemoryEstimateView): Segment[] {
  return [
    ...COMPONENT_ORDER.map((key) => ({
      key,
      label: COMPONENT_LABELS[key],
      bytes: estimate.components[key],
      color: key,
    })),
    {
      key: 'resident',
      label: COMPONENT_LABELS.resident,
      bytes: estimate.residentBytes,
      color: 'resident',
    },
  ];
}

export function categorySegments(memory: MemoryView): (Segment & { tensors: number })[] {
  return CATEGORY_ORDER.map((key) => ({
    key,
    label: CATEGORY_LABELS[key],
    color: CATEGORY_COLORS[key],
    bytes: memory.byCategory[key].bytes,
    tensors: memory.byCategory[key].tensors,
  }));
}

/** Where a value sits on a bar whose right end is `scale`, in percent (clamped to 0..100). */
export function barPercent(bytes: number, scale: number): number {
  if (!(scale > 0)) return 0;
  return Math.min(100, Math.max(0, (bytes / scale) * 100));
}

/** The bar's full width in bytes: room for the total and the budget line, with a little air. */
export function barScale(total: number, budget: number): number {
  return Math.max(total, budget, 1) * 1.08;
}

/** Per-layer activation bytes: the estimate's (at its batch size) beside the last step's measurement. */
export function layerRows(
  estimate: MemoryEstimateView | null,
  measured: Record<string, number> | null,
): { layer: string; estimated: number | null; measured: number | null }[] {
  const names = new Set<string>([
    ...(estimate?.layers.map((l) => l.layer) ?? []),
    ...Object.keys(measured ?? {}),
  ]);
  const estimated = new Map(estimate?.layers.map((l) => [l.layer, l.bytes]) ?? []);
  return [...names]
    .map((layer) => ({
      layer,
      estimated: estimated.get(layer) ?? null,
      measured: measured?.[layer] ?? null,
    }))
    .sort((a, b) => (b.estimated ?? b.measured ?? 0) - (a.estimated ?? a.measured ?? 0));
}
