import * as tf from '@tensorflow/tfjs';
import { clipGradients, clippingProblem, hasClipping, type ClipOptions } from './clipping';
import { RULES, type ResolvedOptimizerConfig } from './optimizer-rules';
import type { Schedule } from './schedules';

/** tfjs-core's NamedTensor, which the tfjs umbrella package does not re-export. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * A `tf.Optimizer` with Keras 3's update rules (see optimizer-rules.ts for why not `tf.train.*`), Keras's
 * gradient clipping, a learning-rate schedule evaluated at the step, and a learning rate callbacks can change.
 *
 * Integration: drop-in for the loop's `optimizer.minimize(f, true, trainable)` — clipping and the schedule
 * happen inside `applyGradients`, as in Keras. Callbacks read `learningRate` and call `setLearningRate`.
 * The caller owns the optimizer and disposes it (its slots are variables).
 */
export class KerasOptimizer extends tf.Optimizer {
  static readonly className = 'KerasOptimizer';
  private readonly slotsByVariable = new Map<string, Record<string, tf.Variable>>();
  private fixedRate: number;

  constructor(
    readonly config: ResolvedOptimizerConfig,
    private readonly schedule: Schedule | null = null,
    readonly clip: ClipOptions = {},
  ) {
    super();
    const problem = clippingProblem(clip);
    if (problem) throw new Error(problem);
    this.fixedRate = config.learning_rate;
  }

  /** The rate the next update will use: the schedule at the current step, or the fixed (settable) rate. */
  get learningRate(): number {
    return this.schedule ? this.schedule(this.iterations) : this.fixedRate;
  }

  /**
   * Keras refuses to set the rate of an optimizer built on a LearningRateSchedule ("its learning rate is not
   * settable"), so ReduceLROnPlateau and LearningRateScheduler cannot be combined with a varying schedule.
   */
  setLearningRate(rate: number): void {
    if (this.schedule) {
      throw new TypeError(
        'This optimizer was created with a learning-rate schedule, so its learning rate is not settable.',
      );
    }
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`Invalid learning rate ${rate}.`);
    this.fixedRate = rate;
  }

  get hasSchedule(): boolean {
    return this.schedule !== null;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    // Keras skips variables without a gradient; so does clipping's norm.
    const present = named.filter((item) => item.tensor != null);
    const lr = this.learningRate;
    const t = this.iterations + 1;
    const rule = RULES[this.config.name];
    tf.tidy(() => {
      const grads = hasClipping(this.clip)
        ? clipGradients(
            present.map((item) => item.tensor),
            this.clip,
          )
        : present.map((item) => item.tensor);
      present.forEach((item, i) => {
        const w = tf.engine().registeredVariables[item.name];
        if (!w) throw new Error(`No variable named ${item.name} to update.`);
        rule.step({ w, g: grads[i], slots: this.slotsFor(w), lr, t, c: this.config });
      });
    });
    this.incrementIterations();
  }

  private slotsFor(w: tf.Variable): Record<string, tf.Variable> {
    let slots = this.slotsByVariable.get(w.name);
    if (!slots) {
      slots = {};
      for (const { name, init } of RULES[this.config.name].slots(this.config)) {
        // tidy releases the fill; the variable keeps its own copy (also when called outside applyGradients).
        slots[name] = tf.tidy(() => tf.variable(tf.fill(w.shape, init, w.dtype), false));
      }
      this.slotsByVariable.set(w.name, slots);
    }
    return slots;
  }

  override dispose(): void {
    for (const slots of this.slotsByVariable.values()) tf.dispose(Object.values(slots));
    this.slotsByVariable.clear();
  }

  /** The step count, then every slot by `<weight>/<slot>`: what a checkpoint of the optimizer state holds. */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = [await this.saveIterations()];
    for (const [variable, slots] of this.slotsByVariable) {
      for (const [slot, value] of Object.entries(slots)) {
        weights.push({ name: `${variable}/${slot}`, tensor: value });
      }
    }
    return weights;
  }

  override async setWeights(values: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(values);
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      const variable = name.slice(0, cut);
      const w = tf.engine().registeredVariables[variable];
      if (!w) continue;
      const slot = this.slotsFor(w)[name.slice(cut + 1)];
      if (slot) slot.assign(tensor);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.config, clip: { ...this.clip } } as unknown as tf.serialization.ConfigDict;
  }
}
