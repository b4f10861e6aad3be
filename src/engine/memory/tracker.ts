import * as tf from '@tensorflow/tfjs';
import { ResourceExhaustedError } from './oom-error';
import {
  emptyUsage,
  MEMORY_CATEGORIES,
  type AllocationEvent,
  type LeakedTensor,
  type MemoryCategory,
  type MemorySnapshot,
  type StepMemoryReport,
} from './memory-types';

export * from './memory-types';

/**
 * Accounts for every tensor an experiment creates and disposes.
 *
 * Mechanism: tfjs has no public allocation hook, so the tracker replaces three methods on the engine instance
 * (`trackTensor`, `disposeTensor`, `runKernel`) with wrappers that call the originals. Internal callers use
 * `this.method(...)`, so an instance property shadows the prototype for every caller. Bytes are counted per
 * data buffer (tensors that share a buffer, such as reshapes, count once), which is what the device holds;
 * tfjs's own `numBytes` counts every tensor handle and so overstates shared buffers.
 * Cost per allocation: two Map operations and a few property reads; no stack traces are taken.
 */

interface TensorRecord {
  tensor: tf.Tensor;
  category: MemoryCategory;
  buffer: BufferRecord;
  step: number;
}

/** One device buffer, shared by every handle that views it (reshape, identity, a variable adopting it). */
interface BufferRecord {
  bytes: number;
  refs: number;
  category: MemoryCategory;
  /** Who made it: the kernel and the layer whose call was running. */
  op: string | null;
  layer: string | null;
}

interface EngineHooks {
  trackTensor(t: tf.Tensor, backend: unknown): void;
  disposeTensor(t: tf.Tensor): void;
  runKernel(name: string, inputs: unknown, attrs?: unknown): tf.Tensor | tf.Tensor[];
  state: {
    tensorInfo: WeakMap<object, unknown>;
    activeScope: { name: string } | null;
  };
  backendName: string;
}

const OWN_HOOKS = ['trackTensor', 'disposeTensor', 'runKernel'] as const;

export class MemoryTracker {
  private readonly engine = tf.engine() as unknown as EngineHooks;
  private readonly records = new Map<number, TensorRecord>();
  /** How many live handles point at each data buffer, so bytes are released with the last one. */
  private readonly buffers = new WeakMap<object, BufferRecord>();
  private readonly usage = emptyUsage();
  private readonly weightIds = new Set<number>();
  /** Variables that are neither weights nor optimizer state (the loop's running sums), by id. */
  private readonly variableCategories = new Map<number, MemoryCategory>();
  private readonly kernelStack: string[] = [];
  private readonly layerStack: { name: string; className: string }[] = [];
  private readonly layerBytes = new Map<string, number>();
  private lastLayerBytes: Record<string, number> = {};
  private category: MemoryCategory | null = null;
  private liveBytesNow = 0;
  private peak = 0;
  private stepIndex = -1;
  private inStep = false;
  private stepStart = { bytes: 0, tensors: 0 };
  private stepPeak = 0;
  private leaks: LeakedTensor[] = [];
  private trace: AllocationEvent[] | null = null;
  private installed = false;
  private unwrapLayers: (() => void)[] = [];

  constructor(private budgetBytes: number | null = null) {}

  get budget(): number | null {
    return this.budgetBytes;
  }

  setBudget(bytes: number | null): void {
    this.budgetBytes = bytes;
  }

  install(): void {
    if (this.installed) throw new Error('MemoryTracker is already installed');
    const engine = this.engine as unknown as Record<string, unknown>;
    for (const key of OWN_HOOKS) {
      if (Object.prototype.hasOwnProperty.call(engine, key)) {
        throw new Error(`Another tracker already wraps engine.${key}`);
      }
    }
    const proto = Object.getPrototypeOf(this.engine) as EngineHooks;
    const target = this.engine;
    engine.trackTensor = (t: tf.Tensor, backend: unknown) => {
      const isNewBuffer = !target.state.tensorInfo.has(t.dataId);
      proto.trackTensor.call(target, t, backend);
      this.onTrack(t, isNewBuffer);
    };
    engine.disposeTensor = (t: tf.Tensor) => {
      const wasLive = target.state.tensorInfo.has(t.dataId);
      proto.disposeTensor.call(target, t);
      if (wasLive) this.onDispose(t);
    };
    engine.runKernel = (name: string, inputs: unknown, attrs?: unknown) => {
      this.kernelStack.push(name);
      try {
        return proto.runKernel.call(target, name, inputs, attrs);
      } finally {
        this.kernelStack.pop();
      }
    };
    this.installed = true;
  }

