import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  singleThreadReason,
  threadedFactorySource,
  WASM_THREAD_POOL_SIZE,
  wasmLabel,
  wasmThreadsCount,
} from './wasm-threads';

const require = createRequire(import.meta.url);
const packageFile = readFileSync(
  require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
  'utf8',
);

describe('threadedFactorySource', () => {
  it("gives an expression that defines tfjs's threaded factory with nothing from outside", () => {
    const source = threadedFactorySource(packageFile);
    // What a thread worker runs: the declaration tfjs prepends, evaluated where no bundle scope exists.
    const sandbox: Record<string, unknown> = {};
    runInNewContext(`var WasmBackendModuleThreadedSimd = ${source};`, sandbox);
    const factory = sandbox.WasmBackendModuleThreadedSimd as (...args: unknown[]) => unknown;
    expect(typeof factory).toBe('function');
    // The emscripten factory takes the module settings object.
    expect(factory.length).toBe(1);
    expect(source).toContain('var _scriptDir');
    expect(source).not.toContain('module.exports');
  });

  it('refuses a file laid out differently (another tfjs version) instead of guessing', () => {
    expect(() => threadedFactorySource('module.exports = function () {};')).toThrow(/4\.22/);
  });
});

describe('wasmThreadsCount', () => {
  it('uses one thread per logical core, at most the pool tfjs starts', () => {
    expect(wasmThreadsCount(2)).toBe(2);
    expect(wasmThreadsCount(6)).toBe(6);
    expect(wasmThreadsCount(32)).toBe(WASM_THREAD_POOL_SIZE);
  });

  it('falls back to one thread when the browser reports no usable core count', () => {
    expect(wasmThreadsCount(undefined)).toBe(1);
    expect(wasmThreadsCount(0)).toBe(1);
    expect(wasmThreadsCount(1.5)).toBe(1);
  });
});

describe('singleThreadReason', () => {
  it('names the missing headers first when the page is not isolated', () => {
    const reason = singleThreadReason({ isolated: false, simd: true, threads: false });
    expect(reason).toMatch(/not cross-origin isolated/);
    expect(reason).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(reason).toContain('Cross-Origin-Embedder-Policy: require-corp');
  });

  it('names the browser when an isolated page still gets no threads, and SIMD when only that lacks', () => {
    expect(singleThreadReason({ isolated: true, simd: true, threads: false })).toMatch(
      /browser does not offer WebAssembly threads/,
    );
    expect(singleThreadReason({ isolated: true, simd: false, threads: true })).toMatch(/SIMD/);
  });

  it('has nothing to say when threads run', () => {
    expect(singleThreadReason({ isolated: true, simd: true, threads: true })).toBeNull();
  });
});

describe('wasmLabel', () => {
  it('says how many threads run', () => {
    expect(wasmLabel(true, 2)).toBe('WebAssembly, SIMD, 2 threads');
    expect(wasmLabel(true, 1)).toBe('WebAssembly, SIMD, single thread');
    expect(wasmLabel(false, 1)).toBe('WebAssembly, no SIMD, single thread');
  });
});
