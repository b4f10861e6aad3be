import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/data/random';
import type { Dataset } from '../src/data/types';
import { buildModel } from '../src/engine/build-model';
import { memoryView } from '../src/engine/memory/report';
import { chain, memoryTestGraphs } from '../src/engine/memory/test-graphs';
import { MemoryTracker } from '../src/engine/memory/tracker';
import { createObjective } from '../src/engine/objective';
import { openSession } from '../src/engine/run-experiment';
import { optimizerFor } from '../src/engine/run-callbacks';
import { createThrottle } from '../src/engine/throttle';
import { createLoopState, NO_HOOKS, trainLoop, trainStep, type StepHooks } from '../src/engine/train-loop';
import { DEFAULT_MEMORY, type ExperimentSpec, type LossName } from '../src/experiment/spec';
import { analyzeGraph } from '../src/graph';
import { startWasm } from '../src/engine/device/wasm';
import { startWebGpu } from '../src/engine/device/webgpu';
import { webgpuFlagsFor } from '../src/engine/device/webgpu-flags';
import { autoPickBench, kernelGap } from './backends';
import type { ModelGraph } from '../src/graph/types';
import type {
  BackendInfo,
  BenchBackend,
  BenchConfig,
  EstimateResult,
  RunFigures,
  SpeedModel,
  SpeedResult,
  SpeedVariant,
  ToPage,
  ToWorker,
  WorkerResults,
} from './protocol';

/**
 * The bench, run inside a dedicated Worker exactly where Kiln trains. Everything it measures goes back to the
 * page in one `done` message; progress goes to the page as it would to the UI.
 */

const BATCH = 64;
const MB = 1024 * 1024;
/** Same cadence as TrainingSession's memory events. */
const MEMORY_EVENT_INTERVAL_MS = 250;
const VARIANTS: SpeedVariant[] = ['kiln', 'kiln-untracked', 'fit'];

const post = (message: ToPage) => (self as unknown as Worker).postMessage(message);
const log = (text: string) => post({ type: 'log', text });

// ---------------------------------------------------------------- graphs

