// Frame times while the mouse drags a node of the 200-node graph in the real app build: the "Editor scale"
// section's drag scenarios (issue 4 item 8), used by bench/editor-scale.mjs.

const SIZE = 200;
const DRAG_MS = 2000;
const FRAME_MS = 1000 / 60;
/**
 * xyflow pans the canvas while a dragging pointer is within this many px of the canvas's edge (the `distance`
 * default of `calcAutoPan` in @xyflow/system, which @xyflow/svelte does not expose); `autoPanSpeed` only sets
 * how fast. The "within the view" loop keeps MARGIN px further in.
 */
const AUTO_PAN_BAND_PX = 40;
const MARGIN_PX = 10;
/** The loop's half-width and height, as a hand drags a layer a little way. */
const LOOP_X = 120;
const LOOP_Y = 120;

/**
 * (a) is the scenario the target applies to: a loop kept out of the auto-pan band, so it measures what a drag
 * costs, not what scrolling the whole canvas costs; the harness checks that the view did not move.
 * (b) is the loop the bench ran before: from the press point down to 120 px below it, which on the ~310 px
 * canvas of a 1280×800 page reaches the band near the bottom edge, so the view scrolls for part of it.
 */
export const DRAG_SCENARIOS = [
  { key: 'withinView', label: 'drag within the view', target: true },
  { key: 'autoPan', label: 'drag with auto-pan', target: false },
];

export const quantile = (values, q) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};

/** Frame intervals → medians, tails, and dropped frames counted as missed 60 Hz vsyncs over expected vsyncs. */
export function frameStats(intervals) {
  const total = intervals.reduce((a, b) => a + b, 0);
  const missed = intervals.reduce((a, i) => a + Math.max(0, Math.round(i / FRAME_MS) - 1), 0);
  const share = (limit) =>
    intervals.length ? intervals.filter((i) => i > limit).length / intervals.length : null;
  return {
    frames: intervals.length,
    seconds: total / 1000,
    medianMs: quantile(intervals, 0.5),
    p95Ms: quantile(intervals, 0.95),
    maxMs: intervals.length ? Math.max(...intervals) : null,
    over16: share(16.7),
    over33: share(33.4),
    dropped: total ? missed / Math.round(total / FRAME_MS) : null,
  };
}

/**
 * Records rAF intervals for `ms` (or until `window.__stopFrames`), and in how many frames the canvas's viewport
 * transform differed from the frame before (xyflow auto-panning or any other pan/zoom).
 */
