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
});

export const DATASETS = ['mnist', 'blobs'] as const;
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export const LOSSES = ['categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error'] as const;
export const BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;
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
  }),
  fit: z.object({
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(8192),
    shuffle: z.boolean(),
    /** Read the loss back from the device every this many steps: each readback stalls the GPU queue. */
    readbackEvery: z.number().int().min(1).max(1000),
  }),
  memory: memorySchema.default({ ...DEFAULT_MEMORY }),
  backend: z.enum(BACKENDS),
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
export type AllocationMode = (typeof ALLOCATION_MODES)[number];
export type MemorySettings = z.infer<typeof memorySchema>;

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
