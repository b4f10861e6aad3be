import type { GpuErrorRecord } from './device-failure';

/**
 * What the training loop needs from the GPU to know a step really ran: brackets around each step, and a check
 * at the points where the loop reads results back anyway. Off WebGPU (CPU, WebGL, Node tests) there is none.
 *
 * Why the split between `close` and `verify`: `popErrorScope` is asynchronous (the GPU process validates the
 * commands and answers later). Awaiting it after every step would add a round trip per step and take away the
 * queue's overlap of consecutive steps, the very stall Kiln's sparse readbacks avoid. So each step's scopes are
 * popped at once but their promises are only awaited at the readback points (every `readbackEvery` steps and at
 * epoch ends), where the loop already waits for the GPU. Until a check comes back clean, the results since the
 * previous check are unconfirmed: the loop keeps the last checked copy of the weights on the CPU (see
 * checkpoint.ts), and a failed check rolls back to it.
 */
export interface DeviceGuard {
  /** Opens error scopes for the work that follows (one step, or the epoch-end evaluation). */
  open(): void;
  /** Submits the work issued since `open` and closes its scopes, without waiting for their verdict. */
  close(): void;
  /**
   * Waits for the verdicts of every closed scope and for errors that arrived uncaptured; returns the first
   * problem (a lost device first of all), or null when everything since the last check ran clean.
   * `afterFailedRead`: a readback just rejected, so give the device's `lost` promise a moment to settle.
   */
  verify(afterFailedRead?: boolean): Promise<GpuErrorRecord | null>;
}
