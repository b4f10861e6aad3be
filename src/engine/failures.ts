import type { FailureKind, TrainFailure } from '../experiment/protocol';
import { DataError } from '../data/errors';

/** A failure the engine diagnosed itself: it already knows the kind and what the user can do about it. */
export class EngineFailure extends Error {
  override readonly name = 'EngineFailure';
  readonly kind: FailureKind;
  readonly hints: string[];

  constructor(kind: FailureKind, message: string, hints: string[] = []) {
    super(message);
    this.kind = kind;
    this.hints = hints;
  }

  /** The failure as the page receives it; subclasses with more facts (device/device-failure.ts) add them. */
  toFailure(): TrainFailure {
    return { kind: this.kind, message: this.message, hints: this.hints };
  }
}

/** Where the run was when the error happened: the same tfjs error means different things in each. */
export type Phase = 'build' | 'train';

interface GraphErrorLike {
  message: string;
}

/**
 * `buildModel` throws `GraphValidationError` with `errors`; recognised by shape rather than by `instanceof`
 * so this module does not depend on the builder, and an error that crossed a realm still matches.
 */
function graphErrors(error: unknown): GraphErrorLike[] | null {
  if (!(error instanceof Error) || error.name !== 'GraphValidationError') return null;
  const errors = (error as Error & { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return null;
  return errors.filter((e): e is GraphErrorLike => typeof (e as GraphErrorLike)?.message === 'string');
}

const OUT_OF_MEMORY = /out of memory|OOM|allocat|exceeds the max buffer size|texture size|too large/i;
const DEVICE_LOST = /device (was |is )?lost|AbortError|context lost|CONTEXT_LOST/i;
/** What a WebGPU validation failure looks like once it surfaces as a rejected readback (see the notes). */
const DEVICE_ERROR = /GPUValidationError|Invalid (Buffer|BindGroup|CommandBuffer)|OperationError.*mapAsync/i;

/** Turns anything thrown during a run into a typed failure the UI can explain; never throws. */
export function toFailure(error: unknown, phase: Phase): TrainFailure {
  if (error instanceof EngineFailure) return error.toFailure();
  if (error instanceof DataError) return { kind: 'data', message: error.message, hints: error.hints };

  const graph = graphErrors(error);
  if (graph) {
    const count = graph.length;
    return {
      kind: 'graph',
      message: `The graph has ${count} problem${count === 1 ? '' : 's'} to fix before it can train.`,
      hints: graph.map((e) => e.message),
    };
  }

  // The memory budget's own error (src/engine/memory) already carries the TensorFlow-style facts.
  if (error instanceof Error && error.name === 'ResourceExhaustedError') {
    return {
      kind: 'resource-exhausted',
      message: `${error.name}: ${error.message}`,
      hints: ['Lower the batch size.', 'Raise the memory budget, or use a smaller model.'],
    };
  }

  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (phase === 'build') {
    return {
      kind: 'graph',
      message: `tfjs could not build this graph. ${message}`,
      hints: ['Check the highlighted layer’s arguments and the shapes flowing into it.'],
    };
  }
  if (DEVICE_LOST.test(message)) {
    return {
      kind: 'device-lost',
      message: `The GPU device was lost during training. ${message}`,
      hints: [
        'Train again: the worker restarts the backend.',
        'If it repeats, choose the WebGL or CPU backend.',
      ],
    };
  }
  if (DEVICE_ERROR.test(message) && !/exceeds the max buffer size/i.test(message)) {
    return {
      kind: 'device-error',
      message: `WebGPU rejected the training's GPU work. ${message}`,
      hints: [
        'A tensor probably crossed a WebGPU limit: lower the batch size.',
        'If it repeats, choose the WebGL or CPU backend, and report the message above.',
      ],
    };
  }
  if (OUT_OF_MEMORY.test(message)) {
    return {
      kind: 'resource-exhausted',
      message: `Out of memory while training. ${message}`,
      hints: ['Lower the batch size.', 'Use fewer samples or a smaller model.'],
    };
  }
  return {
    kind: 'internal',
    message: `Training stopped on an unexpected error. ${message}`,
    hints: ['This is likely a bug in Kiln: the message above helps to report it.'],
  };
}
