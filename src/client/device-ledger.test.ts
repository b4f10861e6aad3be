import { describe, expect, it } from 'vitest';
import { DeviceLedger } from './device-ledger';

const MB = 1024 * 1024;

describe('DeviceLedger', () => {
  it('in reserve mode, fails the second experiment with the OOM error and the hint to enable growth', () => {
    const ledger = new DeviceLedger(768 * MB);
    const first = ledger.admit('a', 'MNIST MLP', 'reserve', 512 * MB);
    expect(first).toEqual({ ok: true, limitBytes: 512 * MB });
    ledger.report('a', 12 * MB);

    const second = ledger.admit('b', 'Blobs MLP', 'reserve', 512 * MB);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.failure.message).toBe(
      "ResourceExhaustedError: OOM when reserving 512.0 MB on webgpu — capacity 768.0 MB, in use 512.0 MB, requested 512.0 MB (held by 'MNIST MLP' 512.0 MB)",
    );
    expect(second.failure.hints[0]).toContain("'MNIST MLP' reserved 512.0 MB up front but uses 12.0 MB");
    const labels = second.failure.remedies!.map((r) => r.action?.label).filter(Boolean);
    expect(labels).toEqual(['Apply: memory growth', 'Apply: budget 256 MB']);
    // Nothing was claimed by the refused start.
    expect(ledger.heldBytes()).toBe(512 * MB);
  });

  it('in growth mode, both run: each holds what it uses and is fenced by what the other holds', () => {
    const ledger = new DeviceLedger(768 * MB);
    expect(ledger.admit('a', 'first', 'growth', 512 * MB).ok).toBe(true);
    expect(ledger.admit('b', 'second', 'growth', 512 * MB).ok).toBe(true);
    ledger.report('a', 40 * MB);
    ledger.report('b', 30 * MB);
    expect(ledger.heldBytes()).toBe(70 * MB);
    expect(ledger.limitFor('a')).toBe(512 * MB);
    ledger.report('b', 500 * MB);
    expect(ledger.limitFor('a')).toBe(268 * MB);
  });

  it('frees a reservation when its run ends and tells subscribers', () => {
    const ledger = new DeviceLedger(600 * MB);
    let changes = 0;
    const unsubscribe = ledger.subscribe(() => changes++);
    ledger.admit('a', 'first', 'reserve', 500 * MB);
    expect(ledger.admit('b', 'second', 'reserve', 200 * MB).ok).toBe(false);
    ledger.release('a');
    expect(ledger.admit('b', 'second', 'reserve', 200 * MB).ok).toBe(true);
    expect(ledger.list().map((e) => [e.name, e.running, e.heldBytes])).toEqual([
      ['first', false, 0],
      ['second', true, 200 * MB],
    ]);
    unsubscribe();
    expect(changes).toBe(3);
  });
});
