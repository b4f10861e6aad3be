import * as tf from '@tensorflow/tfjs';

/**
 * Starts tfjs's WebAssembly backend. The package (and its ~3 MB of .wasm binaries) loads only here, on first
 * use, like the WebGPU backend: a session that never asks for WASM never downloads it. tfjs picks the binary
 * itself: SIMD when the engine validates SIMD code, and the threaded SIMD build only when SharedArrayBuffer
 * can be posted, which a browser allows only on a cross-origin isolated page (COOP/COEP headers, see
 * vite.config.ts). Returns what ran, e.g. "WebAssembly, SIMD, 2 threads".
 */
export async function startWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!tf.findBackend('wasm')) {
    // Vite emits each binary as an asset with a hashed name; tfjs is told where each one ended up. In Node
    // (tests) the package reads the binaries from its own folder instead.
    if (typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined') {
      const [plain, simd, threaded] = await Promise.all([
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
      ]);
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': plain.default,
        'tfjs-backend-wasm-simd.wasm': simd.default,
        'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
      });
    }
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise the WebAssembly backend.');
  await tf.ready();
  return describeWasm(wasm.getThreadsCount());
}

async function describeWasm(threads: number): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const parts = ['WebAssembly', simd ? 'SIMD' : 'no SIMD'];
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const why = isolated === false ? ' (the page is not cross-origin isolated)' : '';
  parts.push(threaded ? `${threads} threads` : `single thread${why}`);
  return parts.join(', ');
}
