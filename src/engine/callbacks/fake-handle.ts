import type { TrainingHandle } from './types';

/**
 * A TrainingHandle for replaying scripted sequences: the "weights" are the epoch they were taken at, and
 * every snapshot must be released (or restored and released) by the end, as tensors must.
 */
export function fakeHandle(initialLr = 1) {
  let lr = initialLr;
  const live = new Set<number>();
  let nextId = 0;
  const snapshots = new Map<number, number>();
  const state = {
    /** Bumped by the test each epoch: what a snapshot records. */
    epoch: 0,
    restoredFrom: null as number | null,
    live,
    get lr() {
      return lr;
    },
  };
  const handle: TrainingHandle<number> = {
    getLearningRate: () => lr,
    setLearningRate: (value) => {
      lr = value;
    },
    snapshotWeights: () => {
      const id = nextId++;
      snapshots.set(id, state.epoch);
      live.add(id);
      return id;
    },
    restoreWeights: (id) => {
      state.restoredFrom = snapshots.get(id)!;
    },
    releaseWeights: (id) => {
      if (!live.delete(id)) throw new Error(`snapshot ${id} released twice`);
    },
  };
  return { handle: handle as TrainingHandle, state };
}
