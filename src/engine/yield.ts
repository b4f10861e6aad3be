/**
 * Gives the event loop a turn. The training loop does not await between steps (only at readbacks), so without
 * this a worker would never receive the `stop` message. Browsers clamp nested `setTimeout(0)` to 4 ms, a tax
 * on every yield, so they get a MessageChannel round trip; Node gets `setImmediate`, which does the same job
 * without a listening port that would keep the process alive.
 */
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

const nodeSetImmediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

export function yieldToEventLoop(): Promise<void> {
  if (nodeSetImmediate) return new Promise((resolve) => nodeSetImmediate(() => resolve()));
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
