import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS } from '../scripts/isolation-headers.mjs';

/**
 * The bench page's own build (`npm run bench` runs it): bench/index.html + its worker, bundling the engine
 * from src/. The app's vite.config.ts is untouched. Output goes under node_modules/.cache so that neither the
 * app's `dist/` (emptied by `vite build`) nor the linters see it.
 */
export const BENCH_OUT_DIR = fileURLToPath(
  new URL('../node_modules/.cache/kiln-bench/dist', import.meta.url),
);

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  // As the app's servers: cross-origin isolated, so WASM runs its threaded build (run.mjs's server sends them too).
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    outDir: BENCH_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    // The bundler's timing report only says the worker bundle is the slow part; it is noise here.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
