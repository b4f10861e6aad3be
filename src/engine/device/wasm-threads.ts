/**
 * What the WebAssembly backend needs to run on several threads, kept apart from the tfjs calls in wasm.ts so
 * that it can be tested in Node.
 */

/** Threads tfjs's threaded build starts with the backend (Emscripten's PTHREAD_POOL_SIZE in 4.22). */
export const WASM_THREAD_POOL_SIZE = 8;

/**
 * XNNPACK's thread count: one per logical core, at most the pool tfjs starts up front. A thread beyond the pool
 * would be a Worker created while the backend waits for it, which a browser cannot start until the creating
 * thread yields.
 */
export function wasmThreadsCount(hardwareConcurrency: number | undefined): number {
  const cores = Number.isInteger(hardwareConcurrency) && hardwareConcurrency! > 0 ? hardwareConcurrency! : 1;
  return Math.min(cores, WASM_THREAD_POOL_SIZE);
}

const DECLARATION = 'var WasmBackendModuleThreadedSimd = ';
const EXPORTS_TRAILER = '\nif (typeof exports';

/**
 * The factory expression of tfjs's threaded build, taken from the package's own file
 * (`wasm-out/tfjs-backend-wasm-threaded-simd.js`, imported as text).
 *
 * tfjs starts every thread worker from `var WasmBackendModuleThreadedSimd = ` + the factory's
 * `toString()`. Bundled and minified, that text is no longer self-contained: the minifier turns the factory's
 * `typeof _scriptDir !== "undefined"` into `e !== void 0`, `e` being the enclosing closure's variable, and in
 * the worker, where the closure does not exist, that throws "e is not defined". The expression returned here is
 * the unminified `(() => { var _scriptDir = …; return function (…) {…}; })()`, which declares what it uses.
 */
export function threadedFactorySource(packageFile: string): string {
  const start = packageFile.indexOf(DECLARATION);
  const end = packageFile.indexOf(EXPORTS_TRAILER, start);
  if (start < 0 || end < 0) {
    throw new Error(
      "tfjs's threaded WebAssembly build is not laid out as tfjs-backend-wasm 4.22's is (no factory declaration followed by its exports).",
    );
  }
  return packageFile
    .slice(start + DECLARATION.length, end)
    .trim()
    .replace(/;$/, '');
}

export interface ThreadSupport {
  /** `crossOriginIsolated` of the thread that runs tfjs (the training worker). */
  isolated: boolean;
  /** tfjs's `WASM_HAS_SIMD_SUPPORT`. */
  simd: boolean;
  /** tfjs's `WASM_HAS_MULTITHREAD_SUPPORT` (a SharedArrayBuffer can be posted and threaded code validates). */
  threads: boolean;
}

/**
 * Why WebAssembly runs on one thread, for the user; null when threads run. Without isolation the browser offers
 * no SharedArrayBuffer, so that reason comes first: it is the one a host can fix.
 */
export function singleThreadReason(support: ThreadSupport): string | null {
  if (!support.isolated) {
    return 'WebAssembly runs on one thread: this page is not cross-origin isolated, which threads need (its server must send the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp).';
  }
  if (!support.threads) {
    return 'WebAssembly runs on one thread: this browser does not offer WebAssembly threads (shared memory) although the page is cross-origin isolated.';
  }
  if (!support.simd) {
    return "WebAssembly runs on one thread: tfjs's threaded build also needs WebAssembly SIMD, which this browser lacks.";
  }
  return null;
}

/** The adapter text for the badge, e.g. "WebAssembly, SIMD, 2 threads". */
export function wasmLabel(simd: boolean, threads: number): string {
  return `WebAssembly, ${simd ? 'SIMD' : 'no SIMD'}, ${threads > 1 ? `${threads} threads` : 'single thread'}`;
}
