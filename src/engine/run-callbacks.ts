import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../experiment/spec';
import type { CallbackEventView, EpochLogs, TrainEvent, TrainOutcome } from '../experiment/protocol';
import { CallbackList } from './callbacks/callback-list';
import type { CheckpointStore, RngDraws } from './callbacks/checkpoint-store';
import { saveOrExplain } from './callbacks/tfjs-handle';
import type { CallbackEvent, TrainingHandle } from './callbacks/types';
import { checkLossActivation, type LossActivationFinding } from '../experiment/loss-activation';
import type { KerasOptimizer } from './compile/keras-optimizer';
import { resolveCompile, resolveFit } from './compile/resolve';
import { makeOptimizer } from './optimizers';

// The protocol's copy of the callback events must stay the same plain data as the callbacks' own.
const _sameShape: (event: CallbackEvent) => CallbackEventView = (event) => event;
void _sameShape;

/** The optimizer the spec asks for: Keras's arguments, schedule and clipping (see compile/resolve.ts). */
export function optimizerFor(spec: ExperimentSpec): KerasOptimizer {
  const compile = resolveCompile(spec);
  return makeOptimizer(compile.optimizer, undefined, { schedule: compile.schedule, clip: compile.clip });
}

/** The activation a layer applies last, as the loss check names it ('linear' when none). */
function finalActivation(layer: tf.layers.Layer): string {
  if (layer.getClassName() === 'Softmax') return 'softmax';
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : 'linear';
}

/** The loss ↔ final-activation findings for every output of the model, with the loss that output trains on. */
export function lossActivationFindings(model: tf.LayersModel, spec: ExperimentSpec): LossActivationFinding[] {
  const compile = resolveCompile(spec);
  const findings: LossActivationFinding[] = [];
  model.outputLayers.forEach((layer, i) => {
    // An output the loss dict leaves untrained (null) has nothing to check.
    const loss = compile.outputLosses
      ? compile.outputLosses[layer.name]
      : (spec.compile.lossConfig ?? spec.compile.loss);
    if (!loss) return;
    const shape = model.outputs[i]?.shape ?? [];
    const units = shape[shape.length - 1] ?? undefined;
    const finding = checkLossActivation(loss, finalActivation(layer), units ?? undefined);
    if (finding) findings.push(finding);
  });
  return findings;
}

/** What the loop asks of the callbacks (train-loop.ts); absent when the spec has none. */
export interface LoopCallbacks {
  epochBegin(epoch: number): void;
  /** At a readback, with the epoch's running mean loss; true when a callback asks to stop. */
  batchEnd(epoch: number, step: number, loss: number): boolean;
  /**
   * After the epoch's readback: performs checkpoint saves (each keeps `history`, the epochs before this one,
   * and this epoch's logs); returns the logs to record and whether to stop.
   */
  epochEnd(
    epoch: number,
    logs: EpochLogs,
    history: readonly EpochLogs[],
  ): Promise<{ logs: EpochLogs; events: TrainEvent[]; stop: boolean }>;
}

/**
 * The spec's Keras callbacks for one session: a CallbackList over a handle to the session's model and
 * (current) optimizer, checkpoints in `store`, and every event forwarded as a `callback` TrainEvent. It lives
 * as long as the session, so a run resumed after a failure keeps the callbacks' state (patience, best value).
 * Weight snapshots (restore_best_weights) are tracked here, so `dispose` frees any a run left behind.
 */
export class RunCallbacks {
  readonly list: CallbackList;
  private readonly live = new Set<tf.Tensor[]>();
  private began = false;
  private emit: (event: TrainEvent) => void = () => {};

