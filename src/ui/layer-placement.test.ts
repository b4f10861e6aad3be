import { describe, expect, it } from 'vitest';
import {
  PLACEMENT_GAP,
  placeNewLayer,
  revealViewport,
  visibleFlowRect,
  VIEW_INSET,
  type NodeBox,
  type PlacementInput,
  type Rect,
} from './layer-placement';

// A 1000×600 pane like the editor's: zoom controls at the bottom left, the minimap at the bottom right, and the
// margins that keep a revealed node clear of both (pane pixels 24..976 × 24..470).
const pane = { width: 1000, height: 600 };
const controls = { x: 15, y: 475, width: 30, height: 110 };
const minimap = { x: 835, y: 485, width: 150, height: 100 };
const margins = { top: 24, right: 24, bottom: 130, left: 24 };
const size = { width: 190, height: 110 };
const home = { x: 0, y: 0, zoom: 1 };
// At the home viewport a node in view lies within the pane inset by VIEW_INSET: 16..984 × 16..584.
const homeView = { x: VIEW_INSET, y: VIEW_INSET, width: 1000 - 2 * VIEW_INSET, height: 600 - 2 * VIEW_INSET };

const box = (id: string, x: number, y: number): NodeBox => ({ id, x, y, width: 172, height: 100 });
const input = (over: Partial<PlacementInput>): PlacementInput => ({
  viewport: home,
  pane,
  overlays: [controls, minimap],
  margins,
  nodes: [],
  selectedId: null,
  size,
  ...over,
});
const placed = (p: { x: number; y: number }): Rect => ({ ...p, ...size });
const contains = (outer: Rect, inner: Rect) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;
/** True when `a` keeps at least `gap` (by default the placement gap) from `b`. */
const clear = (a: Rect, b: Rect, gap = PLACEMENT_GAP) =>
  a.x >= b.x + b.width + gap ||
  b.x >= a.x + a.width + gap ||
  a.y >= b.y + b.height + gap ||
  b.y >= a.y + a.height + gap;

describe('visibleFlowRect', () => {
  it('is the pane minus its margins at the identity viewport', () => {
    expect(visibleFlowRect(home, pane, margins)).toEqual({ x: 24, y: 24, width: 952, height: 446 });
  });

  it('undoes the pan and the zoom', () => {
    // Flow point p is drawn at p * 0.5 + (-500, 200): pane pixel 24 shows flow (24 + 500) / 0.5 = 1048.
    expect(visibleFlowRect({ x: -500, y: 200, zoom: 0.5 }, pane, margins)).toEqual({
      x: 1048,
      y: -352,
      width: 1904,
      height: 892,
    });
  });
});

describe('placeNewLayer', () => {
  it('centres the node in the view of an empty canvas', () => {
    // 16 + (968 - 190) / 2, 16 + (568 - 110) / 2.
    expect(placeNewLayer(input({}))).toEqual({ position: { x: 405, y: 245 }, reveal: null });
  });

  it('centres the node in a panned and zoomed view, away from the graph', () => {
    const nodes = [box('a', 0, 0), box('b', 220, 0)];
    const result = placeNewLayer(input({ viewport: { x: -500, y: 200, zoom: 0.5 }, nodes, selectedId: 'a' }));
    // The view is flow 1032..2968 × -368..768, so the selected node is off-screen and the view's centre wins.
    expect(result).toEqual({
      position: { x: 1032 + (1936 - 190) / 2, y: -368 + (1136 - 110) / 2 },
      reveal: null,
    });
  });

  it('puts the node right of a visible selected node, one gap away', () => {
    const nodes = [box('a', 100, 100)];
    expect(placeNewLayer(input({ nodes, selectedId: 'a' }))).toEqual({
      position: { x: 100 + 172 + PLACEMENT_GAP, y: 100 },
      reveal: null,
    });
  });

  it('moves to the nearest free spot in view when the spot beside the selection is taken', () => {
    const nodes = [box('a', 100, 100), box('b', 312, 100)];
    const { position, reveal } = placeNewLayer(input({ nodes, selectedId: 'a' }));
    // Grid steps are (190 + 40) / 2 = 115 and (110 + 40) / 2 = 75: two rows down clears b; up leaves the view.
    expect(position).toEqual({ x: 312, y: 250 });
    expect(reveal).toBeNull();
    for (const n of nodes) expect(clear(placed(position), n)).toBe(true);
  });

  it('keeps clear of the minimap', () => {
    const nodes = [box('a', 500, 400)];
    const { position } = placeNewLayer(input({ nodes, selectedId: 'a' }));
    // Right of a (712, 400) would reach under the minimap; one grid step up (75) is clear of it.
    expect(position).toEqual({ x: 712, y: 325 });
  });

  it('never lands on a node, and stays in view while there is room', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let round = 0; round < 50; round++) {
      const nodes = Array.from({ length: 12 }, (_, i) => box(`n${i}`, random() * 900, random() * 500));
      const selectedId = round % 2 === 0 ? 'n0' : null;
      const { position, reveal } = placeNewLayer(input({ nodes, selectedId }));
      for (const n of nodes) expect(clear(placed(position), n)).toBe(true);
      for (const o of [controls, minimap]) expect(clear(placed(position), o, VIEW_INSET)).toBe(true);
      if (reveal === null) expect(contains(homeView, placed(position))).toBe(true);
    }
  });

  it('places the node next to a graph that fills the view, and pans to show it', () => {
    const nodes: NodeBox[] = [];
    for (let x = 0; x < 1000; x += 200) for (let y = 0; y < 600; y += 150) nodes.push(box(`${x},${y}`, x, y));
    const { position, reveal } = placeNewLayer(input({ nodes }));
    // Below the bottom row (450..550, then the gap), the side nearest the view's centre (405, 245): 245 + 5 × 75.
    expect(position).toEqual({ x: 405, y: 620 });
    for (const n of nodes) expect(clear(placed(position), n)).toBe(true);
    // Panned up just enough for its bottom (730) to sit on the bottom margin (470).
    expect(reveal).toEqual({ x: 0, y: -260, zoom: 1 });
  });

  it('zooms out when the view is too small to hold the node', () => {
    const viewport = { x: 0, y: 0, zoom: 6 };
    const { position, reveal } = placeNewLayer(input({ viewport }));
    expect(reveal).not.toBeNull();
    // Within the margins the pane shows 952×446 pixels: a 110-unit-high node fits at zoom 446 / 110.
    expect(reveal!.zoom).toBeCloseTo(446 / 110);
    expect(contains(visibleFlowRect(reveal!, pane, margins), placed(position))).toBe(true);
  });
});

describe('revealViewport', () => {
  it('is null when the rectangle is already in view', () => {
    expect(revealViewport({ x: 100, y: 100, ...size }, home, pane, margins)).toBeNull();
  });

  it('pans just far enough to bring the rectangle inside the margins', () => {
    // The right edge 1200 + 190 is drawn at 976 after moving 414 pixels left.
    expect(revealViewport({ x: 1200, y: 100, ...size }, home, pane, margins)).toEqual({
      x: -414,
      y: 0,
      zoom: 1,
    });
    // Above the view at zoom 2: the top edge -300 * 2 + 50 must come down to 24.
    expect(revealViewport({ x: 100, y: -300, ...size }, { x: 0, y: 50, zoom: 2 }, pane, margins)).toEqual({
      x: 0,
      y: 624,
      zoom: 2,
    });
  });
});
