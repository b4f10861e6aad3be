export type * from './types';
export { getLayerSpec, listLayerSpecs, fillConfig, validateArg, checkArgValue } from './registry';
export { analyzeGraph } from './analyze';
export {
  summary,
  summaryRows,
  formatShape,
  formatCount,
  formatBytes,
  KERAS_SUMMARY_WIDTH,
  type SummaryRow,
  type SummaryTable,
  type SummaryOptions,
} from './summary';
export {
  addNode,
  connect,
  disconnect,
  removeNode,
  updateConfig,
  renameNode,
  moveNode,
  snakeCase,
  uniqueName,
  type EditResult,
} from './edit';
export { binaryClassifierGraph, multimodalGraph, mnistMlpGraph, blobsMlpGraph, TEMPLATES } from './templates';
export { ACTIVATIONS } from './layers/common';
