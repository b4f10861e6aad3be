/** What the memory tracker reports: plain data, shared by the tracker, the estimate and the reports. */

export type MemoryCategory = 'weights' | 'optimizer' | 'activations' | 'data' | 'other';
export const MEMORY_CATEGORIES: readonly MemoryCategory[] = [
  'weights',
  'optimizer',
  'activations',
  'data',
  'other',
];

export interface CategoryUsage {
  bytes: number;
  tensors: number;
}

export interface LeakedTensor {
  shape: number[];
  dtype: string;
  bytes: number;
  op: string | null;
  layer: string | null;
  /** The step that created it; it was still alive after the step that followed. */
  step: number;
}

/** One allocation inside a traced step, in order: enough to replay the step at another batch size. */
export interface AllocationEvent {
  shape: number[];
  dtype: string;
  bytes: number;
  /** Live bytes just before this allocation. */
  liveBefore: number;
  op: string | null;
  layer: string | null;
  layerClass: string | null;
}

export interface StepMemoryReport {
  step: number;
  /** Live bytes at the end of the step minus live bytes at its start. */
  deltaBytes: number;
  deltaTensors: number;
  /** The most bytes alive at any moment inside the step. */
  peakBytes: number;
  liveBytes: number;
  /** Live bytes when the step began. */
  startBytes: number;
  /** Every allocation of the step in order, when the step was traced. */
  trace: AllocationEvent[] | null;
}

export interface MemorySnapshot {
  liveBytes: number;
  liveTensors: number;
  byCategory: Record<MemoryCategory, CategoryUsage>;
  /** The highest live bytes seen since the tracker was installed or the peak was last reset. */
  peakBytes: number;
  budgetBytes: number | null;
  leaks: LeakedTensor[];
  /** Bytes per layer allocated inside its `call` during the last completed step (forward activations). */
  layerBytes: Record<string, number>;
}

export function emptyUsage(): Record<MemoryCategory, CategoryUsage> {
  return {
    weights: { bytes: 0, tensors: 0 },
    optimizer: { bytes: 0, tensors: 0 },
    activations: { bytes: 0, tensors: 0 },
    data: { bytes: 0, tensors: 0 },
    other: { bytes: 0, tensors: 0 },
  };
}