const record = (page, ms) =>
  page.evaluate(
    (duration) =>
      new Promise((done) => {
        const viewport = document.querySelector('.svelte-flow__viewport');
        const transformAtStart = viewport?.style.transform ?? '';
        let previous = transformAtStart;
        let panFrames = 0;
        const intervals = [];
        let last;
        const end = performance.now() + duration;
        const tick = (t) => {
          if (last !== undefined) intervals.push(t - last);
          last = t;
          const transform = viewport?.style.transform ?? '';
          if (transform !== previous) panFrames++;
          previous = transform;
          if (t < end && !window.__stopFrames) requestAnimationFrame(tick);
          else done({ intervals, panFrames, transformAtStart, transformAtEnd: transform });
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );

/** Opens the 200-node experiment on a fresh page load and waits for it to draw and settle. */
async function openScale(page, url) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${url}?experiment=scale200`);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="layer-node"]').length >= n,
    SIZE,
    { timeout: 120_000 },
  );
  const rendered = await page.locator('[data-testid="layer-node"]').count();
  // Let the first layout, fitView and the summary settle.
  await page.waitForTimeout(1500);
  return rendered;
}

/**
 * The canvas's box and its band-free region (client px), and the layer to drag: for (b) the one nearest the
 * canvas's middle, as before; for (a) the one nearest the spot from which the loop sits in the middle of the
 * band-free region. Returns its name and where to press on it (the middle of its class label).
 */
async function pickNode(page, withinView) {
  return page.evaluate(
    ({ band, margin, loopY, withinView }) => {
      const pane = document.querySelector('.svelte-flow').getBoundingClientRect();
      const inset = band + margin;
      const free = {
        left: pane.left + inset,
        right: pane.right - inset,
        top: pane.top + inset,
        bottom: pane.bottom - inset,
      };
      const cx = (pane.left + pane.right) / 2;
      const cy = withinView ? (free.top + free.bottom - loopY) / 2 : (pane.top + pane.bottom) / 2;
      let best = null;
      for (const el of document.querySelectorAll('[data-testid="layer-node"]')) {
        const r = el.querySelector('.class').getBoundingClientRect();
        const x = r.x + r.width / 2;
        const y = r.y + r.height / 2;
        const d = Math.hypot(x - cx, y - cy);
        if (!best || d < best.d) best = { d, name: el.dataset.name, x, y };
      }
      return {
        name: best.name,
        x0: best.x,
        y0: best.y,
        pane: { width: pane.width, height: pane.height },
        free,
      };
    },
    { band: AUTO_PAN_BAND_PX, margin: MARGIN_PX, loopY: LOOP_Y, withinView },
  );
}

/**
 * The pointer's path as a function of t ∈ [0, 1], and where it ends: a loop ±ax wide from the press point down
 * to ay below it. (b) uses the full LOOP_X × LOOP_Y; (a) the same loop, shrunk only where the band-free room
 * around the chosen node is smaller (the figures say by how much).
 */
function pathFor(key, { x0, y0, free }) {
  let ax = LOOP_X;
  let ay = LOOP_Y;
  if (key === 'withinView') {
    ax = Math.min(LOOP_X, x0 - free.left, free.right - x0);
    ay = Math.min(LOOP_Y, free.bottom - y0);
    if (y0 < free.top || ax < 40 || ay < 40)
      throw new Error(
        `editor scale: no room for a drag within the view (±${ax.toFixed(0)} × ${ay.toFixed(0)} px below ` +
          `the node at y ${y0.toFixed(0)}, band-free ${free.top.toFixed(0)}–${free.bottom.toFixed(0)})`,
      );
  }
  return {
    ax,
    ay,
    at: (t) => [x0 + ax * Math.sin(2 * Math.PI * t), y0 + (ay / 2) * (1 - Math.cos(2 * Math.PI * t))],
    end: [x0 + Math.min(40, ax), y0 + Math.min(30, ay)],
  };
}

/** One drag scenario on a fresh load of the app: idle frames for reference, then ~2 s of mouse drag. */
export async function dragScenario(page, url, scenario, log) {
  const rendered = await openScale(page, url);
  const idle = await record(page, 1000);
  const pick = await pickNode(page, scenario.key === 'withinView');
  const path = pathFor(scenario.key, pick);
  const node = page.locator('.svelte-flow__node', { has: page.locator(`[data-name="${pick.name}"]`) });
  const before = await node.boundingBox();

  await page.evaluate(() => (window.__stopFrames = false));
  const frames = record(page, DRAG_MS + 5000);
  await page.mouse.move(pick.x0, pick.y0);
  await page.mouse.down();
  const start = Date.now();
  let moves = 0;
  while (Date.now() - start < DRAG_MS) {
    // One small move per round trip, as a hand drags.
    await page.mouse.move(...path.at((Date.now() - start) / DRAG_MS));
    moves++;
  }
  await page.mouse.move(...path.end, { steps: 4 });
  const dragMs = Date.now() - start;
  await page.evaluate(() => (window.__stopFrames = true));
  const drag = await frames;
  await page.mouse.up();
  const after = await node.boundingBox();
  const moved = before && after ? Math.hypot(after.x - before.x, after.y - before.y) : 0;
  log(
    `editor scale: ${scenario.label}: ${pick.name} for ${dragMs} ms (${moves} mouse moves, loop ` +
      `±${path.ax.toFixed(0)} × ${path.ay.toFixed(0)} px), node moved ${moved.toFixed(0)} px, ` +
      `view panned in ${drag.panFrames} frames`,
  );
  if (moved < 5) throw new Error(`editor scale: ${scenario.label}: the dragged node did not move`);
  if (scenario.key === 'withinView' && (drag.panFrames > 0 || drag.transformAtEnd !== drag.transformAtStart))
    throw new Error(
      `editor scale: ${scenario.label}: the view moved during the drag (${drag.panFrames} frames, ` +
        `${drag.transformAtStart} → ${drag.transformAtEnd}), so it is not a drag within the view`,
    );
  return {
    key: scenario.key,
    label: scenario.label,
    target: scenario.target,
    rendered,
    node: pick.name,
    canvasPx: pick.pane,
    loopPx: { halfWidth: path.ax, height: path.ay },
    dragMs,
    moves,
    movedPx: moved,
    panFrames: drag.panFrames,
    idle: frameStats(idle.intervals),
    drag: frameStats(drag.intervals),
    intervals: drag.intervals,
  };
}
