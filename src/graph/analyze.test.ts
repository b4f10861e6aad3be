import { describe, expect, it } from 'vitest';
import type { GraphError, LayerConfig, ModelGraph } from './types';
import { analyzeGraph } from './analyze';
import { graphOf } from './test-helpers';
import { multimodalGraph } from './templates';

const kinds = (errors: GraphError[]) => errors.map((e) => e.kind);
const input10: [string, string, LayerConfig] = ['in', 'InputLayer', { batch_shape: [null, 10] }];

describe('analyzeGraph', () => {
  it('orders, shapes and counts a valid graph', () => {
    const a = analyzeGraph(multimodalGraph());
    expect(a.errors).toEqual([]);
    expect(a.inputs).toEqual(['image', 'numerical']);
    expect(a.outputs).toEqual(['dense_3']);
    expect(a.totals).toEqual({ trainable: 7905, nonTrainable: 0 });
    expect(a.shapes.concatenate).toEqual([null, 64]);
    const pos = (id: string) => a.order.indexOf(id);
    expect(pos('dropout')).toBeLessThan(pos('concatenate'));
    expect(pos('dense_1')).toBeLessThan(pos('concatenate'));
    expect(a.order).toHaveLength(11);
  });

  it('reports a cycle once, on its nodes, and nothing downstream', () => {
    const g = graphOf(
      [input10, ['a', 'Add'], ['b', 'Dense', { units: 10 }], ['c', 'Dense']],
      [
        ['in', 'a', 0],
        ['b', 'a', 1],
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([expect.objectContaining({ kind: 'cycle', nodeIds: ['a', 'b'] })]);
    expect(a.errors[0].message).toBe('Cycle a → b → a: a model must flow one way, from inputs to outputs');
    expect(a.order).toEqual(['in']);
    expect(a.outputs).toEqual([]);
  });

  it('reports a self-loop as a cycle', () => {
    const a = analyzeGraph(graphOf([input10, ['d', 'Dense']], [['d', 'd']]));
    expect(a.errors).toContainEqual(expect.objectContaining({ kind: 'cycle', nodeIds: ['d'] }));
  });

  it('reports an unconnected input slot on the node, not on what follows it', () => {
    const a = analyzeGraph(
      graphOf(
        [input10, ['d', 'Dense'], ['e', 'Dense'], ['f', 'Dense']],
        [
          ['d', 'e'],
          ['in', 'f'],
        ],
      ),
    );
    expect(a.errors).toEqual([expect.objectContaining({ kind: 'unconnected-input', nodeId: 'd', slot: 0 })]);
    expect(a.shapes.e).toBeUndefined();
  });

  it('reports a gap in a merge layer slot and too few inputs', () => {
    const gap = analyzeGraph(graphOf([input10, ['c', 'Concatenate']], [['in', 'c', 1]]));
    expect(gap.errors).toContainEqual(
      expect.objectContaining({ kind: 'unconnected-input', nodeId: 'c', slot: 0 }),
    );
    const one = analyzeGraph(graphOf([input10, ['c', 'Concatenate']], [['in', 'c', 0]]));
    expect(one.errors).toEqual([
      expect.objectContaining({
        kind: 'input-count',
        nodeId: 'c',
        expected: '2–64',
        found: 1,
        message: 'Concatenate takes at least 2 inputs, found 1',
      }),
    ]);
  });

  it('reports inputs into an InputLayer and two edges on one slot', () => {
    const g = graphOf([input10, ['in2', 'InputLayer'], ['d', 'Dense']], [['in', 'in2']]);
    expect(analyzeGraph(g).errors).toContainEqual(
      expect.objectContaining({ kind: 'input-count', nodeId: 'in2', expected: '0', found: 1 }),
    );
    const twice = graphOf(
      [input10, ['in2', 'InputLayer'], ['d', 'Dense']],
      [
        ['in', 'd'],
        ['in2', 'd'],
      ],
    );
    expect(analyzeGraph(twice).errors).toEqual([
      expect.objectContaining({ kind: 'input-count', nodeId: 'd', found: 2 }),
    ]);
  });

  it('reports a shape mismatch with expected and found, and not on the layers after it', () => {
    const g = graphOf(
      [input10, ['conv', 'Conv2D'], ['d', 'Dense']],
      [
        ['in', 'conv'],
        ['conv', 'd'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([
      {
        kind: 'shape-mismatch',
        nodeId: 'conv',
        expected: 'rank 4',
        found: '(None, 10)',
        message:
          'Conv2D expects an input of rank 4 (batch, height, width, channels), found (None, 10) (rank 2)',
      },
    ]);
    expect(a.outputs).toEqual(['d']);
  });

  it('reports invalid args per arg, including config-dependent ones', () => {
    const g = graphOf(
      [input10, ['d', 'Dense', { units: 0, activation: 'nope' }], ['bn', 'BatchNormalization', { axis: 3 }]],
      [
        ['in', 'd'],
        ['in', 'bn'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.errors.map((e) => e.kind === 'invalid-arg' && [e.nodeId, e.arg])).toEqual([
      ['d', 'units'],
      ['d', 'activation'],
      ['bn', 'axis'],
    ]);
  });

  it('reports unknown layers, duplicate names, and missing inputs/outputs', () => {
    const g: ModelGraph = graphOf([input10, ['x', 'Dense3D']], [['in', 'x']]);
    g.nodes[1].name = 'in';
    const a = analyzeGraph(g);
    expect(kinds(a.errors)).toEqual(['duplicate-name', 'unknown-layer']);
    expect(a.errors[0]).toMatchObject({ nodeId: 'x', name: 'in' });
    expect(kinds(analyzeGraph(graphOf([input10])).errors)).toEqual(['no-output']);
    expect(kinds(analyzeGraph(graphOf([['d', 'Dense']])).errors)).toEqual(['unconnected-input', 'no-input']);
    expect(kinds(analyzeGraph({ nodes: [], edges: [] }).errors)).toEqual(['no-input', 'no-output']);
  });

  it('analyzes a 200-node graph in well under 5 ms', () => {
    const nodes: [string, string, LayerConfig?][] = [input10];
    const edges: [string, string, number?][] = [];
    let prev = 'in';
    for (let i = 0; i < 66; i++) {
      nodes.push(
        [`d${i}`, 'Dense', { units: 10, activation: 'relu' }],
        [`p${i}`, 'Dropout'],
        [`a${i}`, 'Add'],
      );
      edges.push([prev, `d${i}`], [`d${i}`, `p${i}`], [`p${i}`, `a${i}`, 0], [prev, `a${i}`, 1]);
      prev = `a${i}`;
    }
    const g = graphOf(nodes, edges);
    expect(g.nodes.length).toBeGreaterThanOrEqual(199);
    expect(analyzeGraph(g).errors).toEqual([]);
    // Warm up the JIT as a session of typing would, then take the median so a GC pause does not decide.
    for (let i = 0; i < 100; i++) analyzeGraph(g);
    const times: number[] = [];
    for (let i = 0; i < 51; i++) {
      const start = performance.now();
      analyzeGraph(g);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    expect(times[25]).toBeLessThan(2.5);
  });
});

describe('analyzeGraph inputs', () => {
  it('reports an Input that feeds nothing (tfjs would drop it from the model)', () => {
    const g = graphOf(
      [
        ['in', 'InputLayer', { batch_shape: [null, 10] }],
        ['spare', 'InputLayer'],
        ['d', 'Dense'],
      ],
      [['in', 'd']],
    );
    expect(analyzeGraph(g).errors).toEqual([
      {
        kind: 'unused-input',
        nodeId: 'spare',
        message: 'Input spare feeds no layer: connect it or remove it',
      },
    ]);
  });
});