/** MLP 784-256-128-10. */
function mlpGraph(): ModelGraph {
  return chain(
    [784],
    [
      ['Dense', { units: 256, activation: 'relu' }],
      ['Dense', { units: 128, activation: 'relu' }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  );
}

/** Conv2D 8 k3 → MaxPool → Conv2D 16 k3 → MaxPool → Flatten → Dense 10 on 28×28×1. */
function cnnGraph(): ModelGraph {
  return chain(
    [28, 28, 1],
    [
      ['Conv2D', { filters: 8, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 16, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  );
}

/** Two Conv2D → BatchNormalization → ReLU → MaxPool stages on 28×28×1. */
function cnnBatchNormGraph(): ModelGraph {
  return chain(
    [28, 28, 1],
    [
      ['Conv2D', { filters: 16, kernel_size: [3, 3] }],
      ['BatchNormalization'],
      ['Activation', { activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 32, kernel_size: [3, 3] }],
      ['BatchNormalization'],
      ['Activation', { activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten'],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  );
}

const SPEED_GRAPHS: Record<SpeedModel, () => ModelGraph> = { mlp: mlpGraph, cnn: cnnGraph };

// ---------------------------------------------------------------- backends

/** Kiln's WebGPU factory once `startWebGpu` registered it: later sections reuse that device. */
let webgpuFactory: unknown = null;

async function useBackend(name: BenchBackend): Promise<BackendInfo> {
  try {
    let adapterInfo: Record<string, unknown> | undefined;
    if (name === 'webgpu') {
      const gpu = navigator.gpu;
      if (!gpu) return { backend: name, available: false, reason: 'navigator.gpu is missing' };
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { backend: name, available: false, reason: 'requestAdapter() returned null' };
      const info = adapter.info;
      adapterInfo = {
        vendor: info?.vendor,
        architecture: info?.architecture,
        device: info?.device,
        description: info?.description,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      };
      // The app's own start-up: Kiln's device factory, limits, watch, and the adapter's kernel flags.
      if (tf.findBackend('webgpu') && tf.engine().registryFactory.webgpu === webgpuFactory) {
        await tf.setBackend('webgpu');
      } else {
        await startWebGpu();
        webgpuFactory = tf.engine().registryFactory.webgpu;
      }
      return { backend: name, available: true, adapter: { ...adapterInfo, flags: webgpuFlagsFor(info) } };
    }
    // The app's own start-up: the lazily loaded package, binaries served by Vite, SIMD, threads when isolated
    // (the notice says why not).
    if (name === 'wasm') {
      const wasm = await startWasm();
      return { backend: name, available: true, adapter: { renderer: wasm.adapter, notice: wasm.notice } };
    }
    if (!(await tf.setBackend(name))) {
      return { backend: name, available: false, reason: `tf.setBackend('${name}') returned false` };
    }
    await tf.ready();
    if (name === 'webgl') adapterInfo = { renderer: webglRenderer() };
    if (name === 'cpu') adapterInfo = { renderer: 'JavaScript (tfjs-backend-cpu)' };
    return { backend: name, available: true, adapter: adapterInfo };
  } catch (error) {
    return {
      backend: name,
      available: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

function webglRenderer(): string {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return 'WebGL';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return 'WebGL';
  }
}

// ---------------------------------------------------------------- data

function syntheticTensors(sampleShape: number[], classes: number, count: number, seed: number) {
  return tf.tidy(() => {
    const x = tf.randomUniform([count, ...sampleShape], 0, 1, 'float32', seed);
    const labels = tf.randomUniform([count], 0, classes, 'int32', seed + 1) as tf.Tensor1D;
    const y = classes === 1 ? labels.reshape([count, 1]).toFloat() : tf.oneHot(labels, classes).toFloat();
    return { x, y };
  });
}

function syntheticDataset(sampleShape: number[], classes: number, count: number, seed: number): Dataset {
  const rng = createRng(seed);
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(count * size);
  for (let i = 0; i < x.length; i++) x[i] = rng();
  const width = Math.max(classes, 1);
  const y = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    if (classes === 1) y[i] = rng() < 0.5 ? 0 : 1;
    else y[i * width + Math.floor(rng() * classes)] = 1;
  }
  return {
    name: 'synthetic',
    x,
    sampleShape,
    y,
    classNames: Array.from({ length: width }, (_, i) => `c${i}`),
    count,
  };
}

// ---------------------------------------------------------------- 1 + 3: loop vs fit, tracker overhead

interface Contestant {
  variant: SpeedVariant;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The spec a session would run for the speed rows: `categorical_crossentropy`, Adam 0.001, default ['accuracy']. */
function speedSpec(count: number, readbackEvery = 10): ExperimentSpec {
  return {
    version: 1,
    name: 'bench',
    graph: { nodes: [], edges: [] },
    data: { dataset: 'mnist', samples: count, validationSplit: 0 },
    compile: { optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' },
    fit: { epochs: 1, batchSize: BATCH, shuffle: true, readbackEvery },
    memory: { ...DEFAULT_MEMORY },
    backend: 'cpu',
    seed: 1,
  };
}

async function runKiln(
  c: Contestant,
  data: { x: tf.Tensor; y: tf.Tensor; count: number },
  readbackEvery: number,
  tracked: boolean,
): Promise<RunFigures> {
  // As a session's objective for `compile.loss = categorical_crossentropy` and the default ['accuracy'].
  const sampleShape = data.x.shape.slice(1);
  const objective = createObjective(c.model, speedSpec(data.count, readbackEvery), {
    ...syntheticDataset(sampleShape, 10, 0, 1),
    sampleShape,
  });
  const state = createLoopState(objective.size);
  let tracker: MemoryTracker | null = null;
  let hooks: StepHooks = NO_HOOKS;
  const budget = DEFAULT_MEMORY.budgetMB * MB;
  if (tracked) {
    // As TrainingSession runs the loop: the tracker installed and the model instrumented for the whole run,
    // every step bracketed, a memory event to the page at most four times a second.
    const t = new MemoryTracker(budget);
    t.install();
    t.instrumentModel(c.model);
    const due = createThrottle(MEMORY_EVENT_INTERVAL_MS);
    hooks = {
      beforeStep: () => t.beginStep(),
      afterStep: () => {
        const report = t.endStep();
        if (due()) {
          const view = memoryView(t, report, budget);
          post({ type: 'memory', liveBytes: view.liveBytes, stepPeakBytes: view.stepPeakBytes });
        }
      },
      stepFailed: () => void t.abortStep(),
    };
    tracker = t;
  }
  const steps = Math.ceil(data.count / BATCH);
  let progressPosted = 0;
  const started = performance.now();
  try {
    await trainLoop(
      {
        model: c.model,
        optimizer: c.optimizer,
        objective,
        train: { ...data, labels: null, sampleWeight: null },
        validation: null,
        fit: { epochs: 1, batchSize: BATCH, shuffle: true, readbackEvery },
        shuffleRng: createRng(11),
        stepRng: createRng(12),
        onEvent: (event) => {
          if (event.type !== 'progress') return;
          progressPosted++;
          post({ type: 'progress', variant: c.variant, step: event.step, steps, loss: event.loss });
        },
        shouldStop: () => false,
        hooks,
      },
      state,
    );
  } finally {
    tracker?.uninstall();
  }
  const ms = performance.now() - started;
  state.sums.dispose();
  return {
    samples: data.count,
    steps,
    ms,
    samplesPerSecond: (data.count / ms) * 1000,
    progressPosted,
    readbacks: state.readbacks,
  };
}

async function runFit(
  c: Contestant,
  data: { x: tf.Tensor; y: tf.Tensor; count: number },
): Promise<RunFigures> {
  const steps = Math.ceil(data.count / BATCH);
  let progressPosted = 0;
  const started = performance.now();
  await c.model.fit(data.x, data.y, {
    batchSize: BATCH,
    epochs: 1,
    shuffle: true,
    verbose: 0,
    callbacks: {
      // What a UI needs: per-batch progress. tfjs resolves the batch's logs (a readback) before calling this.
      onBatchEnd: (batch, logs) => {
        progressPosted++;
        post({ type: 'progress', variant: 'fit', step: batch + 1, steps, loss: logs?.loss ?? null });
      },
    },
  });
  const ms = performance.now() - started;
  return {
    samples: data.count,
    steps,
    ms,
    samplesPerSecond: (data.count / ms) * 1000,
    progressPosted,
    readbacks: null,
  };
}

/** Kernels one training step dispatches, by name, from `tf.profile` (what each side asks of the device). */
async function kernelsPerStep(c: Contestant, data: { x: tf.Tensor; y: tf.Tensor; count: number }) {
  const byName = async (run: () => Promise<unknown>) => {
    const info = await tf.profile(async () => {
      await run();
      return [];
    });
    const counts: Record<string, number> = {};
    for (const k of info.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
    return counts;
  };
  if (c.variant === 'fit') {
    // fit's per-call set-up (index tensors, callbacks) is not per step: the difference of 2 and 1 batches is
    // (every row has at least 2 batches of data).
    const fitOn = (batches: number) => () => {
      const x = data.x.slice(0, batches * BATCH);
      const y = data.y.slice(0, batches * BATCH);
      return c.model
        .fit(x, y, {
          batchSize: BATCH,
          epochs: 1,
          shuffle: true,
          verbose: 0,
          callbacks: { onBatchEnd: () => {} },
        })
        .finally(() => tf.dispose([x, y]));
    };
    const two = await byName(fitOn(2));
    const one = await byName(fitOn(1));
    return Object.fromEntries(
      Object.entries(two)
        .map(([k, n]) => [k, n - (one[k] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
  }
  const sampleShape = data.x.shape.slice(1);
  const objective = createObjective(c.model, speedSpec(data.count), {
    ...syntheticDataset(sampleShape, 10, 0, 1),
    sampleShape,
  });
  const state = createLoopState(objective.size);
  const order = tf.tensor1d(
    Int32Array.from({ length: data.count }, (_, i) => i),
    'int32',
  );
  const trainable = c.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const train = { ...data, labels: null, sampleWeight: null };
  try {
    return await byName(async () =>
      trainStep(
        { model: c.model, optimizer: c.optimizer, objective, train },
        trainable,
        state.sums,
        order,
        0,
        BATCH,
      ),
    );
  } finally {
    tf.dispose([order, state.sums]);
  }
}

async function speedBench(
  backend: BenchBackend,
  modelName: SpeedModel,
  config: BenchConfig,
  batches: number,
  flags: Record<string, boolean | number> = {},
): Promise<SpeedResult> {
  const count = batches * BATCH;
  const sampleShape = modelName === 'mlp' ? [784] : [28, 28, 1];
  const data = { ...syntheticTensors(sampleShape, 10, count, 42), count };
  const contestants: Contestant[] = VARIANTS.map((variant) => {
    const model = buildModel(SPEED_GRAPHS[modelName]());
    // Each side trains with its own product optimizer: Kiln's session builds a KerasOptimizer from the spec
    // (Keras 3's update rules), fit gets tfjs's Adam with the same learning rate.
    if (variant === 'fit') {
      const optimizer = tf.train.adam(0.001);
      model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { variant, model, optimizer };
    }
    return { variant, model, optimizer: optimizerFor(speedSpec(count, config.readbackEvery)) };
  });
  const once = (c: Contestant) =>
    c.variant === 'fit' ? runFit(c, data) : runKiln(c, data, config.readbackEvery, c.variant === 'kiln');
  try {
    const warmup = {} as Record<SpeedVariant, RunFigures>;
    for (const c of contestants) warmup[c.variant] = await once(c);
    const kernels = {} as Record<SpeedVariant, Record<string, number>>;
    for (const c of contestants) kernels[c.variant] = await kernelsPerStep(c, data);
    const runs: Record<SpeedVariant, RunFigures[]> = { kiln: [], 'kiln-untracked': [], fit: [] };
    const rounds: SpeedVariant[][] = [];
    const total = config.runs[backend];
    for (let r = 0; r < total; r++) {
      // Rotate the order every round so drift (thermal, other load) spreads over all variants.
      const order = contestants.map((_, i) => contestants[(i + r) % contestants.length]);
      rounds.push(order.map((c) => c.variant));
      for (const c of order) runs[c.variant].push(await once(c));
      log(
        `  ${backend} ${modelName} round ${r + 1}/${total}: ` +
          VARIANTS.map((v) => `${v} ${runs[v].at(-1)!.samplesPerSecond.toFixed(0)}`).join(', ') +
          ' samples/s',
      );
    }
    const med = {} as Record<SpeedVariant, number>;
    for (const v of VARIANTS) med[v] = median(runs[v].map((f) => f.samplesPerSecond));
    return {
      backend,
      flags,
      model: modelName,
      batchSize: BATCH,
      batchesPerRun: batches,
      rounds,
      warmup,
      kernels,
      runs,
      median: med,
    };
  } finally {
    for (const c of contestants) {
      c.model.dispose();
      c.optimizer.dispose();
    }
    tf.dispose([data.x, data.y]);
  }
}

// ---------------------------------------------------------------- 2: estimate vs measured

interface EstimateCase {
  name: string;
  graph: ModelGraph;
  optimizer: 'adam' | 'sgd';
  batchSize: number;
}

function estimateCases(): EstimateCase[] {
  return [
    ...memoryTestGraphs(),
    { name: 'small CNN (Conv2D 8/16, MaxPool)', graph: cnnGraph(), optimizer: 'adam', batchSize: 64 },
    { name: 'CNN with BatchNormalization', graph: cnnBatchNormGraph(), optimizer: 'adam', batchSize: 32 },
  ];
}

async function estimateBench(backend: BenchBackend, c: EstimateCase, steps: number): Promise<EstimateResult> {
  const analysis = analyzeGraph(c.graph);
  const inputShape = (analysis.shapes[analysis.inputs[0]] as (number | null)[]).slice(1) as number[];
  const classes = (analysis.shapes[analysis.outputs[0]] as (number | null)[])[1] as number;
  const loss: LossName = classes === 1 ? 'binary_crossentropy' : 'categorical_crossentropy';
  const count = c.batchSize * steps;
  const spec: ExperimentSpec = {
    version: 1,
    name: c.name,
    graph: c.graph,
    data: { dataset: 'mnist', samples: count, validationSplit: 0 },
    compile: { optimizer: c.optimizer, learningRate: c.optimizer === 'adam' ? 0.001 : 0.01, loss },
    fit: { epochs: 1, batchSize: c.batchSize, shuffle: true, readbackEvery: 10 },
    memory: { ...DEFAULT_MEMORY },
    backend,
    seed: 5,
  };
  const base = { backend, model: c.name, optimizer: c.optimizer, batchSize: c.batchSize };
  const started = performance.now();
  const opened = openSession(spec, syntheticDataset(inputShape, classes, count, 9));
  if (!opened.session) {
    return {
      ...base,
      status: 'failed',
      failure: opened.failure.message,
      estimateBytes: null,
      measuredBytes: null,
      residentBytes: null,
      components: null,
      steps: 0,
      seconds: 0,
    };
  }
  try {
    // The product path: pre-flight probe + estimateAt(batch size), then real steps with the tracker's hooks.
    const outcome = await opened.session.run(
      () => undefined,
      () => false,
    );
    const estimate = outcome.memory?.estimate ?? null;
    return {
      ...base,
      status: outcome.status,
      ...(outcome.failure ? { failure: outcome.failure.message } : {}),
      estimateBytes: estimate?.peakBytes ?? null,
      measuredBytes: outcome.memory?.measuredPeakBytes ?? null,
      residentBytes: estimate?.residentBytes ?? null,
      components: estimate ? { ...estimate.components } : null,
      steps: outcome.stats?.steps ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    opened.session.dispose();
  }
}

// ---------------------------------------------------------------- main

async function section<T>(name: string, fn: () => Promise<T>): Promise<T> {
  post({ type: 'section', name, phase: 'start' });
  try {
    return await fn();
  } finally {
    post({ type: 'section', name, phase: 'end' });
  }
}

async function main(config: BenchConfig): Promise<WorkerResults> {
  const results: WorkerResults = {
    environment: {
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      tfjs: tf.version.tfjs,
      backends: [],
    },
    speed: [],
    skipped: [],
    autoPick: null,
    estimates: [],
  };
  const available = new Set<BenchBackend>();
  for (const backend of new Set([...config.backends, ...config.estimateBackends])) {
    const info = await useBackend(backend);
    results.environment.backends.push(info);
    if (info.available) available.add(backend);
    log(`backend ${backend}: ${info.available ? 'available' : `unavailable (${info.reason})`}`);
  }

  for (const backend of config.backends) {
    if (!available.has(backend)) continue;
    await useBackend(backend);
    for (const model of config.models) {
      const shape = model === 'mlp' ? [784] : [28, 28, 1];
      const gap = await kernelGap(SPEED_GRAPHS[model](), syntheticDataset(shape, 10, 1, 4), backend);
      if (gap) {
        results.skipped.push({ backend, model, reason: gap.reason, missingKernels: gap.missing });
        log(`loop vs fit: ${backend} ${model} skipped: ${gap.reason}`);
        continue;
      }
      log(`loop vs fit: ${backend} ${model} (${config.batches[backend][model]} batches per run)`);
      const batches = config.batches[backend][model];
      results.speed.push(
        await section(`train ${backend} ${model}`, () => speedBench(backend, model, config, batches)),
      );
    }
  }

  if (config.autoPick) {
    const pick = await section('auto pick mlp', () =>
      autoPickBench(mlpGraph(), syntheticDataset([784], 10, BATCH, 8), BATCH),
    );
    results.autoPick = pick;
    log(`auto pick (mlp): ${pick.picked} — ${pick.auto.reason} (${pick.auto.seconds.toFixed(1)} s)`);
  }

  for (const variant of config.flagVariants) {
    if (!available.has(variant.backend)) continue;
    await useBackend(variant.backend);
    const env = tf.env();
    const previous = Object.fromEntries(Object.keys(variant.flags).map((flag) => [flag, env.get(flag)]));
    const label = Object.entries(variant.flags)
      .map(([flag, value]) => `${flag}=${value}`)
      .join(' ');
    try {
      for (const [flag, value] of Object.entries(variant.flags)) env.set(flag, value);
      for (const [model, batches] of Object.entries(variant.batches) as [SpeedModel, number][]) {
        log(`loop vs fit: ${variant.backend} ${model} with ${label} (${batches} batches per run)`);
        results.speed.push(
          await section(`train ${variant.backend} ${model} ${label}`, () =>
            speedBench(variant.backend, model, config, batches, variant.flags),
          ),
        );
      }
    } finally {
      for (const [flag, value] of Object.entries(previous)) env.set(flag, value as boolean | number);
    }
  }

  for (const backend of config.estimateBackends) {
    if (!available.has(backend)) continue;
    await useBackend(backend);
    await section(`estimate ${backend}`, async () => {
      for (const c of estimateCases()) {
        const row = await estimateBench(backend, c, config.estimateSteps);
        results.estimates.push(row);
        const err =
          row.estimateBytes !== null && row.measuredBytes
            ? (((row.estimateBytes - row.measuredBytes) / row.measuredBytes) * 100).toFixed(1) + '%'
            : row.failure;
        log(`  estimate ${backend} ${c.name}: ${err}`);
      }
    });
  }
  return results;
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  if (event.data.type !== 'start') return;
  main(event.data.config).then(
    (results) => post({ type: 'done', results }),
    (error: unknown) =>
      post({
        type: 'error',
        message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
      }),
  );
};
