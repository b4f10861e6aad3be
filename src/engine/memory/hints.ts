import type { Remedy, SettingsPatch } from '../../experiment/protocol';
import type { GraphAnalysis, ModelGraph } from '../../graph/types';
import { estimateAt, largestBatchThatFits, type MemoryModel } from './estimate';
import { formatMB } from './oom-error';
import type { LeakedTensor } from './tracker';

/**
 * Remediation for an out-of-memory failure, ranked by how directly each one makes this experiment fit, with
 * numbers computed for this graph, batch size, optimizer and budget. Pure: every figure comes from the memory
 * model fitted on the probe steps and from the graph analysis.
 */
export interface OomContext {
  model: MemoryModel;
  graph: ModelGraph;
  analysis: GraphAnalysis;
  batchSize: number;
  budgetBytes: number;
  optimizer: string;
  allocation: 'growth' | 'reserve';
  leaks: LeakedTensor[];
}

export function rankRemedies(context: OomContext): Remedy[] {
  const { model, batchSize, budgetBytes } = context;
  const estimate = estimateAt(model, batchSize);
  const remedies: Remedy[] = [];

  const fits = largestBatchThatFits(model, budgetBytes, batchSize - 1);
  if (fits >= 1 && fits < batchSize) {
    const peak = estimateAt(model, fits).peakBytes;
    remedies.push(
      remedy(
        `Lower the batch size from ${batchSize} to ${fits}, the largest that fits: estimated peak ` +
          `${formatMB(peak)} of the ${formatMB(budgetBytes)} budget.`,
        `Apply: batch size ${fits}`,
        { batchSize: fits },
      ),
    );
  } else if (fits < 1) {
    const one = estimateAt(model, 1);
    const { weights, gradients, optimizer, workspace } = one.components;
    remedies.push({
      text:
        `Even a batch of 1 needs ${formatMB(one.peakBytes)}: weights ${formatMB(weights)}, gradients ` +
        `${formatMB(gradients)}, optimizer slots ${formatMB(optimizer)} and ${formatMB(workspace)} of update ` +
        'temporaries do not depend on the batch size.',
    });
  }

  const top = estimate.layers.filter((l) => l.bytes > 0).slice(0, 3);
  if (top.length > 0) {
    const parts = top.map((l) => `${l.layer} ${formatMB(l.bytes)} (${percent(l.bytes, estimate.peakBytes)})`);
    remedies.push({
      text: `The layers that dominate the activations at batch ${batchSize}: ${parts.join(', ')}.`,
    });
  }

  const flatten = flattenRemedy(context);
  if (flatten) remedies.push(flatten);
  const downscale = downscaleRemedy(context, estimate.components.activations);
  if (downscale) remedies.push(downscale);

  if (context.optimizer === 'adam' && model.costs.optimizerBytes > 0) {
    remedies.push(
      remedy(
        `Adam keeps two slots per weight: ${formatMB(model.costs.optimizerBytes)} of optimizer state. SGD keeps none.`,
        'Apply: optimizer SGD',
        { optimizer: 'sgd' },
      ),
    );
  }

  if (context.leaks.length > 0) {
    const bytes = context.leaks.reduce((sum, leak) => sum + leak.bytes, 0);
    const named = context.leaks
      .slice(0, 3)
      .map((l) => `${l.op ?? 'unknown op'}${l.layer ? ` in ${l.layer}` : ''} [${l.shape.join(',')}]`);
    remedies.push({
      text: `${context.leaks.length} tensors (${formatMB(bytes)}) outlived their step: dispose ${named.join(', ')}.`,
    });
  }

  const needed = Math.ceil((estimate.peakBytes * 1.1) / (1024 * 1024));
  remedies.push(
    remedy(
      `Raise the memory budget to ${needed} MB (the estimated peak at batch ${batchSize} plus 10%).`,
      `Apply: budget ${needed} MB`,
      { budgetMB: needed },
    ),
  );

  if (context.allocation === 'reserve') {
    remedies.push(
      remedy(
        'Enable memory growth: the experiment then takes device memory as it needs it instead of claiming its ' +
          'whole budget up front, which leaves room for other experiments on the same device.',
        'Apply: memory growth',
        { allocation: 'growth' },
      ),
    );
  }
  return remedies;
}

function remedy(text: string, label: string, patch: SettingsPatch): Remedy {
  return { text, action: { label, patch } };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '0%';
}

/** Flatten before Dense multiplies the Dense kernel by height × width; GlobalAveragePooling2D does not. */
function flattenRemedy({ graph, analysis }: OomContext): Remedy | null {
  for (const node of graph.nodes) {
    if (node.className !== 'Flatten') continue;
    const incoming = graph.edges.find((e) => e.target === node.id);
    const inShape = incoming ? analysis.shapes[incoming.source] : undefined;
    if (!inShape || inShape.length !== 4) continue;
    const [, h, w, c] = inShape;
    if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') continue;
    const next = graph.edges
      .filter((e) => e.source === node.id)
      .map((e) => graph.nodes.find((n) => n.id === e.target))
      .find((n) => n?.className === 'Dense');
    const units = typeof next?.config.units === 'number' ? next.config.units : null;
    if (!next || units === null) continue;
    const before = h * w * c * units;
    const after = c * units;
    return {
      text:
        `Replace ${node.name} (Flatten, ${(h * w * c).toLocaleString('en-US')} features) with ` +
        `GlobalAveragePooling2D: ${next.name}'s kernel shrinks from ${before.toLocaleString('en-US')} to ` +
        `${after.toLocaleString('en-US')} weights (${formatMB(before * 4)} → ${formatMB(after * 4)}, ` +
        'and as much again for its gradient and each optimizer slot).',
    };
  }
  return null;
}

/** Activations of image models scale with height × width: halving both quarters them. */
function downscaleRemedy({ analysis }: OomContext, activationBytes: number): Remedy | null {
  for (const id of analysis.inputs) {
    const shape = analysis.shapes[id];
    if (!shape || shape.length !== 4) continue;
    const [, h, w] = shape;
    if (typeof h !== 'number' || typeof w !== 'number' || h < 32 || w < 32) continue;
    return {
      text:
        `Downscale the input from ${h}×${w} to ${Math.floor(h / 2)}×${Math.floor(w / 2)}: activations ` +
        `(${formatMB(activationBytes)} at this batch size) shrink about 4×, to ≈ ${formatMB(activationBytes / 4)}.`,
    };
  }
  return null;
}
