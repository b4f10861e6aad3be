/*
 * Where a layer added from the palette goes, and how far the view pans to show nodes placed out of it (a paste).
 * Pure geometry in flow coordinates, so it can be tested without a canvas: the component reads xyflow's
 * viewport, pane size and node boxes, and acts on the answer.
 */

export interface Point {
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}
export type Rect = Point & Size;
/** xyflow's transform: a flow point p is drawn at p * zoom + (x, y) pane pixels. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}
/** Pane pixels kept clear on each side of the pane. */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}
export interface NodeBox extends Rect {
  id: string;
}

export interface PlacementInput {
  viewport: Viewport;
  pane: Size;
  /** What is drawn over the pane (zoom controls, minimap), in pane pixels: a node under one is hidden. */
  overlays: readonly Rect[];
  /** Where a node placed out of view is brought to: the pane minus these margins is clear of every overlay. */
  margins: Margins;
  /** Every node on the canvas, with its drawn (or estimated) size. */
  nodes: readonly NodeBox[];
  selectedId: string | null;
  /** The size the new node is expected to have once drawn (it is not measured before it exists). */
  size: Size;
}

export interface Placement {
  position: Point;
  /** The viewport that shows the new node, when it was placed outside the current one; null when in view. */
  reveal: Viewport | null;
}

/** The clearance kept between the new node and every other one, in flow units (ELK's spacing is 40). */
export const PLACEMENT_GAP = 40;
/** Pane pixels a node in view keeps from the pane's edges and from the overlays, so it is not cut or crowded. */
export const VIEW_INSET = 16;

/** A rectangle in pane pixels, in flow coordinates. */
export function paneToFlow(rect: Rect, viewport: Viewport): Rect {
  const { x, y, zoom } = viewport;
  return {
    x: (rect.x - x) / zoom,
    y: (rect.y - y) / zoom,
    width: rect.width / zoom,
    height: rect.height / zoom,
  };
}

/** The part of the pane a node can be seen in (the pane minus its margins), in flow coordinates. */
export function visibleFlowRect(viewport: Viewport, pane: Size, margins: Margins): Rect {
  const width = Math.max(0, pane.width - margins.left - margins.right);
  const height = Math.max(0, pane.height - margins.top - margins.bottom);
  return paneToFlow({ x: margins.left, y: margins.top, width, height }, viewport);
}

/**
 * A free spot for a new node. Near the selected node when it is in view (right of it, the way the graph flows,
 * or the nearest free spot around that), else near the centre of the view; never on (or within the gap of) an
 * existing node. When the view has no room, the nearest free spot next to the graph, with a viewport to pan to.
 */
export function placeNewLayer(input: PlacementInput): Placement {
  const { viewport, pane, margins, nodes, size } = input;
  const inset = { top: VIEW_INSET, right: VIEW_INSET, bottom: VIEW_INSET, left: VIEW_INSET };
  const view = visibleFlowRect(viewport, pane, inset);
  // A node may not come within the gap of another node, nor within the inset of an overlay.
  const crowded = nodes.map((n) => inflate(n, PLACEMENT_GAP));
  const hidden = input.overlays.map((o) => inflate(paneToFlow(o, viewport), VIEW_INSET / viewport.zoom));
  const selected = nodes.find((n) => n.id === input.selectedId);
  const preferred =
    selected && intersects(selected, view)
      ? { x: selected.x + selected.width + PLACEMENT_GAP, y: selected.y }
      : { x: view.x + (view.width - size.width) / 2, y: view.y + (view.height - size.height) / 2 };
  // Whole numbers keep the saved graph tidy (the grid steps are whole too).
  const start = { x: Math.round(preferred.x), y: Math.round(preferred.y) };

  const inView = nearestFreeSpot(start, size, [...crowded, ...hidden], view);
  if (inView) return { position: inView, reveal: null };

  // Anywhere around the graph (off-screen, so overlays do not matter). The region reaches a node, a gap and a
  // grid step beyond the graph's bounds on every side, and that band is free: a spot is always found.
  const reach = 2 * (Math.max(size.width, size.height) + PLACEMENT_GAP);
  const around = inflate(bounds([...nodes, { ...start, ...size }]), reach);
  const position = nearestFreeSpot(start, size, crowded, around) ?? start;
  return { position, reveal: revealViewport({ ...position, ...size }, viewport, pane, margins) };
}

