import { z } from 'zod';

/**
 * The experiment spec: the one object the UI edits, the worker runs, and links and storage carry.
 * It is versioned; `parseExperiment` validates untrusted input (links, files, IndexedDB) and migrates old
 * versions forward, so every field the trainer reads has already been checked.
 */
export const EXPERIMENT_VERSION = 1;

const argValue = z.union([
  z.number(),
  z.string().max(200),
  z.boolean(),
  z.null(),
  z.array(z.number().nullable()).max(16),
]);

const nodeSchema = z.object({
  id: z.string().min(1).max(64),
  className: z.string().min(1).max(64),
  name: z.string().min(1).max(128),
  config: z.record(z.string().max(64), argValue),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  /** A call site of a shared layer: the id of the node that owns the layer and its weights. */
  sharedWith: z.string().min(1).max(64).optional(),
});

const edgeSchema = z.object({
  id: z.string().min(1).max(160),
  source: z.string().min(1).max(64),
  target: z.string().min(1).max(64),
  targetSlot: z.number().int().min(0).max(64),
});

export const graphSchema = z.object({
  nodes: z.array(nodeSchema).max(2000),
  edges: z.array(edgeSchema).max(8000),
  /** Output heads in order, each with its own loss and loss weight (multi-output models). */
  outputs: z
    .array(
      z.object({
        nodeId: z.string().min(1).max(64),
        loss: z.string().max(64).optional(),
        lossWeight: z.number().finite().min(0).max(1000).optional(),
      }),
    )
    .max(64)
    .optional(),
});

export const DATASETS = ['mnist', 'blobs'] as const;
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export const LOSSES = ['categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error'] as const;
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** What a user can ask for: one backend, or `auto` (time this model's training step on each, use the fastest). */
export const BACKEND_CHOICES = ['auto', ...BACKENDS] as const;
export const BACKEND_LABELS: Record<(typeof BACKEND_CHOICES)[number], string> = {
  auto: 'Auto',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};
export const ALLOCATION_MODES = ['growth', 'reserve'] as const;

export const DEFAULT_MEMORY = { budgetMB: 1024, allocation: 'growth', ignoreEstimate: false } as const;

/**
 * The memory fence of one experiment, TensorFlow's way: a budget in MB (a per-process memory limit), and how
 * device memory is taken — `growth` (memory growth: as needed) or `reserve` (TensorFlow's default: the whole
 * budget is claimed when the run starts). `ignoreEstimate` starts even when the pre-flight estimate says the
 * step will not fit, so the real OOM can be watched.
 */
export const memorySchema = z.object({
  budgetMB: z.number().min(0.1).max(65_536),
  allocation: z.enum(ALLOCATION_MODES),
  ignoreEstimate: z.boolean(),
});

/*
 * Keras-style compile and fit options. They sit beside the original fields (`compile.optimizer`,
 * `compile.loss`, …) rather than replacing them, so existing specs, links and UI bindings keep working:
 * `resolveCompile`/`resolveFit` in src/engine/compile/resolve.ts merge old and new into one normalised config.
 * Every Keras argument is optional here and spelled as in Keras (snake_case); its Keras default is filled in
 * by the resolver, so a spec records only what the user chose, like a Keras script does.
 */
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const;
export const LOSS_NAMES = [
  'binary_crossentropy',
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'mean_squared_error',
  'mean_absolute_error',
  'huber',
  'hinge',
] as const;
export const METRIC_NAMES = [
  'accuracy',
  'binary_accuracy',
  'categorical_accuracy',
  'sparse_categorical_accuracy',
  'top_k_categorical_accuracy',
  'precision',
  'recall',
  'mean_absolute_error',
  'mae',
] as const;
export const MONITOR_MODES = ['auto', 'min', 'max'] as const;

const positive = z.number().positive().finite();
const nonNegative = z.number().min(0).finite();
const fraction = z.number().min(0).max(1);
const count = z.number().int().min(0).max(1_000_000);
const logKey = z.string().min(1).max(64);

/** Keras's optimizer arguments; `learning_rate` defaults to `compile.learningRate`. */
export const optimizerConfigSchema = z.object({
  name: z.enum(OPTIMIZER_NAMES),
  learning_rate: positive.max(10).optional(),
  momentum: fraction.optional(),
  nesterov: z.boolean().optional(),
  beta_1: z.number().min(0).lt(1).optional(),
  beta_2: z.number().min(0).lt(1).optional(),
  epsilon: positive.optional(),
  amsgrad: z.boolean().optional(),
  rho: z.number().min(0).lt(1).optional(),
  centered: z.boolean().optional(),
  initial_accumulator_value: nonNegative.optional(),
});

/** Keras's `keras.optimizers.schedules`, indexed by optimizer step; the initial rate is the optimizer's. */
export const scheduleSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('constant') }),
  z.object({
    name: z.literal('piecewise_constant'),
    boundaries: z.array(count).min(1).max(64),
    values: z.array(positive).min(2).max(65),
  }),
  z.object({
    name: z.literal('exponential_decay'),
    decay_steps: positive,
    decay_rate: positive,
    staircase: z.boolean().optional(),
  }),
  z.object({
    name: z.literal('cosine_decay'),
    decay_steps: positive,
    alpha: fraction.optional(),
    warmup_target: positive.optional(),
    warmup_steps: count.optional(),
  }),
]);

export const lossConfigSchema = z.object({
  name: z.enum(LOSS_NAMES),
  from_logits: z.boolean().optional(),
  /** Huber's threshold between the quadratic and the linear part. */
  delta: positive.optional(),
});