  uninstall(): void {
    if (!this.installed) return;
    const engine = this.engine as unknown as Record<string, unknown>;
    for (const key of OWN_HOOKS) delete engine[key];
    for (const unwrap of this.unwrapLayers) unwrap();
    this.unwrapLayers = [];
    this.installed = false;
  }

  /** Marks the model's variables as weights and wraps each layer's `call` to attribute what it allocates. */
  instrumentModel(model: tf.LayersModel): void {
    for (const weight of model.weights) {
      const variable = (weight as unknown as { val: tf.Variable }).val;
      this.weightIds.add(variable.id);
      const record = this.records.get(variable.id);
      if (record && record.category !== 'weights') this.recategorize(record, 'weights');
    }
    for (const layer of model.layers) {
      const target = layer as unknown as { call: (...args: unknown[]) => unknown };
      const original = target.call;
      const entry = { name: layer.name, className: layer.getClassName() };
      target.call = (...args: unknown[]) => {
        this.layerStack.push(entry);
        try {
          return original.apply(layer, args);
        } finally {
          this.layerStack.pop();
        }
      };
      this.unwrapLayers.push(() => {
        target.call = original;
      });
    }
  }

  /**
   * Counts `variable` under `category` for as long as it lives, also after a step assigns it a new buffer
   * (otherwise a variable a step writes counts as optimizer state). For the loop's running sums: 'other'.
   */
  categorize(variable: tf.Variable, category: MemoryCategory): void {
    this.variableCategories.set(variable.id, category);
    const record = this.records.get(variable.id);
    if (record && record.category !== category) this.recategorize(record, category);
  }

  /** Allocations inside `fn` are counted under `category` (data batches, optimizer updates). */
  withCategory<T>(category: MemoryCategory, fn: () => T): T {
    const previous = this.category;
    this.category = category;
    try {
      return fn();
    } finally {
      this.category = previous;
    }
  }

  /** Starts accounting a step; `trace` records every allocation in order (the pre-flight probe uses it). */
  beginStep(options: { trace?: boolean } = {}): void {
    this.trace = options.trace ? [] : null;
    this.stepIndex += 1;
    this.inStep = true;
    this.stepStart = { bytes: this.liveBytesNow, tensors: this.records.size };
    this.stepPeak = this.liveBytesNow;
    this.layerBytes.clear();
  }

  endStep(): StepMemoryReport {
    this.inStep = false;
    this.lastLayerBytes = Object.fromEntries(this.layerBytes);
    this.findLeaks();
    return {
      step: this.stepIndex,
      deltaBytes: this.liveBytesNow - this.stepStart.bytes,
      deltaTensors: this.records.size - this.stepStart.tensors,
      peakBytes: this.stepPeak,
      liveBytes: this.liveBytesNow,
      startBytes: this.stepStart.bytes,
      trace: this.takeTrace(),
    };
  }

  private takeTrace(): AllocationEvent[] | null {
    const trace = this.trace;
    this.trace = null;
    return trace;
  }

  /**
   * After a step threw (an OOM inside a kernel, a device error), disposes every tensor the step created that
   * is still alive and is not a variable: tfjs keeps tensors saved for the backward pass outside any scope,
   * so an exception in the forward pass would otherwise leak them. Returns how many were disposed.
   */
  abortStep(): number {
    this.inStep = false;
    this.trace = null;
    const survivors = [...this.records.values()].filter(
      (r) => r.step === this.stepIndex && !(r.tensor instanceof tf.Variable) && r.category !== 'weights',
    );
    for (const record of survivors) record.tensor.dispose();
    return survivors.length;
  }

  resetPeak(): void {
    this.peak = this.liveBytesNow;
  }

  snapshot(): MemorySnapshot {
    const byCategory = emptyUsage();
    for (const category of MEMORY_CATEGORIES) byCategory[category] = { ...this.usage[category] };
    return {
      liveBytes: this.liveBytesNow,
      liveTensors: this.records.size,
      byCategory,
      peakBytes: this.peak,
      budgetBytes: this.budgetBytes,
      leaks: [...this.leaks],
      layerBytes: { ...this.lastLayerBytes },
    };
  }

