/**
 * Keras callbacks as pure state machines over epoch logs. No tfjs here: what a callback needs from the model
 * (its learning rate, a copy of its weights) comes through `TrainingHandle`, so the tests replay scripted
 * metric sequences with a fake handle and the loop plugs in the real one (tfjs-handle.ts).
 *
 * Epochs are Kiln's: counted from 1, as in the `epoch` TrainEvent. Keras counts from 0; where that matters
 * (start_from_epoch, the `epoch > 0` guard, LearningRateScheduler's argument) each callback converts.
 * Hooks return the events they caused, which the UI draws on the loss chart.
 */

/** An epoch's logs, Keras's keys: loss, val_loss, accuracy, val_accuracy, <output>_loss, learning_rate… */
export type Logs = Readonly<Record<string, number | undefined>>;

// The events are plain data that cross the worker boundary unchanged: the protocol declares them once.
import type { CallbackEventView, CallbackName } from '../../experiment/protocol';
export type { CallbackName };
export type CallbackEvent = CallbackEventView;

/** What callbacks may ask of the model and optimizer. `W` is an opaque weight snapshot. */
export interface TrainingHandle<W = unknown> {
  getLearningRate(): number;
  setLearningRate(lr: number): void;
  /** A copy of the current weights, owned by the caller until `releaseWeights`. */
  snapshotWeights(): W;
  restoreWeights(weights: W): void;
  releaseWeights(weights: W): void;
}

/** A save the loop must perform (ModelCheckpoint decides when; storage is the loop's job). */
export interface SaveRequest {
  epoch: number;
  /** Keras's formatted filepath: saving again under the same key overwrites, as Keras overwrites a file. */
  key: string;
  monitor: string;
  value: number | null;
  weightsOnly: boolean;
}

export interface HookResult {
  events: CallbackEvent[];
  saves: SaveRequest[];
}

export interface Callback {
  readonly name: CallbackName;
  onTrainBegin?(handle: TrainingHandle): void;
  onEpochBegin?(epoch: number, handle: TrainingHandle): CallbackEvent[];
  /** `logs.loss` is the epoch's running mean loss, as Keras passes it (only at readbacks in Kiln's loop). */
  onBatchEnd?(epoch: number, batch: number, logs: Logs): CallbackEvent[];
  onEpochEnd?(epoch: number, logs: Logs, handle: TrainingHandle): HookResult;
  onTrainEnd?(handle: TrainingHandle): CallbackEvent[];
}

export const NO_RESULT: HookResult = { events: [], saves: [] };
