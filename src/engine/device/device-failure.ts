import type { DeviceFactsView, Remedy, TrainFailure } from '../../experiment/protocol';
import { EngineFailure } from '../failures';
import { formatMB } from '../memory/oom-error';
import type { LimitViolation } from './limits';

/**
 * What the GPU reported, as the worker saw it: an error popped from a step's error scope, an
 * `uncapturederror` event, or the device's `lost` promise. Plain data, so the mapping below is testable in Node.
 */
export interface GpuErrorRecord {
  cause: 'lost' | 'validation' | 'out-of-memory' | 'internal';
  message: string;
  /** GPUDeviceLostInfo.reason, for `lost`. */
  reason?: string;
  /** Where it was seen: inside a step's scope, uncaptured, or the lost promise. */
  source: 'scope' | 'uncaptured' | 'lost';
}

/** A failure the device caused; carries the facts the UI shows beside the message. */
export class DeviceFailure extends EngineFailure {
  readonly device: DeviceFactsView;
  readonly remedies: Remedy[] | undefined;

  constructor(failure: TrainFailure & { device: DeviceFactsView }) {
    super(failure.kind, failure.message, failure.hints);
    this.device = failure.device;
    this.remedies = failure.remedies;
  }

  override toFailure(): TrainFailure {
    return {
      kind: this.kind,
      message: this.message,
      hints: this.hints,
      device: this.device,
      ...(this.remedies ? { remedies: this.remedies } : {}),
    };
  }
}

/** Names the GPU error for a person, with what happens next. `stepsLost` is null outside a run. */
export function gpuFailure(
  record: GpuErrorRecord,
  stepsLost: number | null,
): TrainFailure & { device: DeviceFactsView } {
  const device: DeviceFactsView = {
    cause: record.cause,
    gpuMessage: record.message,
    ...(record.reason ? { lostReason: record.reason } : {}),
    ...(stepsLost !== null ? { stepsLost } : {}),
  };
  const repeat =
    stepsLost === null
      ? []
      : [
          stepsLost > 0
            ? `Resume: Kiln restores the weights from its last good copy and repeats the ${stepsLost} step${stepsLost === 1 ? '' : 's'} trained since.`
            : 'Resume: Kiln restores the weights from its last good copy; no step is lost.',
        ];
  if (record.cause === 'lost') {
    const why = record.reason === 'destroyed' ? 'it was destroyed' : 'the browser or the driver reset it';
    return {
      kind: 'device-lost',
      message: `The WebGPU device was lost: ${why}. ${record.message}`.trim(),
      hints: [
        ...repeat,
        'Kiln makes a fresh WebGPU device for the next run; the history of this run is kept.',
        'If it happens again, close other GPU-heavy tabs, lower the batch size, or choose the WebGL or CPU backend.',
      ],
      device,
    };
  }
  if (record.cause === 'out-of-memory') {
    return {
      kind: 'resource-exhausted',
      message: `ResourceExhaustedError: the GPU ran out of memory (GPUOutOfMemoryError: ${record.message}).`,
      hints: [
        ...repeat,
        'Lower the batch size or the memory budget’s reservation of other experiments on this device.',
        'Close other GPU-heavy tabs: the device’s memory is shared with them.',
      ],
      device,
    };
  }
  return {
    kind: 'device-error',
    message:
      `WebGPU reported a${record.cause === 'internal' ? 'n internal' : ' validation'} error during training, ` +
      `so the results of the step${stepsLost === null ? '' : 's since the last check'} cannot be trusted. ` +
      `GPU${record.cause === 'internal' ? 'Internal' : 'Validation'}Error: ${record.message}`,
    hints: [
      ...repeat,
      'A validation error usually means a tensor crossed a device limit that Kiln’s pre-flight check could not see: lower the batch size.',
      'If it repeats, choose the WebGL or CPU backend, and report the message above.',
    ],
    device,
  };
}

/** The refusal before a step that would cross a WebGPU limit, with the batch size that would not. */
export function limitFailure(
  violation: LimitViolation,
  context: { batchSize: number; largestBatch: number; backend: string },
): TrainFailure & { device: DeviceFactsView } {
  const { batchSize, largestBatch } = context;
  const where = [
    violation.layer
      ? `layer ${violation.layer}${violation.layerClass ? ` / ${violation.layerClass}` : ''}`
      : null,
    violation.op ? `op ${violation.op}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const consequence =
    violation.limit === 'maxBufferSize'
      ? 'WebGPU would refuse to create the buffer and the step would fail after running'
      : 'WebGPU would bind it as an invalid buffer and the step would silently compute zeros';
  const message =
    `ResourceExhaustedError: tensor with shape[${violation.shape.join(',')}] and type ${violation.dtype} ` +
    `needs ${formatMB(violation.bytes)}, over this ${context.backend} device's ${violation.limit} of ` +
    `${formatMB(violation.limitBytes)}${where ? ` (${where})` : ''}. Not started: ${consequence}.`;
  const remedies: Remedy[] = [];
  if (violation.batchDependent && largestBatch >= 1 && largestBatch < batchSize) {
    remedies.push({
      text:
        `Lower the batch size from ${batchSize} to ${largestBatch}, the largest whose every tensor stays under ` +
        `${formatMB(violation.limitBytes)}.`,
      action: { label: `Apply: batch size ${largestBatch}`, patch: { batchSize: largestBatch } },
    });
  } else if (violation.batchDependent) {
    remedies.push({
      text: `Even a batch of 1 makes a tensor over ${formatMB(violation.limitBytes)}: make the layer smaller.`,
    });
  } else {
    remedies.push({
      text:
        `This tensor does not depend on the batch size: ${violation.layer === 'dataset' ? 'load fewer samples' : 'make the layer smaller'} ` +
        `so it stays under ${formatMB(violation.limitBytes)}.`,
    });
  }
  remedies.push({
    text: 'The limit is the device’s, not Kiln’s budget: a larger budget does not help. WebGL or CPU have other limits.',
  });
  return {
    kind: 'resource-exhausted',
    message,
    hints: remedies.map((r) => r.text),
    remedies,
    device: {
      cause: 'limit',
      gpuMessage: '',
      limit: {
        name: violation.limit,
        limitBytes: violation.limitBytes,
        shape: violation.shape,
        dtype: violation.dtype,
        bytes: violation.bytes,
        op: violation.op,
        layer: violation.layer,
        batchDependent: violation.batchDependent,
      },
    },
  };
}
