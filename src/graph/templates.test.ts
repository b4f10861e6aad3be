import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './templates';
import { analyzeGraph } from './analyze';
import { summaryRows } from './summary';

describe('templates', () => {
  it.each(TEMPLATES.map((t) => [t.label, t] as const))('%s analyzes without errors', (_label, template) => {
    const graph = template.build();
    const analysis = analyzeGraph(graph);
    expect(analysis.errors).toEqual([]);
    const table = summaryRows(graph, analysis);
    expect(table.rows.reduce((n, r) => n + r.params, 0)).toBe(
      analysis.totals.trainable + analysis.totals.nonTrainable,
    );
  });

  it('have the shapes and sizes their names promise', () => {
    const total = (id: string) => {
      const a = analyzeGraph(TEMPLATES.find((t) => t.id === id)!.build());
      return a.totals.trainable + a.totals.nonTrainable;
    };
    expect(total('small-cnn')).toBe(34826);
    const auto = autoencoder();
    expect(auto.shapes[auto.outputs[0]]).toEqual(auto.shapes[auto.inputs[0]]);
    const residual = analyzeGraph(TEMPLATES.find((t) => t.id === 'residual-cnn')!.build());
    expect(residual.order.filter((id) => id.startsWith('add'))).toHaveLength(2);
    expect(total('lstm-classifier')).toBe(1000 * 32 + 4 * (32 * 32 + 32 * 32 + 32) + 33);
  });
});

function autoencoder() {
  return analyzeGraph(TEMPLATES.find((t) => t.id === 'autoencoder')!.build());
}
