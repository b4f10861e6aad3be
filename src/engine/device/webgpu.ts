import * as tf from '@tensorflow/tfjs';
import type { DeviceLimitsView } from '../../experiment/protocol';
import type { GpuErrorRecord } from './device-failure';
import type { DeviceGuard } from './guard';
import { webgpuFlagsFor } from './webgpu-flags';

/**
 * Kiln's side of the WebGPU device that tfjs trains on. tfjs handles no WebGPU error at all (no error scope,
 * no `uncapturederror`, no `device.lost`; see ../shared/notes/tfjs-webgpu-memory.md), and inside a Worker those
 * errors do not even reach the page console. So Kiln registers the backend itself (to choose the device's
 * limits and to be able to make a new device after a loss), watches the device, and brackets steps with
 * error scopes.
 */

type WebGpuBackendLike = tf.KernelBackend & {
  device: GPUDevice;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
};

/** How long a failed readback waits for `device.lost` to settle before blaming something else. */
const LOST_SETTLE_MS = 250;

let requestedLimits: Partial<DeviceLimitsView> | null = null;
let watch: DeviceWatch | null = null;
/** Counts devices: a session whose tensors live on an older one must restore them (see session.ts). */
let generation = 0;
const troubleListeners = new Set<(record: GpuErrorRecord) => void>();

/**
 * Registers Kiln's factory for the `webgpu` backend (replacing the one the package registers on import) and
 * makes it current. `limits` are requested instead of the adapter's largest; WebGPU raises anything below the
 * spec defaults to those. Throws what tfjs or WebGPU threw.
 */
export async function startWebGpu(
  limits: Partial<DeviceLimitsView> | null = null,
): Promise<DeviceLimitsView> {
  requestedLimits = limits;
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const factory = async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('WebGPU offered no adapter (requestAdapter returned null).');
    const max = adapter.limits;
    // The same limits tfjs asks for (its kernels size workgroups by them), except the two Kiln may lower.
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: max.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: max.maxComputeWorkgroupsPerDimension,
        maxComputeWorkgroupSizeX: max.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: max.maxComputeInvocationsPerWorkgroup,
        maxStorageBufferBindingSize: Math.min(
          max.maxStorageBufferBindingSize,
          requestedLimits?.maxStorageBufferBindingSize ?? Infinity,
        ),
        maxBufferSize: Math.min(max.maxBufferSize, requestedLimits?.maxBufferSize ?? Infinity),
      },
    });
    // Kernel choices that depend on the adapter (a CPU adapter convolves faster through im2col).
    for (const [flag, value] of Object.entries(webgpuFlagsFor(adapter.info))) tf.env().set(flag, value);
    return new WebGPUBackend(device, adapter.info);
  };
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, 3);
  if (!(await tf.setBackend('webgpu')))
    throw new Error('tfjs could not create a WebGPU device on this adapter.');
  await tf.ready();
  attach();
  return deviceLimits()!;
}

/**
 * After a loss: drops the dead backend, registers the factory again and makes a new device with the same
 * limits. Tensors on the old device are gone; their owners restore them (session.ts `restoreFromCheckpoint`).
 */
export async function restartWebGpu(): Promise<DeviceLimitsView> {
  return startWebGpu(requestedLimits);
}

/** The current backend's device limits, or null off WebGPU. */
export function deviceLimits(): DeviceLimitsView | null {
  const device = currentDevice();
  if (!device) return null;
  return {
    maxBufferSize: device.limits.maxBufferSize,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
  };
}

export function deviceGeneration(): number {
  return generation;
}

/** True once the watched device is gone; `restartWebGpu` makes a new one. */
export function deviceIsLost(): boolean {
  return watch !== null && watch.lost !== null;
}

/** GPU errors and losses as they happen (the worker forwards those that arrive while no run is training). */
export function onDeviceTrouble(listener: (record: GpuErrorRecord) => void): () => void {
  troubleListeners.add(listener);
  return () => troubleListeners.delete(listener);
}

/** A step guard for the current device, or null when the backend is not WebGPU. */
export function createStepGuard(): DeviceGuard | null {
  if (!watch || tf.getBackend() !== 'webgpu') return null;
  return watch.guard();
}

/** Test hook: destroys the device as a driver reset would. */
export function loseDevice(): boolean {
  const device = currentDevice();
  if (!device) return false;
  device.destroy();
  return true;
}

function currentDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as WebGpuBackendLike).device ?? null;
}

function attach(): void {
  const backend = tf.backend() as WebGpuBackendLike;
  watch?.detach();
  watch = new DeviceWatch(backend);
  generation += 1;
}

/** Listens to one device; errors found here or by a guard are kept until a guard's `verify` takes them. */
class DeviceWatch {
  lost: GpuErrorRecord | null = null;
  private errors: GpuErrorRecord[] = [];
  private detached = false;
  private readonly lostPromise: Promise<GpuErrorRecord>;
  private readonly onUncaptured = (event: Event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    this.report({ cause: causeOf(error), message: error.message, source: 'uncaptured' });
  };

  constructor(private readonly backend: WebGpuBackendLike) {
    backend.device.addEventListener('uncapturederror', this.onUncaptured);
    this.lostPromise = backend.device.lost.then((info) => {
      const record: GpuErrorRecord = {
        cause: 'lost',
        message: info.message,
        reason: info.reason,
        source: 'lost',
      };
      if (!this.detached) {
        this.lost = record;
        for (const listener of troubleListeners) listener(record);
      }
      return record;
    });
  }

  detach(): void {
    this.detached = true;
    this.backend.device.removeEventListener('uncapturederror', this.onUncaptured);
  }

  private report(record: GpuErrorRecord): void {
    if (this.detached) return;
    this.errors.push(record);
    for (const listener of troubleListeners) listener(record);
  }

  guard(): DeviceGuard {
    const device = this.backend.device;
    let pending: Promise<unknown>[] = [];
    return {
      open: () => {
        device.pushErrorScope('out-of-memory');
        device.pushErrorScope('validation');
      },
      close: () => {
        // Submit now, inside the scopes: tfjs defers submits (every 15 dispatches or at a read), and an invalid
        // command buffer is reported at submit time, so it would otherwise land in a later step's scope or in
        // none. Costs at most one extra submit per step.
        try {
          this.backend.ensureCommandEncoderReady();
          this.backend.endComputePassEncoder();
          this.backend.submitQueue();
        } finally {
          for (let i = 0; i < 2; i++) {
            pending.push(
              device.popErrorScope().then(
                (error) =>
                  error && this.report({ cause: causeOf(error), message: error.message, source: 'scope' }),
                () => undefined,
              ),
            );
          }
        }
      },
      verify: async (afterFailedRead = false) => {
        const waiting = pending;
        pending = [];
        await Promise.all(waiting);
        if (afterFailedRead && !this.lost) {
          await Promise.race([this.lostPromise, new Promise((r) => setTimeout(r, LOST_SETTLE_MS))]);
        }
        if (this.lost) return this.lost;
        const first = this.errors[0] ?? null;
        this.errors = [];
        return first;
      },
    };
  }
}

function causeOf(error: GPUError): GpuErrorRecord['cause'] {
  if (typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError)
    return 'out-of-memory';
  if (typeof GPUInternalError !== 'undefined' && error instanceof GPUInternalError) return 'internal';
  return 'validation';
}
