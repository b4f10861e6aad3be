import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { toKerasJson } from '../graph/formats/keras-json';
import { fromKerasJson } from '../graph/formats/keras-json-import';
import { analyzeGraph } from '../graph/analyze';
import { summaryRows } from '../graph/summary';
import { TEMPLATES } from '../graph/templates';

/** model.json both ways against tfjs itself: what tfjs writes Kiln reads, what Kiln writes tfjs loads. */

let tensorsBefore = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

const byId = (id: string) => TEMPLATES.find((t) => t.id === id)!.build();

describe('model.json and tfjs', () => {
  it.each(['multimodal', 'residual-cnn', 'lstm-classifier', 'autoencoder'])(
    'imports what tfjs model.toJSON() writes for %s',
    (id) => {
      const model = buildModel(byId(id));
      const topology = model.toJSON(undefined, false);
      const params = model.countParams();
      const names = model.layers.map((l) => l.name).sort();
      model.dispose();
      const r = fromKerasJson({ modelTopology: topology, format: 'layers-model', weightsManifest: [] });
      if (!r.ok) throw new Error(r.problems.join('\n'));
      const a = analyzeGraph(r.graph);
      expect(a.errors).toEqual([]);
      expect(a.totals.trainable + a.totals.nonTrainable).toBe(params);
      expect(
        summaryRows(r.graph, a)
          .rows.map((row) => row.name)
          .sort(),
      ).toEqual(names);
    },
  );

  it.each(TEMPLATES.map((t) => [t.id] as const))(
    'tfjs loads the model.json Kiln exports for %s',
    async (id) => {
      const graph = byId(id);
      const model = await tf.models.modelFromJSON({
        modelTopology: JSON.parse(JSON.stringify(toKerasJson(graph))),
      });
      try {
        expect(model.countParams()).toBe(
          summaryRows(graph).totals.trainable + summaryRows(graph).totals.nonTrainable,
        );
        const analysis = analyzeGraph(graph);
        for (const node of graph.nodes)
          expect(model.getLayer(node.name).outputShape).toEqual(analysis.shapes[node.id]);
      } finally {
        model.dispose();
      }
    },
  );
});
