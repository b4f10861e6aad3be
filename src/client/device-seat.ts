import type { ExperimentSpec } from '../experiment/spec';
import type { TrainFailure } from '../experiment/protocol';

/**
 * A TrainerClient's seat on a shared device (src/client/shared-device.svelte.ts): a run is admitted before
 * the worker hears of it, reports its live bytes while it runs, and gives its memory back when it ends
 * (finished, stopped, failed and not resumable, discarded, or its worker gone).
 */
export interface DeviceSeat {
  /** Null to go ahead, or the failure that refuses the start: then no worker call is made. */
  admit(spec: ExperimentSpec): TrainFailure | null;
  report(liveBytes: number): void;
  release(): void;
}
