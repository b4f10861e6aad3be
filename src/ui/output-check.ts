import type { ExperimentSpec, LossConfig } from '../experiment/spec';
import { checkLossActivation, type LossActivationFinding } from '../experiment/loss-activation';
import { lossNameOf } from '../experiment/loss-names';
import { fillConfig, type GraphAnalysis, type GraphNode } from '../graph/index';

/** The activation a node applies last, as the loss check names it ('linear' when none). */
export function nodeActivation(node: GraphNode): string {
  if (node.className === 'Softmax') return 'softmax';
  const activation = fillConfig(node.className, node.config).activation;
  return typeof activation === 'string' ? activation : 'linear';
}

/**
 * The loss ↔ final-activation findings for each output of the graph as drawn, before any training: the same
 * decision the worker makes on the built model (src/experiment/loss-activation.ts), read from the graph's
 * own configs and inferred shapes. An output whose own loss is unknown is skipped (the worker reports it).
 */
export function outputFindings(
  spec: ExperimentSpec,
  analysis: GraphAnalysis,
): { output: string; finding: LossActivationFinding }[] {
  const model: LossConfig = spec.compile.lossConfig ?? { name: spec.compile.loss };
  const byId = new Map(spec.graph.nodes.map((n) => [n.id, n]));
  const found: { output: string; finding: LossActivationFinding }[] = [];
  for (const id of analysis.outputs) {
    const node = byId.get(id);
    if (!node) continue;
    const own = spec.graph.outputs?.find((o) => o.nodeId === id)?.loss;
    const perName = spec.compile.outputLosses?.[node.name];
    if (perName === null) continue;
    const ownName = own === undefined ? null : lossNameOf(own);
    if (own !== undefined && !ownName) continue;
    const loss = perName ?? (ownName ? { name: ownName } : model);
    const shape = analysis.shapes[id];
    const units = shape?.[shape.length - 1] ?? undefined;
    const finding = checkLossActivation(loss, nodeActivation(node), units ?? undefined);
    if (finding) found.push({ output: node.name, finding });
  }
  return found;
}
