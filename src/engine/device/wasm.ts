/// <reference types="vite/client" />
import * as tf from '@tensorflow/tfjs';

/**
 * Starts tfjs's WebAssembly backend. The package and its .wasm binary (311 or 425 kB) load only here, on
 * first use, like the WebGPU backend: a session that never asks for WASM never downloads them. tfjs picks the
 * SIMD binary when the engine validates SIMD code, the plain one otherwise.
 *
 * Threads stay off. tfjs's threaded build needs a cross-origin isolated page (COOP/COEP headers) and starts
 * its thread workers from `factory.toString()`; once Vite bundles and minifies the package that function
 * refers to renamed outer variables, and every thread worker dies with "e is not defined" (seen in the
 * browser, in the production build). So Kiln sends no COOP/COEP headers and runs the single-threaded SIMD
 * build, which the flag below makes tfjs choose even on an isolated page.
 */
let configured = false;

export async function startWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Not `tf.findBackend('wasm')` to ask: it starts the backend, fetching the binaries before their paths are set.
  if (!configured) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // Vite emits each binary as an asset with a hashed name; tfjs is told where each one ended up. In Node
    // (tests) the package reads the binaries from its own folder instead.
    if (typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined') {
      // tfjs insists on all three entries, the threaded one included (never fetched: threads are off).
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
    configured = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise the WebAssembly backend.');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly, ${simd ? 'SIMD' : 'no SIMD'}, single thread`;
}
