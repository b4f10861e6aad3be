export type * from './types';
export {
  getLayerSpec,
  listLayerSpecs,
  fillConfig,
  validateArg,
  checkArgValue,
  isTrainable,
  trainableSpec,
} from './registry';
export { setBranchTrainable, branchOf, nodeTrainable } from './freeze';
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
  shareLayer,
  snakeCase,
  uniqueName,
  type EditResult,
} from './edit';
export {
  binaryClassifierGraph,
  multimodalGraph,
  mnistMlpGraph,
  blobsMlpGraph,
  smallCnnGraph,
  residualCnnGraph,
  autoencoderGraph,
  lstmClassifierGraph,
  TEMPLATES,
} from './templates';
export { layerId, callSites } from './shared';
export { OUTPUT_LOSSES } from './outputs';
export { tfjsLimitations } from './tfjs-limits';
export { toSequential, fromSequential, type SequentialResult } from './sequential';
export { kerasPython } from './codegen/keras-python';
export { tfjsJavascript } from './codegen/tfjs-javascript';
export { DEFAULT_CODEGEN, type CodegenOptions } from './codegen/plan';
export {
  toKerasJson,
  type KerasModelJson,
  type KerasLayerJson,
  type JsonObject,
  type JsonValue,
} from './formats/keras-json';
export { fromKerasJson, type ImportResult } from './formats/keras-json-import';
export { ACTIVATIONS } from './layers/common';
