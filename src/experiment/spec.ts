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
  backend: z.enum(BACKENDS),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});

export type ExperimentSpec = z.infer<typeof experimentSchema>;
export type DatasetName = (typeof DATASETS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type BackendName = (typeof BACKENDS)[number];

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