export const metricConfigSchema = z.object({
  name: z.enum(METRIC_NAMES),
  threshold: fraction.optional(),
  k: z.number().int().min(1).max(1000).optional(),
});

const monitorArgs = { monitor: logKey.optional(), mode: z.enum(MONITOR_MODES).optional() };

/** The per-epoch schedule a LearningRateScheduler callback applies (data, where Keras takes a function). */
export const epochScheduleSchema = z.union([
  scheduleSchema,
  z.object({ name: z.literal('multiply'), factor: positive, start_epoch: count.optional() }),
]);

export const callbackConfigSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('EarlyStopping'),
    ...monitorArgs,
    min_delta: z.number().finite().optional(),
    patience: count.optional(),
    baseline: z.number().finite().nullable().optional(),
    restore_best_weights: z.boolean().optional(),
    start_from_epoch: count.optional(),
  }),
  z.object({
    name: z.literal('ModelCheckpoint'),
    ...monitorArgs,
    /** Where a checkpoint goes; `{epoch}` and `{<log key>:.2f}` are filled as Keras fills its filepath. */
    filepath: z.string().min(1).max(200).optional(),
    save_best_only: z.boolean().optional(),
    save_weights_only: z.boolean().optional(),
    initial_value_threshold: z.number().finite().nullable().optional(),
  }),
  z.object({
    name: z.literal('ReduceLROnPlateau'),
    ...monitorArgs,
    factor: z.number().positive().lt(1).optional(),
    patience: count.optional(),
    min_delta: z.number().finite().optional(),
    cooldown: count.optional(),
    min_lr: nonNegative.optional(),
  }),
  z.object({ name: z.literal('TerminateOnNaN') }),
  z.object({ name: z.literal('LearningRateScheduler'), schedule: epochScheduleSchema }),
]);

/** Keras's `class_weight`: class index (a JSON key, so a string) → weight. */
export const classWeightSchema = z.record(z.string().regex(/^\d{1,5}$/), nonNegative);

/** The additions to `compile`; all optional, so every existing spec still parses. */
export const compileExtras = {
  /** Replaces `optimizer` (and `learningRate` when it sets `learning_rate`) when present. */
  optimizerConfig: optimizerConfigSchema.optional(),
  schedule: scheduleSchema.optional(),
  /** Replaces `loss` when present. */
  lossConfig: lossConfigSchema.optional(),
  /** Per-output losses of a multi-output graph, by output layer name; null trains that output with no loss. */
  outputLosses: z.record(logKey, lossConfigSchema.nullable()).optional(),
  /** Keras's `loss_weights` by output layer name (1 when absent). */
  lossWeights: z.record(logKey, nonNegative).optional(),
  metrics: z.array(metricConfigSchema).max(16).optional(),
  clipnorm: positive.optional(),
  clipvalue: positive.optional(),
  global_clipnorm: positive.optional(),
};

/** The additions to `fit`; all optional. */
export const fitExtras = {
  /** Keras's `validation_freq`: validate every this many epochs, or on the epochs listed (from 1). */
  validationFreq: z
    .union([z.number().int().min(1).max(1000), z.array(z.number().int().min(1).max(1000)).min(1).max(1000)])
    .optional(),
  /** `split` carves `data.validationSplit` from the training data; `separate` uses the dataset's own test set. */
  validationSource: z.enum(['split', 'separate']).optional(),
  classWeight: classWeightSchema.optional(),
  callbacks: z.array(callbackConfigSchema).max(16).optional(),
};

export const experimentSchema = z.object({
  version: z.literal(EXPERIMENT_VERSION),
  name: z.string().min(1).max(120),
  graph: graphSchema,
  data: z.object({
    dataset: z.enum(DATASETS),
    /** How many samples to load (train + validation). */
    samples: z.number().int().min(8).max(60_000),
    validationSplit: z.number().min(0).max(0.9),
  }),
  compile: z.object({
    optimizer: z.enum(OPTIMIZERS),
    learningRate: z.number().positive().max(10),
    loss: z.enum(LOSSES),
    ...compileExtras,
  }),
  fit: z.object({
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(8192),
    shuffle: z.boolean(),
    /** Read the loss back from the device every this many steps: each readback stalls the GPU queue. */
    readbackEvery: z.number().int().min(1).max(1000),
    ...fitExtras,
  }),
  memory: memorySchema.default({ ...DEFAULT_MEMORY }),
  backend: z.enum(BACKEND_CHOICES),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});

export type ExperimentSpec = z.infer<typeof experimentSchema>;
export type DatasetName = (typeof DATASETS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type AllocationMode = (typeof ALLOCATION_MODES)[number];
export type MemorySettings = z.infer<typeof memorySchema>;
export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type EpochScheduleConfig = z.infer<typeof epochScheduleSchema>;
export type LossConfig = z.infer<typeof lossConfigSchema>;
export type MetricConfig = z.infer<typeof metricConfigSchema>;
export type CallbackConfig = z.infer<typeof callbackConfigSchema>;
export type MonitorMode = (typeof MONITOR_MODES)[number];
export type KerasOptimizerName = (typeof OPTIMIZER_NAMES)[number];
export type KerasLossName = (typeof LOSS_NAMES)[number];
export type KerasMetricName = (typeof METRIC_NAMES)[number];

export type ParseResult = { ok: true; spec: ExperimentSpec } | { ok: false; problems: string[] };

/** Validates an untrusted value as an experiment; every rejected field is named in `problems`. */
export function parseExperiment(value: unknown): ParseResult {
  const result = experimentSchema.safeParse(value);
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  };
}