  constructor(
    configs: ExperimentSpec['fit']['callbacks'] & object,
    private readonly model: tf.LayersModel,
    private readonly optimizer: () => KerasOptimizer,
    private readonly store: CheckpointStore,
    private readonly runId: string,
    /** The run's metric directions by log key (StreamingMetric.direction), for monitors in `auto` mode. */
    directions: Record<string, 'up' | 'down'> = {},
  ) {
    const handle: TrainingHandle<tf.Tensor[]> = {
      getLearningRate: () => this.optimizer().learningRate,
      setLearningRate: (lr) => this.optimizer().setLearningRate(lr),
      snapshotWeights: () => {
        const weights = tf.tidy(() => model.getWeights().map((w) => tf.clone(w)));
        this.live.add(weights);
        return weights;
      },
      restoreWeights: (weights) => model.setWeights(weights),
      releaseWeights: (weights) => {
        this.live.delete(weights);
        tf.dispose(weights);
      },
    };
    this.list = CallbackList.fromConfigs(configs, handle as TrainingHandle, {
      initialLr: this.optimizer().learningRate,
      directions,
    });
  }

  static fromSpec(
    spec: ExperimentSpec,
    model: tf.LayersModel,
    optimizer: () => KerasOptimizer,
    store: CheckpointStore,
    runId: string,
    directions: Record<string, 'up' | 'down'> = {},
  ): RunCallbacks | null {
    const configs = resolveFit(spec).callbacks;
    return configs.length === 0
      ? null
      : new RunCallbacks(configs, model, optimizer, store, runId, directions);
  }

  private forward(events: CallbackEvent[]): TrainEvent[] {
    return events.map((event) => ({ type: 'callback', epoch: event.epoch, event }));
  }

  /**
   * The loop's side of the callbacks for one run; `trainBegin` happens once per session, at its first run.
   * `rngDraws` says where the run's random streams stand, for the checkpoints it saves.
   */
  forRun(onEvent: (event: TrainEvent) => void, rngDraws?: () => RngDraws): LoopCallbacks {
    this.emit = onEvent;
    if (!this.began) {
      this.began = true;
      this.list.trainBegin();
    }
    return {
      epochBegin: (epoch) => this.forward(this.list.epochBegin(epoch)).forEach(onEvent),
      batchEnd: (epoch, step, loss) => {
        this.forward(this.list.batchEnd(epoch, step, { loss })).forEach(onEvent);
        return this.list.stopTraining;
      },
      epochEnd: async (epoch, logs, history) => {
        const result = this.list.epochEnd(epoch, logs);
        const lr = result.logs.learning_rate;
        const recorded = lr === undefined ? logs : { ...logs, learning_rate: lr };
        const run = { history: [...history, recorded], ...(rngDraws ? { rngDraws: rngDraws() } : {}) };
        // A save the store refuses (storage quota) is a notice, not a failed run.
        const unsaved = new Map<string, TrainEvent>();
        for (const request of result.saves) {
          const optimizer = this.optimizer();
          const notice = await saveOrExplain(this.store, this.runId, request, this.model, optimizer, run);
          if (notice) unsaved.set(request.key, notice);
        }
        const saved = result.events.filter((e) => e.type !== 'checkpoint' || !unsaved.has(e.key));
        return {
          logs: recorded,
          events: [...this.forward(saved), ...unsaved.values()],
          stop: this.list.stopTraining,
        };
      },
    };
  }

  /**
   * The run went back to a checkpoint: its next run begins with Keras's on_train_begin again, as a new
   * `fit(initial_epoch=…)` call does (EarlyStopping's and ReduceLROnPlateau's counters start over, a best-weights
   * snapshot is released). on_train_end does not run: it could put best weights over the restored ones.
   */
  restart(): void {
    this.began = false;
    this.list.history.length = 0;
  }

  /** Keras's on_train_end (EarlyStopping restores the best weights here), once, when the run is over. */
  trainEnd(): void {
    if (!this.began) return;
    this.began = false;
    this.forward(this.list.trainEnd()).forEach(this.emit);
  }

  /** The first stop a callback asked for, as the outcome's `earlyStopped`. */
  earlyStopped(): TrainOutcome['earlyStopped'] | null {
    const stop = this.list.history.find((e) => e.type === 'stop');
    return stop?.type === 'stop' ? { callback: stop.callback, epoch: stop.epoch, reason: stop.reason } : null;
  }

  dispose(): void {
    for (const weights of this.live) tf.dispose(weights);
    this.live.clear();
  }
}
