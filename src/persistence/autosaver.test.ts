import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosaver, type SaveState } from './autosaver';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function saver(
  opened = 'v0',
  stored = false,
  write = vi.fn(async (_value: string): Promise<void> => undefined),
) {
  const states: SaveState['kind'][] = [];
  const autosaver = new Autosaver<string>(
    {
      write,
      key: (v) => v,
      onstate: (s) => states.push(s.kind),
      describe: (e) => (e instanceof Error ? e.message : String(e)),
      delayMs: 500,
    },
    opened,
    stored,
  );
  return { autosaver, write, states };
}

describe('Autosaver', () => {
  it('coalesces a burst of changes into one write of the newest value, 500 ms after the last', async () => {
    const { autosaver, write, states } = saver();
    for (const v of ['v1', 'v2', 'v3']) {
      autosaver.changed(v);
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(write).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write).toHaveBeenCalledWith('v3');
    expect(states.at(-1)).toBe('saved');
  });

  it('writes nothing for a value as opened or as last saved (an undo back), and says which state it is in', async () => {
    const { autosaver, write, states } = saver('v0', false);
    autosaver.changed('v0');
    await vi.advanceTimersByTimeAsync(1000);
    expect(write).not.toHaveBeenCalled();
    expect(states).toEqual(['idle']);

    autosaver.changed('v1');
    autosaver.changed('v0');
    await vi.advanceTimersByTimeAsync(1000);
    expect(write).not.toHaveBeenCalled();

    autosaver.changed('v1');
    await vi.advanceTimersByTimeAsync(500);
    autosaver.changed('v1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(write).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toBe('saved');
  });

  it('flush writes at once; writes never overlap and the newest lands last', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const write = vi.fn(
      (v: string) =>
        new Promise<void>((resolve) => {
          order.push(`start ${v}`);
          release = () => (order.push(`end ${v}`), resolve());
        }),
    );
    const { autosaver } = saver('v0', true, write);
    autosaver.changed('v1');
    const first = autosaver.flush();
    await vi.advanceTimersByTimeAsync(0);
    autosaver.changed('v2');
    const second = autosaver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['start v1']);
    release();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    release();
    await second;
    expect(order).toEqual(['start v1', 'end v1', 'start v2', 'end v2']);
  });

  it('a failed write becomes a failed state with the reason, and the next change tries again', async () => {
    const write = vi.fn(async (v: string) => {
      if (v === 'v1') throw new Error('disk full');
    });
    const states: SaveState[] = [];
    const autosaver = new Autosaver<string>(
      { write, key: (v) => v, onstate: (s) => states.push(s), describe: (e) => (e as Error).message },
      'v0',
      true,
    );
    autosaver.changed('v1');
    await autosaver.flush();
    expect(states.at(-1)).toEqual({ kind: 'failed', reason: 'disk full' });
    autosaver.changed('v2');
    await autosaver.flush();
    expect(write).toHaveBeenLastCalledWith('v2');
    expect(states.at(-1)?.kind).toBe('saved');
  });

  it('reset drops a pending change: the new experiment is not written with the old one', async () => {
    const { autosaver, write, states } = saver('a0', true);
    autosaver.changed('a1');
    autosaver.reset('b0', false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(write).not.toHaveBeenCalled();
    expect(states.at(-1)).toBe('idle');
  });
});
