import { describe, expect, it } from 'vitest';
import { binaryClassifierGraph } from '../graph/templates';
import { addNode, moveNode } from '../graph/edit';
import { GraphHistory } from './history.svelte';

const start = binaryClassifierGraph();
const added = addNode(start, 'Dense', { x: 0, y: 0 }).graph;
const moved = moveNode(added, 'dense', { x: 500, y: 500 });

describe('GraphHistory', () => {
  it('undoes and redoes a sequence of edits in order', () => {
    const h = new GraphHistory(start);
    h.record(added);
    h.record(moved);
    expect(h.undoCount).toBe(2);
    expect(h.undo()).toBe(added);
    expect(h.undo()).toBe(start);
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe(added);
    expect(h.redo()).toBe(moved);
    expect(h.redo()).toBeNull();
  });

  it('treats recording the restored graph, or an equal copy, as no step', () => {
    const h = new GraphHistory(start);
    h.record(added);
    const restored = h.undo()!;
    h.record(restored);
    h.record(structuredClone(restored));
    expect(h.canUndo).toBe(false);
    expect(h.canRedo).toBe(true);
  });

  it('drops the redo list when a new edit follows an undo', () => {
    const h = new GraphHistory(start);
    h.record(added);
    h.undo();
    h.record(moved);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe(start);
  });

  it('keeps at most `limit` steps', () => {
    const h = new GraphHistory(start, 3);
    let g = start;
    for (let i = 1; i <= 5; i++) {
      g = moveNode(g, 'dense', { x: i, y: i });
      h.record(g);
    }
    expect(h.undoCount).toBe(3);
  });

  it('reset forgets every step', () => {
    const h = new GraphHistory(start);
    h.record(added);
    h.reset(moved);
    expect(h.canUndo).toBe(false);
    expect(h.canRedo).toBe(false);
  });
});
