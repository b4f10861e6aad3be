import type { ExperimentSpec } from '../experiment/spec';
import type { Dataset } from './types';
import { makeBlobs } from './blobs';
import { decodeMnist } from './mnist';
import { DataError } from './errors';

/** Where the app serves the packed MNIST file (see scripts/mnist-asset-plugin.ts). */
export const MNIST_PATH = 'data/mnist.bin';

/**
 * Loads the dataset an experiment names. Fetching is injected so the same code runs in the worker (fetch),
 * in Node tests (a file read) and with a cached buffer across runs.
 */
export async function loadDataset(
  data: ExperimentSpec['data'],
  seed: number,
  fetchMnist: () => Promise<ArrayBuffer>,
): Promise<Dataset> {
  switch (data.dataset) {
    case 'mnist':
      return decodeMnist(await fetchMnist(), data.samples);
    case 'blobs':
      return makeBlobs(data.samples, seed);
  }
}

/** Downloads a binary asset, turning network and HTTP failures into `DataError`s a user can act on. */
export async function fetchBytes(url: string | URL, fetchFn: typeof fetch = fetch): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (error) {
    throw new DataError(
      `Could not download ${String(url)}: ${error instanceof Error ? error.message : error}.`,
      ['Check the connection and reload the page.'],
    );
  }
  if (!response.ok) {
    throw new DataError(
      `Could not download ${String(url)}: HTTP ${response.status} ${response.statusText}.`,
      ['Reload the page; if you run the dev server, restart it so the data plugin can serve the file.'],
    );
  }
  return response.arrayBuffer();
}
