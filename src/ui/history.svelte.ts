import type { ModelGraph } from '../graph/types';

/** How many edits Undo can walk back; older snapshots are dropped. */
export const HISTORY_LIMIT = 200;

/**
 * Undo/redo as a list of graph snapshots. Graphs are immutable values (every src/graph edit returns a new one),
 * so a snapshot is just a reference: no copying. The editor calls `record` whenever the store's graph changes;
 * `undo`/`redo` hand back the graph to restore, and recording that same graph again is a no-op.
 */
export class GraphHistory {
  #past = $state.raw<ModelGraph[]>([]);
  #future = $state.raw<ModelGraph[]>([]);
  #present: ModelGraph;
  #presentKey: string;
  #limit: number;

  constructor(initial: ModelGraph, limit = HISTORY_LIMIT) {
    this.#present = initial;
    this.#presentKey = JSON.stringify(initial);
    this.#limit = limit;
  }

  get canUndo(): boolean {
    return this.#past.length > 0;
  }
  get canRedo(): boolean {
    return this.#future.length > 0;
  }
  get undoCount(): number {
    return this.#past.length;
  }
  get redoCount(): number {
    return this.#future.length;
  }

  /**
   * Notes the graph now shown. The same object, or an equal graph (a drag that ended where it began), adds no
   * step; anything else becomes the new present and clears the redo list.
   */
  record(graph: ModelGraph): void {
    if (graph === this.#present) return;
    const key = JSON.stringify(graph);
    if (key === this.#presentKey) {
      this.#present = graph;
      return;
    }
    const past = [...this.#past, this.#present];
    this.#past = past.length > this.#limit ? past.slice(past.length - this.#limit) : past;
    this.#future = [];
    this.#present = graph;
    this.#presentKey = key;
  }

  /** The graph before the present one, now the present; null when there is nothing to undo. */
  undo(): ModelGraph | null {
    const previous = this.#past.at(-1);
    if (!previous) return null;
    this.#past = this.#past.slice(0, -1);
    this.#future = [this.#present, ...this.#future];
    this.#set(previous);
    return previous;
  }

  redo(): ModelGraph | null {
    const next = this.#future[0];
    if (!next) return null;
    this.#future = this.#future.slice(1);
    this.#past = [...this.#past, this.#present];
    this.#set(next);
    return next;
  }

  /** Forgets every step (a new experiment was loaded). */
  reset(graph: ModelGraph): void {
    this.#past = [];
    this.#future = [];
    this.#set(graph);
  }

  #set(graph: ModelGraph): void {
    this.#present = graph;
    this.#presentKey = JSON.stringify(graph);
  }
}
