import type { PausePoint, RunStats } from '../experiment/protocol';
import { createRng, deriveSeed, type Rng } from '../data/random';
import type { LoopOptions, LoopState } from './train-loop';

/** How a run may be held: pause at the next step boundary when asked, or after a number of steps. */
export interface RunControlOptions {
  shouldPause?: () => boolean;
  /** Trains at most this many steps, then pauses (1: a single step). */
  steps?: number;
}

/**
 * Where a paused loop stands, in the numbers the status line shows: epoch from 1, steps done in it. A pause
 * at an epoch boundary stands at step 0 of the next epoch (its order is already drawn).
 */
export function pausePoint(
  state: Pick<LoopState, 'epoch' | 'seen'>,
  samples: number,
  batchSize: number,
  batchLoss?: number,
): PausePoint {
  return {
    epoch: state.epoch,
    step: Math.ceil(state.seen / batchSize),
    stepsPerEpoch: Math.ceil(samples / batchSize),
    ...(batchLoss === undefined ? {} : { batchLoss }),
  };
}

/** The loop's counters as the outcome reports them. */
export function runStats(
  state: Pick<LoopState, 'steps' | 'readbacks' | 'samples'>,
  seconds: number,
): RunStats {
  return {
    steps: state.steps,
    readbacks: state.readbacks,
    seconds,
    samplesPerSecond: seconds > 0 ? state.samples / seconds : 0,
  };
}

/**
 * The epoch order's and the dropout masks' random streams. They live as long as the session, so a paused or
 * interrupted run continues them instead of replaying them from the seed.
 */
export interface SessionRngs {
  shuffle: Rng;
  step: Rng;
  /** How many numbers each stream has given: a checkpoint keeps this, and `sessionRngs(seed, drawn)` resumes. */
  drawn(): { shuffle: number; step: number };
}

/** The session's streams from `seed`, or, with `at`, the same streams after that many draws of each. */
export function sessionRngs(seed: number, at = { shuffle: 0, step: 0 }): SessionRngs {
  const shuffle = countedRng(deriveSeed(seed, 'shuffle'), at.shuffle);
  const step = countedRng(deriveSeed(seed, 'step'), at.step);
  return {
    shuffle: shuffle.next,
    step: step.next,
    drawn: () => ({ shuffle: shuffle.count(), step: step.count() }),
  };
}

/** A stream that counts its draws, started `skip` draws in (a few per step and one per sample an epoch). */
function countedRng(seed: number, skip: number): { next: Rng; count: () => number } {
  const rng = createRng(seed);
  for (let i = 0; i < skip; i++) rng();
  let count = skip;
  return {
    next: () => {
      count++;
      return rng();
    },
    count: () => count,
  };
}

/** The loop's pause options for one run that starts after `stepsSoFar` steps. */
export function loopControl(
  control: RunControlOptions,
  stepsSoFar: number,
): Pick<LoopOptions, 'shouldPause' | 'stepLimit'> {
  return {
    shouldPause: control.shouldPause,
    stepLimit: control.steps === undefined ? null : stepsSoFar + control.steps,
  };
}
