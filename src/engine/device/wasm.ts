/// <reference types="vite/client" />
import * as tf from '@tensorflow/tfjs';
import { singleThreadReason, threadedFactorySource, wasmLabel, wasmThreadsCount } from './wasm-threads';

/**
 * Starts tfjs's WebAssembly backend. The package and its .wasm binaries (311–436 kB) load only here, on first
 * use, like the WebGPU backend: a session that never asks for WASM never downloads them. tfjs picks the
 * threaded SIMD build when the thread running it is cross-origin isolated (Kiln's server sends COOP/COEP, see
 * the README) and the engine validates SIMD and shared-memory code; the single-threaded SIMD build, or the
 * plain one, otherwise, and then `notice` says why.
 *
 * The threaded build starts its thread workers from the factory's source text, which minification breaks
 * (wasm-threads.ts says how); the factory is handed its own unminified text back before tfjs reads it.
 * A thread pool that does not start (a host whose Content-Security-Policy forbids blob: workers, or no answer
 * within THREADS_START_MS) is abandoned for the single-threaded build, and the notice says why.
 */
export interface WasmStart {
  /** What runs, e.g. "WebAssembly, SIMD, 2 threads". */
  adapter: string;
  /** Why WebAssembly runs on one thread, for the user; absent when threads run (and in Node). */
  notice?: string;
}

const THREADS_START_MS = 20_000;

let configured = false;
/** The thread count asked of tfjs (set with the paths, in the browser). */
let threads = 1;
/** Why the thread pool was abandoned, once it was: a later start gives the same reason. */
let poolFailure: string | undefined;

export async function startWasm(): Promise<WasmStart> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const inBrowser = typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined';
  // Not `tf.findBackend('wasm')` to ask: it starts the backend, fetching the binaries before their paths are set.
  if (!configured) {
    // Vite emits each binary as an asset with a hashed name; tfjs is told where each one ended up. In Node
    // (tests) the package reads the binaries from its own folder and runs single-threaded.
    if (inBrowser) {
      const [plain, simd, threaded, factory, factoryFile] = await Promise.all([
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
        import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
        import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw'),
      ]);
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': plain.default,
        'tfjs-backend-wasm-simd.wasm': simd.default,
        'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
      });
      // The same module object tfjs's backend imports (a CommonJS module: its exports are `default`).
      const threadedFactory: object = factory.default ?? factory;
      const source = threadedFactorySource(factoryFile.default);
      Object.defineProperty(threadedFactory, 'toString', { value: () => source });
      threads = wasmThreadsCount(navigator.hardwareConcurrency);
      wasm.setThreadsCount(threads);
    }
    configured = true;
  }
  const [simd, threadsSupported] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as Promise<boolean>,
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') as Promise<boolean>,
  ]);
  let notice: string | undefined;
  if (simd && threadsSupported) {
    const why = await withLogicalCores(2 * threads, () => startWithin(THREADS_START_MS));
    if (why) {
      poolFailure = `WebAssembly runs on one thread: its thread pool did not start (${why}).`;
      notice = poolFailure;
      await restartSingleThreaded();
    }
  } else {
    await setWasmBackend();
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    if (inBrowser) {
      notice = poolFailure ?? singleThreadReason({ isolated, simd, threads: threadsSupported }) ?? undefined;
    }
  }
  return { adapter: wasmLabel(simd, wasm.getThreadsCount()), ...(notice ? { notice } : {}) };
}

async function setWasmBackend(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise the WebAssembly backend.');
  await tf.ready();
}

/**
 * Runs `start` while this thread's navigator reports `cores` logical cores. tfjs 4.22's module reads
 * `navigator.hardwareConcurrency` once as it starts, halves it (it assumes two hyperthreads per core) and caps
 * the thread count there, so on a 2-core machine it would run one thread whatever `setThreadsCount` says.
 * Kiln wants one thread per logical core; the override is an own property of this worker's navigator, removed
 * as soon as the start settles.
 */
async function withLogicalCores<T>(cores: number, start: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined') return start();
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: cores, configurable: true });
  try {
    return await start();
  } finally {
    Reflect.deleteProperty(navigator, 'hardwareConcurrency');
  }
}

/**
 * Starts the threaded backend; null when it did, else why not: it failed, a Content-Security-Policy blocked the
 * blob: workers tfjs starts its threads in (the browser tells tfjs nothing, but fires a violation event here),
 * or it took longer than `ms`.
 */
async function startWithin(ms: number): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onViolation: ((event: SecurityPolicyViolationEvent) => void) | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms / 1000} s`), ms);
  });
  const blocked = new Promise<string>((resolve) => {
    onViolation = (event) => {
      if (!event.blockedURI.startsWith('blob')) return;
      resolve(
        `this page's Content-Security-Policy (${event.effectiveDirective}) forbids the blob: workers tfjs runs its threads in; allow them with worker-src 'self' blob:`,
      );
    };
    globalThis.addEventListener?.('securitypolicyviolation', onViolation);
  });
  const started = setWasmBackend().then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  try {
    return await Promise.race([started, blocked, timeout]);
  } finally {
    clearTimeout(timer);
    globalThis.removeEventListener?.('securitypolicyviolation', onViolation!);
  }
}

/**
 * Registers the WASM backend again with threads off and starts it. tfjs's engine forgets the pending threaded
 * start when the backend is removed; its idle thread workers stay until the worker ends (tfjs offers no handle
 * to end them before the backend exists).
 */
async function restartSingleThreaded(): Promise<void> {
  const factory = tf.findBackendFactory('wasm');
  if (!factory) throw new Error('tfjs lost its WebAssembly backend.');
  tf.removeBackend('wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  await setWasmBackend();
}

/** The priority tfjs-backend-wasm 4.22 registers its backend with (its base.js). */
const WASM_PRIORITY = 2;
