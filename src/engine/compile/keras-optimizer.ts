import * as tf from '@tensorflow/tfjs';
import { clipGradients, clippingProblem, hasClipping, type ClipOptions } from './clipping';
import { cut, FlatSlots, join, MAX_GROUP_ELEMENTS, type SlotGroup } from './flat-slots';
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
 * Speed: the slots of all weights live end to end in flat variables (flat-slots.ts), and an update runs the
 * rule once on the weights and gradients laid end to end, then cuts the result back into the weights. The
 * rules are elementwise, so the values are exactly those of a per-weight update; the number of kernels a step
 * dispatches no longer grows with the number of weights.
 */
export class KerasOptimizer extends tf.Optimizer {
  static readonly className = 'KerasOptimizer';
  private readonly slots: FlatSlots;
  private readonly rule: Rule;
  private fixedRate: number;

  /** `maxGroupElements` bounds one flat slot vector (tests lower it to exercise several groups). */
  constructor(
    readonly config: ResolvedOptimizerConfig,
    private readonly schedule: Schedule | null = null,
    readonly clip: ClipOptions = {},
    maxGroupElements = MAX_GROUP_ELEMENTS,
  ) {
    super();
    const problem = clippingProblem(clip);
    if (problem) throw new Error(problem);
    this.fixedRate = config.learning_rate;
    this.rule = RULES[config.name];
    this.slots = new FlatSlots(this.rule.slots(config), maxGroupElements);
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
    tf.tidy(() => {
      const grads = hasClipping(this.clip)
        ? clipGradients(
            present.map((item) => item.tensor),
            this.clip,
          )
        : present.map((item) => item.tensor);
      const weights = present.map((item) => {
        const w = tf.engine().registeredVariables[item.name];
        if (!w) throw new Error(`No variable named ${item.name} to update.`);
        return w;
      });
      this.slots.layOut(weights);
      const gradients = new Map(weights.map((w, i) => [w.name, grads[i]]));
      for (const group of this.slots.groups) this.update(group, gradients, lr, t);
    });
    this.incrementIterations();
  }

  /** One group's update: in one piece when every weight in it has a gradient, else weight by weight. */
  private update(group: SlotGroup, gradients: Map<string, tf.Tensor>, lr: number, t: number): void {
    const variables = tf.engine().registeredVariables;
    const present = group.segments.filter((s) => gradients.has(s.name));
    if (present.length === 0) return;
    if (present.length === group.segments.length) {
      const out = this.rule.step({
        w: join(group.segments.map((s) => variables[s.name])),
        g: join(group.segments.map((s) => gradients.get(s.name)!)),
        slots: group.slots,
        lr,
        t,
        c: this.config,
      });
      for (const [name, value] of Object.entries(out.slots)) group.slots[name].assign(value);
      for (const s of group.segments) {
        variables[s.name].assign(tf.reshape(group.segments.length === 1 ? out.w : cut(out.w, s), s.shape));
      }
      return;
    }
    // Keras skips a weight that got no gradient, leaving its slots as they are.
    const pieces: Record<string, tf.Tensor[]> = {};
    for (const s of group.segments) {
      const current = Object.fromEntries(
        Object.entries(group.slots).map(([name, flat]) => [name, tf.reshape(cut(flat, s), s.shape)]),
      );
      let next = current;
      const g = gradients.get(s.name);
      if (g) {
        const out = this.rule.step({ w: variables[s.name], g, slots: current, lr, t, c: this.config });
        variables[s.name].assign(out.w);
        next = { ...current, ...out.slots };
      }
      for (const [name, value] of Object.entries(next)) (pieces[name] ??= []).push(value);
    }
    for (const [name, parts] of Object.entries(pieces)) group.slots[name].assign(join(parts));
  }

  override dispose(): void {
    this.slots.dispose();
  }

  /**
   * The step count, then every slot by `<weight>/<slot>`: what a checkpoint of the optimizer state holds.
   * Every tensor returned is a copy the caller disposes.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights = [await this.saveIterations()];
    for (const group of this.slots.groups) {
      for (const segment of group.segments) {
        for (const slot of Object.keys(group.slots)) {
          weights.push({ name: `${segment.name}/${slot}`, tensor: this.slots.read(segment.name, slot) });
        }
      }
    }
    return weights;
  }

  override async setWeights(values: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(values);
    const known = new Set(this.rule.slots(this.config).map((s) => s.name));
    const byWeight = new Map<string, Map<string, tf.Tensor>>();
    const shapes = new Map<string, number[]>();
    for (const { name, tensor } of rest) {
      const cutAt = name.lastIndexOf('/');
      const variable = name.slice(0, cutAt);
      const slot = name.slice(cutAt + 1);
      const w = tf.engine().registeredVariables[variable];
      if (!w || !known.has(slot)) continue;
      if (!byWeight.has(variable)) byWeight.set(variable, new Map());
      byWeight.get(variable)!.set(slot, tensor);
      shapes.set(variable, w.shape);
    }
    this.slots.write(byWeight, shapes);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.config, clip: { ...this.clip } } as unknown as tf.serialization.ConfigDict;
  }
}
