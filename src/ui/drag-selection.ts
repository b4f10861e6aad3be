/**
 * The selection a node drag makes, held back until the drag is over: pressing on an unselected node and
 * dragging selects it as the drag starts, and the store (inspector, summary row) should take that selection
 * once, at the end, rather than building the inspector's form during the drag's first frames.
 *
 * A drag is over when xyflow reports its stop, but also when the pointer is released or cancelled, or the
 * window loses focus, because xyflow does not always report the stop (it drops it when the dragged node is
 * removed mid-drag, and a release the page never sees ends no gesture). Whatever ended it, `end` hands back
 * the held selection, so the inspector always catches up.
 */
export class DragSelection {
  #dragging = false;
  /** The selection made during the drag: a node id, null (nothing selected), or undefined (no change). */
  #held: string | null | undefined;

  get dragging(): boolean {
    return this.#dragging;
  }

  start(): void {
    this.#dragging = true;
  }

  /** True when `nodeId` should reach the store now; during a drag it is held until `end`. */
  offer(nodeId: string | null): boolean {
    if (!this.#dragging) return true;
    this.#held = nodeId;
    return false;
  }

  /** Ends the drag (a no-op when none is in progress); returns the held selection, or undefined if none. */
  end(): string | null | undefined {
    const held = this.#held;
    this.#dragging = false;
    this.#held = undefined;
    return held;
  }
}