/**
 * The viewport that brings `rect` into the visible part of the pane with the least panning, zooming out only
 * when it does not fit at the current zoom; null when it is already in view.
 */
export function revealViewport(
  rect: Rect,
  viewport: Viewport,
  pane: Size,
  margins: Margins,
): Viewport | null {
  const view = visibleFlowRect(viewport, pane, margins);
  if (contains(view, rect)) return null;
  const room = visibleFlowRect({ x: 0, y: 0, zoom: 1 }, pane, margins);
  const fit = Math.min(room.width / rect.width, room.height / rect.height);
  const zoom = Math.min(viewport.zoom, fit);
  // In pane pixels: where the rect is drawn at the new zoom, and how far it must move to sit inside the margins.
  const left = rect.x * zoom + viewport.x;
  const top = rect.y * zoom + viewport.y;
  const dx = shiftInto(left, rect.width * zoom, margins.left, pane.width - margins.right);
  const dy = shiftInto(top, rect.height * zoom, margins.top, pane.height - margins.bottom);
  return { x: viewport.x + dx, y: viewport.y + dy, zoom };
}

/** How far to move a span [start, start + length] so it lies within [low, high] (centred if it is too long). */
function shiftInto(start: number, length: number, low: number, high: number): number {
  if (length > high - low) return (low + high - length) / 2 - start;
  if (start < low) return low - start;
  if (start + length > high) return high - (start + length);
  return 0;
}

/**
 * The position nearest `start` (ties: upper, then left) where a node of `size` lies wholly in `region` and
 * touches none of the `taken` areas. Positions are tried on a grid of half a node plus gap around `start`, fine
 * enough to use the gaps between nodes that are not laid out on a grid, and coarse enough to stay cheap.
 */
function nearestFreeSpot(start: Point, size: Size, taken: readonly Rect[], region: Rect): Point | null {
  if (size.width > region.width || size.height > region.height) return null;
  const step = {
    x: Math.round((size.width + PLACEMENT_GAP) / 2),
    y: Math.round((size.height + PLACEMENT_GAP) / 2),
  };
  const first = {
    i: Math.ceil((region.x - start.x) / step.x),
    j: Math.ceil((region.y - start.y) / step.y),
  };
  const last = {
    i: Math.floor((region.x + region.width - size.width - start.x) / step.x),
    j: Math.floor((region.y + region.height - size.height - start.y) / step.y),
  };
  // Only areas reaching into the region can be in the way (on a large graph, most are not).
  const near = taken.filter((t) => intersects(t, region));
  const spots: Point[] = [];
  for (let j = first.j; j <= last.j; j++) {
    for (let i = first.i; i <= last.i; i++) spots.push({ x: start.x + i * step.x, y: start.y + j * step.y });
  }
  const distance = (p: Point) => Math.hypot(p.x - start.x, p.y - start.y);
  spots.sort((a, b) => distance(a) - distance(b) || a.y - b.y || a.x - b.x);
  return spots.find((p) => near.every((t) => !intersects(t, { ...p, ...size }))) ?? null;
}

const intersects = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const contains = (outer: Rect, inner: Rect): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

const inflate = (r: Rect, by: number): Rect => ({
  x: r.x - by,
  y: r.y - by,
  width: r.width + 2 * by,
  height: r.height + 2 * by,
});

/** The smallest rectangle around `rects` (at least one). */
export function bounds(rects: readonly Rect[]): Rect {
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}
