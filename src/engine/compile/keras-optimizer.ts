import * as tf from '@tensorflow/tfjs';
import { clipGradients, clippingProblem, hasClipping, type ClipOptions } from './clipping';
import { RULES, type ResolvedOptimizerConfig, type Rule } from './optimizer-rules';
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
 *
 * Speed: each weight is updated on its own, as Keras and tfjs do. Laying all weights end to end and updating
 * them in one piece dispatches fewer kernels, but measured slower on WebGL and WebGPU (the concatenations and
 * slices, and WebGL's copies of reshaped packed textures, cost more than the dispatches saved), so it was
 * dropped. What the update does save is uploads: every number a rule uses lives in one scalar tensor, the
 * constants for the optimizer's life and a step's rate for that step.
 */
export class KerasOptimizer extends tf.Optimizer {
  static readonly className = 'KerasOptimizer';
  private readonly rule: Rule;
  private readonly slotsByWeight = new Map<string, Record<string, tf.Variable>>();
  /** The rule's constants, uploaded once. */
  private readonly constants = new Map<number, tf.Scalar>();
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
    this.rule = RULES[config.name];
    for (const value of this.rule.constants(config)) {
      if (!this.constants.has(value)) this.constants.set(value, tf.keep(tf.scalar(value)));
    }
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
    // Keras skips variables without a gradient (their slots stay as they are); so does clipping's norm.
    const present = named.filter((item) => item.tensor != null);
    const weights = present.map((item) => {
      const w = tf.engine().registeredVariables[item.name];
      if (!w) throw new Error(`No variable named ${item.name} to update.`);
      return w;
    });
    // Slots are made outside the step's tidy: they outlive it.
    const slots = weights.map((w) => this.slotsFor(w));
    const lr = this.learningRate;
    const t = this.iterations + 1;
    tf.tidy(() => {
      const grads = hasClipping(this.clip)
        ? clipGradients(
            present.map((item) => item.tensor),
            this.clip,
          )
        : present.map((item) => item.tensor);
      // This step's numbers (the rate, a bias correction) are uploaded once for all weights; tidy frees them.
      const stepScalars = new Map<number, tf.Scalar>();
      const s = (x: number): tf.Scalar => {
        let scalar = this.constants.get(x) ?? stepScalars.get(x);
        if (!scalar) stepScalars.set(x, (scalar = tf.scalar(x)));
        return scalar;
      };
      weights.forEach((w, i) => {
        const out = this.rule.step({ w, g: grads[i], slots: slots[i], lr, t, c: this.config, s });
        w.assign(out.w);
        for (const [name, value] of Object.entries(out.slots)) slots[i][name].assign(value);
      });
    });
    this.incrementIterations();
  }

  private slotsFor(w: tf.Variable): Record<string, tf.Variable> {
    let slots = this.slotsByWeight.get(w.name);
    if (!slots) {
      slots = {};
      for (const { name, init } of this.rule.slots(this.config)) {
        // tidy releases the fill; the variable keeps its own copy.
        slots[name] = tf.tidy(() => tf.variable(tf.fill(w.shape, init, w.dtype), false));
      }
      this.slotsByWeight.set(w.name, slots);
    }
    return slots;
  }

  override dispose(): void {
    for (const slots of this.slotsByWeight.values()) tf.dispose(Object.values(slots));
    this.slotsByWeight.clear();
    tf.dispose([...this.constants.values()]);
    this.constants.clear();
  }

  /**
   * The step count, then every slot by `<weight>/<slot>`: what a checkpoint of the optimizer state holds.
   * Every tensor returned is a copy the caller disposes, so a checkpoint being written cannot see a later step.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = [await this.saveIterations()];
    for (const [variable, slots] of this.slotsByWeight) {
      for (const [slot, value] of Object.entries(slots)) {
        weights.push({ name: `${variable}/${slot}`, tensor: tf.clone(value) });
      }
    }
    return weights;
  }

  override async setWeights(values: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(values);
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      const w = tf.engine().registeredVariables[name.slice(0, cut)];
      if (!w) continue;
      const slot = this.slotsFor(w)[name.slice(cut + 1)];
      if (slot) slot.assign(tensor);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.config, clip: { ...this.clip } } as unknown as tf.serialization.ConfigDict;
  }
}
