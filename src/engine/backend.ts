import * as tf from '@tensorflow/tfjs';
import { BACKEND_LABELS as LABEL, type BackendChoice, type BackendName } from '../experiment/spec';
import type { BackendReport, DeviceLimitsView } from '../experiment/protocol';
import { startWasm } from './device/wasm';
import { deviceIsLost, startWebGpu } from './device/webgpu';

/** WASM before the CPU: with SIMD it trains an MLP about 5× faster than tfjs's JavaScript kernels. */
const FALLBACK_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** `notice`: how the backend runs below its best, for the user (WASM on one thread, and why). */
type Started = { ok: true; adapter: string; limits?: DeviceLimitsView; notice?: string };
export type Attempt = Started | { ok: false; reason: string };

/** Backends already started in this thread: switching back to one (the auto pick does) reuses it. */
const started = new Map<BackendName, Started>();

export interface BackendOptions {
  /** WebGPU device limits to request instead of the adapter's largest (tests of the limit checks). */
  deviceLimits?: Partial<DeviceLimitsView>;
}

/**
 * Makes the preferred backend current if it works, else the next that does (WebGPU → WebGL → CPU), and says
 * why each one before it did not: a silent fallback would make a classroom wonder why training is slow.
 */
export async function selectBackend(
  choice: BackendChoice,
  options: BackendOptions = {},
): Promise<BackendReport> {
  // `auto` measures when it knows the model (at Train, auto-backend.ts); until then it is WebGPU first.
  const preference = choice === 'auto' ? 'webgpu' : choice;
  const order = [preference, ...FALLBACK_ORDER.filter((name) => name !== preference)];
  const reasons: string[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name, options);
    if (attempt.ok) {
      if (attempt.notice) reasons.push(attempt.notice);
      return {
        backend: name,
        fallbackReason: reasons.join(' '),
        adapter: attempt.adapter,
        ...(attempt.limits ? { limits: attempt.limits } : {}),
        ...(choice === 'auto' ? { choice } : {}),
      };
    }
    reasons.push(`${LABEL[name]}: ${attempt.reason}`);
  }
  // The CPU backend is pure JavaScript and always registers, so this is a broken install, not a user problem.
  throw new Error(`No tfjs backend could start. ${reasons.join(' ')}`);
}

/**
 * Makes `name` the current backend, starting it on first use. Says why not when it cannot run; never throws.
 * A backend started before is reused (a WebGPU device only while it is not lost; explicit device limits always
 * make a new device).
 */
export async function tryBackend(name: BackendName, options: BackendOptions = {}): Promise<Attempt> {
  const before = started.get(name);
  const reusable =
    before && tf.findBackend(name) && !(name === 'webgpu' && (deviceIsLost() || options.deviceLimits));
  if (reusable && (await tf.setBackend(name))) return before;
  const attempt = await startBackend(name, options);
  if (attempt.ok) started.set(name, attempt);
  return attempt;
}

async function startBackend(name: BackendName, options: BackendOptions): Promise<Attempt> {
  try {
    if (name === 'webgpu') return await tryWebGpu(options);
    if (name === 'wasm') return { ok: true, ...(await startWasm()) };
    if (!(await tf.setBackend(name)))
      return { ok: false, reason: `tfjs could not initialise the ${name} backend.` };
    await tf.ready();
    return { ok: true, adapter: name === 'webgl' ? webglRenderer() : 'JavaScript on the CPU' };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function tryWebGpu(options: BackendOptions): Promise<Attempt> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu) return { ok: false, reason: 'this browser does not offer WebGPU (navigator.gpu is missing).' };
  // Asking for an adapter ourselves tells "no adapter" apart from "tfjs failed", which setBackend cannot.
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return {
      ok: false,
      reason:
        'WebGPU is present but offered no adapter (requestAdapter returned null): the GPU may be blocklisted, or WebGPU disabled in this browser.',
    };
  }
  // Kiln registers the backend itself (device/webgpu.ts): to choose the device's limits, to watch the device
  // for errors and loss, and to make a new device after a loss. The package is imported only there, so Node
  // and non-WebGPU browsers never load it.
  let limits: DeviceLimitsView;
  try {
    limits = await startWebGpu(options.deviceLimits ?? null);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: `an adapter exists but tfjs could not create a WebGPU device on it (${why}).`,
    };
  }
  const info = adapter.info;
  // Not WEBGPU_USE_NAIVE_CONV2D_DEBUG, although tfjs's tiled Conv2D is slow on SwiftShader: in tfjs 4.22 the
  // naive program's shader calls main() without the index it declares, so every Conv2D fails validation.
  const described = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return { ok: true, adapter: described || 'unnamed WebGPU adapter', limits };
}

/** The GL renderer, unmasked when the browser allows it; only informative, so failures are ignored. */
function webglRenderer(): string {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return 'WebGL';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' && renderer ? renderer : 'WebGL';
  } catch {
    return 'WebGL';
  }
}
