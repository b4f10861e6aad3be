/** Where the autosave stands, for the header's indicator. */
export type SaveState =
  /** Nothing to save: the experiment is as it was opened (a fresh default is not stored until it is edited). */
  | { kind: 'idle' }
  /** A change is waiting for the debounce, or being written. */
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'failed'; reason: string };

export interface AutosaverOptions<T> {
  /** Stores one value; a rejection becomes a `failed` state (worded by `describe`), never an exception. */
  write: (value: T) => Promise<unknown>;
  /** Equal keys mean equal values: a change that ends where the last write was (undo) writes nothing. */
  key: (value: T) => string;
  onstate: (state: SaveState) => void;
  describe: (error: unknown) => string;
  /** How long after the last change the write happens. */
  delayMs?: number;
}

export const AUTOSAVE_DELAY_MS = 500;

/**
 * Debounced saving: `changed` keeps only the newest value and writes it `delayMs` after the last change, so a
 * burst of edits (typing, a drag, an undo run) is one write. Writes never overlap: a flush while one is in
 * flight queues behind it, so the store always ends with the newest value. Pure TypeScript: the page calls
 * `changed` from an effect and `flush` when it is hidden.
 */
export class Autosaver<T> {
  readonly #options: AutosaverOptions<T>;
  readonly #delay: number;
  #latest: { value: T; key: string } | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastKey: string;
  /** Whether `#lastKey` is in storage (false for a fresh experiment nobody has edited yet). */
  #stored: boolean;
  #queue: Promise<void> = Promise.resolve();
  /** Bumped by `reset`: a write still in flight for the value before it must not speak for the new one. */
  #generation = 0;

  /**
   * `openedKey`: the key of the value as opened; `stored`: whether that value is already in storage (a reopened
   * experiment) or not (a fresh default, which is only written once it is edited).
   */
  constructor(options: AutosaverOptions<T>, openedKey: string, stored: boolean) {
    this.#options = options;
    this.#delay = options.delayMs ?? AUTOSAVE_DELAY_MS;
    this.#lastKey = openedKey;
    this.#stored = stored;
  }

  /**
   * Notes the newest value. The key is taken now (one JSON.stringify per change, as the undo history already
   * does), so a change back to what is stored cancels the pending write instead of writing the same again.
   */
  changed(value: T): void {
    const key = this.#options.key(value);
    clearTimeout(this.#timer);
    if (key === this.#lastKey) {
      this.#latest = null;
      this.#options.onstate(this.#restingState());
      return;
    }
    this.#latest = { value, key };
    this.#timer = setTimeout(() => void this.flush(), this.#delay);
    this.#options.onstate({ kind: 'saving' });
  }

  /** Writes the pending change now (page hidden, another experiment about to open); resolves when stored. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    const pending = this.#latest;
    this.#latest = null;
    const generation = this.#generation;
    if (pending) this.#queue = this.#queue.then(() => this.#write(pending.value, pending.key, generation));
    return this.#queue;
  }

  /** Drops any pending change and starts over from another value (another experiment was opened). */
  reset(openedKey: string, stored: boolean): void {
    clearTimeout(this.#timer);
    this.#generation += 1;
    this.#latest = null;
    this.#lastKey = openedKey;
    this.#stored = stored;
    this.#options.onstate(this.#restingState());
  }

  #restingState(): SaveState {
    return this.#stored ? { kind: 'saved', at: Date.now() } : { kind: 'idle' };
  }

  async #write(value: T, key: string, generation: number): Promise<void> {
    try {
      await this.#options.write(value);
      if (generation !== this.#generation) return;
      this.#lastKey = key;
      this.#stored = true;
      // A newer change may already be waiting: then the indicator keeps saying so.
      if (!this.#latest) this.#options.onstate({ kind: 'saved', at: Date.now() });
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#options.onstate({ kind: 'failed', reason: this.#options.describe(error) });
    }
  }
}
