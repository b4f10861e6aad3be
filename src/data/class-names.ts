import type { DatasetName } from '../experiment/spec';

/**
 * The class names of each built-in dataset, known before it loads: the settings panel shows one class-weight
 * field per class, and class weights are keyed by class index in this order.
 */
export const DATASET_CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  blobs: ['A', 'B', 'C'],
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};
