/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mnistAssetPlugin } from './scripts/mnist-asset-plugin';
import { ISOLATION_HEADERS } from './scripts/isolation-headers.mjs';

export default defineConfig({
  plugins: [svelte(), mnistAssetPlugin()],
  // Cross-origin isolated, so that the WASM backend can run threads (src/engine/device/wasm.ts).
  server: { host: 'localhost', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: 'localhost', port: 4173, headers: ISOLATION_HEADERS },
  // The dependency scan does not follow `new Worker(new URL(...))`; without this, tfjs is discovered when the
  // worker first starts and Vite reloads the page mid-session.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      // wasm.ts hands this module (the threaded build's factory) its own source text.
      '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
      'comlink',
      // The checkpoint store (worker side) imports idb.
      'idb',
    ],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run sum every suite into one closing line.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
});