  private onTrack(t: tf.Tensor, isNewBuffer: boolean): void {
    const layer = this.layerStack.at(-1) ?? null;
    const category = this.categoryFor(t);
    const existing = isNewBuffer ? undefined : this.buffers.get(t.dataId);
    const buffer: BufferRecord = existing ?? {
      bytes: t.size * bytesPerElement(t.dtype),
      refs: 0,
      category,
      op: this.currentOp(),
      layer: layer?.name ?? null,
    };
    if (existing && t instanceof tf.Variable && existing.category !== category) {
      // `Variable.assign` and `tf.variable(x)` adopt a buffer a temporary created: the bytes now belong to
      // the variable's category (weights, optimizer state), not to the temporary that made them.
      this.usage[existing.category].bytes -= existing.bytes;
      this.usage[category].bytes += existing.bytes;
      existing.category = category;
    }
    buffer.refs += 1;
    this.records.set(t.id, { tensor: t, category, buffer, step: this.inStep ? this.stepIndex : -1 });
    this.usage[category].tensors += 1;
    if (!existing) {
      this.buffers.set(t.dataId, buffer);
      this.addBytes(t, buffer, layer);
    }
  }

  private currentOp(): string | null {
    const kernel = this.kernelStack.at(-1);
    if (kernel) return kernel;
    const scopeName = this.engine.state.activeScope?.name ?? null;
    return scopeName ? scopeName.replace(/__op$/, '') : null;
  }

  private addBytes(
    t: tf.Tensor,
    buffer: BufferRecord,
    layer: { name: string; className: string } | null,
  ): void {
    const inUse = this.liveBytesNow;
    this.trace?.push({
      shape: [...t.shape],
      dtype: t.dtype,
      bytes: buffer.bytes,
      liveBefore: inUse,
      op: buffer.op,
      layer: buffer.layer,
      layerClass: layer?.className ?? null,
    });
    this.liveBytesNow += buffer.bytes;
    this.usage[buffer.category].bytes += buffer.bytes;
    if (layer && this.inStep)
      this.layerBytes.set(layer.name, (this.layerBytes.get(layer.name) ?? 0) + buffer.bytes);
    this.peak = Math.max(this.peak, this.liveBytesNow);
    if (this.inStep) this.stepPeak = Math.max(this.stepPeak, this.liveBytesNow);
    if (this.budgetBytes === null || this.liveBytesNow <= this.budgetBytes) return;
    // The caller registers the tensor before this check runs, so the engine's active scope disposes it while
    // the exception unwinds; a tensor made outside any scope is disposed by abortStep().
    throw new ResourceExhaustedError({
      shape: [...t.shape],
      dtype: t.dtype,
      backend: this.engine.backendName,
      budgetBytes: this.budgetBytes,
      inUseBytes: inUse,
      requestedBytes: buffer.bytes,
      layer: buffer.layer,
      layerClass: layer?.className ?? null,
      op: buffer.op,
      phase: 'allocation',
    });
  }

  private onDispose(t: tf.Tensor): void {
    const record = this.records.get(t.id);
    if (!record) return;
    this.records.delete(t.id);
    this.usage[record.category].tensors -= 1;
    const buffer = record.buffer;
    buffer.refs -= 1;
    if (buffer.refs === 0) {
      this.buffers.delete(t.dataId);
      this.liveBytesNow -= buffer.bytes;
      this.usage[buffer.category].bytes -= buffer.bytes;
    }
  }

  private categoryFor(t: tf.Tensor): MemoryCategory {
    if (this.weightIds.has(t.id)) return 'weights';
    const fixed = this.variableCategories.get(t.id);
    if (fixed) return fixed;
    if (this.category) return this.category;
    if (t instanceof tf.Variable) return this.inStep ? 'optimizer' : 'other';
    return this.inStep ? 'activations' : 'other';
  }

  private recategorize(record: TensorRecord, category: MemoryCategory): void {
    this.usage[record.category].tensors -= 1;
    this.usage[category].tensors += 1;
    record.category = category;
    const buffer = record.buffer;
    if (buffer.category === category) return;
    this.usage[buffer.category].bytes -= buffer.bytes;
    this.usage[category].bytes += buffer.bytes;
    buffer.category = category;
  }

  /**
   * A tensor created by step k that is still alive when step k+1 ends is a leak: legitimate carry-overs (a
   * running loss sum) are replaced every step. Variables are state, not leaks.
   */
  private findLeaks(): void {
    const previous = this.stepIndex - 1;
    if (previous < 0) return;
    for (const record of this.records.values()) {
      if (record.step !== previous || record.tensor instanceof tf.Variable || record.category === 'weights') {
        continue;
      }
      this.leaks.push({
        shape: [...record.tensor.shape],
        dtype: record.tensor.dtype,
        bytes: record.buffer.bytes,
        op: record.buffer.op,
        layer: record.buffer.layer,
        step: record.step,
      });
      // Reported once: it now belongs to no step.
      record.step = -1;
    }
    if (this.leaks.length > 200) this.leaks = this.leaks.slice(-200);
  }
}

function bytesPerElement(dtype: string): number {
  if (dtype === 'bool') return 1;
  if (dtype === 'complex64') return 0;
  return 4;
}
