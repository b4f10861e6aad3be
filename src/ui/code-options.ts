import type { ExperimentSpec } from '../experiment/spec';
import type { CodegenOptions } from '../graph/index';

const CODEGEN_OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
type CodegenOptimizer = (typeof CODEGEN_OPTIMIZERS)[number];
const isCodegenOptimizer = (name: string): name is CodegenOptimizer =>
  (CODEGEN_OPTIMIZERS as readonly string[]).includes(name);

/** The experiment's training settings as the code view writes them: what Kiln runs is what the code runs. */
export function codegenOptions(spec: ExperimentSpec): CodegenOptions {
  const name = spec.compile.optimizerConfig?.name ?? spec.compile.optimizer;
  const early = spec.fit.callbacks?.find((c) => c.name === 'EarlyStopping');
  return {
    modelName: modelName(spec.name),
    optimizer: isCodegenOptimizer(name) ? name : 'adam',
    learningRate: spec.compile.optimizerConfig?.learning_rate ?? spec.compile.learningRate,
    loss: spec.compile.lossConfig?.name ?? spec.compile.loss,
    epochs: spec.fit.epochs,
    batchSize: spec.fit.batchSize,
    validationSplit: spec.data.validationSplit,
    ...(early ? { earlyStoppingPatience: early.patience ?? 0 } : {}),
  };
}

/** "Blobs MLP" → "blobs_mlp": a Keras model name. */
function modelName(name: string): string {
  const snake = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(snake) ? snake : `model_${snake}`;
}
