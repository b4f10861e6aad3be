import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../experiment/spec';
import type { BackendReport } from '../experiment/protocol';

const FALLBACK_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];
const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' };

type Attempt = { ok: true; adapter: string } | { ok: false; reason: string };

/**
 * Makes the preferred backend current if it works, else the next that does (WebGPU → WebGL → CPU), and says
 * why each one before it did not: a silent fallback would make a classroom wonder why training is slow.
 */
export async function selectBackend(preference: BackendName): Promise<BackendReport> {
  const order = [preference, ...FALLBACK_ORDER.filter((name) => name !== preference)];
  const reasons: string[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name);
    if (attempt.ok) return { backend: name, fallbackReason: reasons.join(' '), adapter: attempt.adapter };
    reasons.push(`${LABEL[name]}: ${attempt.reason}`);
  }
  // The CPU backend is pure JavaScript and always registers, so this is a broken install, not a user problem.
  throw new Error(`No tfjs backend could start. ${reasons.join(' ')}`);
}

async function tryBackend(name: BackendName): Promise<Attempt> {
  try {
    if (name === 'webgpu') return await tryWebGpu();
    if (!(await tf.setBackend(name)))
      return { ok: false, reason: `tfjs could not initialise the ${name} backend.` };
    await tf.ready();
    return { ok: true, adapter: name === 'webgl' ? webglRenderer() : 'JavaScript on the CPU' };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function tryWebGpu(): Promise<Attempt> {
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
  // Imported only here: it registers the backend as a side effect, and Node and non-WebGPU browsers skip it.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) {
    return { ok: false, reason: 'an adapter exists but tfjs could not create a WebGPU device on it.' };
  }
  await tf.ready();
  const info = adapter.info;
  const described = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return { ok: true, adapter: described || 'unnamed WebGPU adapter' };
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
