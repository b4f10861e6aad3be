// The "Editor scale" section of `npm run bench` (issue 4 item 8): shape-inference time of a 200-node graph in
// Node and in Chromium, and frame times while the mouse drags a node of that graph in the real app build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

export const EDITOR_TARGETS = { analyzeMs: 5, droppedFrames: 0.1 };
const SIZE = 200;
const RUNS = 60;
const WARMUP = 10;
const DRAG_MS = 2000;
const FRAME_MS = 1000 / 60;

const quantile = (values, q) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};
const stats = (times) => ({
  runs: times.length,
  medianMs: quantile(times, 0.5),
  p95Ms: quantile(times, 0.95),
});

/** Frame intervals → medians, tails, and dropped frames counted as missed 60 Hz vsyncs over expected vsyncs. */
function frameStats(intervals) {
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

/** Builds bench/editor-scale-entry.ts into `outDir` (a plain ES module + an HTML page that loads it). */
async function buildEntry(root, outDir) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      lib: {
        entry: join(root, 'bench', 'editor-scale-entry.ts'),
        formats: ['es'],
        fileName: () => 'editor-scale.js',
      },
    },
  });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>editor scale</title>' +
      '<script type="module">import * as m from "./editor-scale.js"; window.__editorScale = m;</script>\n',
  );
}

async function dragFrames(page, url, log) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${url}?experiment=scale200`);
  const nodes = page.locator('[data-testid="layer-node"]');
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="layer-node"]').length >= n,
    SIZE,
    {
      timeout: 120_000,
    },
  );
  const rendered = await nodes.count();
  // Let the first layout, fitView and the summary settle.
  await page.waitForTimeout(1500);

  const record = (ms) =>
    page.evaluate(
      (duration) =>
        new Promise((done) => {
          const intervals = [];
          let last;
          const end = performance.now() + duration;
          const tick = (t) => {
            if (last !== undefined) intervals.push(t - last);
            last = t;
            if (t < end && !window.__stopFrames) requestAnimationFrame(tick);
            else done(intervals);
          };
          requestAnimationFrame(tick);
        }),
      ms,
    );

  const idle = await record(1000);

  // The layer nearest the middle of the canvas: on screen whatever zoom fitView chose.
  const name = await page.evaluate(() => {
    const pane = document.querySelector('.svelte-flow').getBoundingClientRect();
    const cx = pane.x + pane.width / 2;
    const cy = pane.y + pane.height / 2;
    let best = null;
    for (const el of document.querySelectorAll('[data-testid="layer-node"]')) {
      const r = el.getBoundingClientRect();
      const d = Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy);
      if (!best || d < best.d) best = { d, name: el.dataset.name };
    }
    return best.name;
  });
  const node = page.locator('.svelte-flow__node', { has: page.locator(`[data-name="${name}"]`) });
  const box = await node.locator('.class').boundingBox();
  if (!box) throw new Error('editor scale: the node to drag has no box');
  const x0 = box.x + box.width / 2;
  const y0 = box.y + box.height / 2;
  const before = await node.boundingBox();

  await page.evaluate(() => (window.__stopFrames = false));
  const frames = record(DRAG_MS + 5000);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const start = Date.now();
  let moves = 0;
  while (Date.now() - start < DRAG_MS) {
    const t = (Date.now() - start) / DRAG_MS;
    // A slow loop of ±120 × ±60 px: small steps, as a hand drags.
    await page.mouse.move(x0 + 120 * Math.sin(2 * Math.PI * t), y0 + 60 * (1 - Math.cos(2 * Math.PI * t)));
    moves++;
  }
  await page.mouse.move(x0 + 40, y0 + 30, { steps: 4 });
  const dragMs = Date.now() - start;
  await page.evaluate(() => (window.__stopFrames = true));
  const intervals = await frames;
  await page.mouse.up();
  const after = await node.boundingBox();
  const moved = before && after ? Math.hypot(after.x - before.x, after.y - before.y) : 0;
  log(
    `editor scale: dragged ${name} for ${dragMs} ms (${moves} mouse moves), the node moved ${moved.toFixed(0)} px`,
  );
  if (moved < 5) throw new Error('editor scale: the dragged node did not move');
  return {
    rendered,
    dragMs,
    moves,
    movedPx: moved,
    idle: frameStats(idle),
    drag: frameStats(intervals),
    intervals,
  };
}

/**
 * Runs the section. `browser` is a launched Playwright Chromium, `serve(dir)` the bench's static server.
 * Returns the JSON for results.json (`editorScale`) and the markdown.
 */
export async function editorScale({ root, cacheDir, browser, serve, log }) {
  const entryDir = join(cacheDir, 'editor-scale');
  const appDir = join(cacheDir, 'app');
  mkdirSync(cacheDir, { recursive: true });
  log('editor scale: building the inference module and the app…');
  await buildEntry(root, entryDir);
  // The app's own build, into the cache so that the app's dist/ (used by the browser tests) is untouched.
  await build({
    configFile: join(root, 'vite.config.ts'),
    root,
    logLevel: 'warn',
    build: { outDir: appDir, emptyOutDir: true },
  });

  // (a) Node: the same module, imported here.
  const mod = await import(`${pathToFileURL(join(entryDir, 'editor-scale.js')).href}?t=${Date.now()}`);
  const node = mod.timeAnalyze(SIZE, RUNS, WARMUP);
  if (node.errors) throw new Error(`editor scale: the ${SIZE}-node graph has ${node.errors} errors`);

  const entryServer = await serve(entryDir);
  const appServer = await serve(appDir);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${entryServer.address().port}/`);
    await page.waitForFunction(() => window.__editorScale !== undefined, null, { timeout: 60_000 });
    const chromium = await page.evaluate(
      ([size, runs, warmup]) => window.__editorScale.timeAnalyze(size, runs, warmup),
      [SIZE, RUNS, WARMUP],
    );
    log(`editor scale: analyzeGraph on ${node.nodes} nodes / ${node.edges} edges timed in Node and Chromium`);
    const drag = await dragFrames(page, `http://127.0.0.1:${appServer.address().port}/`, log);
    if (pageErrors.length) throw new Error(`editor scale: page errors: ${pageErrors.join('; ')}`);

    const inference = [
      { where: 'Chromium (page main thread)', ...stats(chromium.times) },
      { where: `Node ${process.version}`, ...stats(node.times) },
    ].map((r) => ({ ...r, ok: r.p95Ms < EDITOR_TARGETS.analyzeMs }));
    const dragOk = drag.drag.dropped !== null && drag.drag.dropped <= EDITOR_TARGETS.droppedFrames;
    const result = {
      graph: {
        nodes: node.nodes,
        edges: node.edges,
        generator: 'src/graph/testing/scale.ts scaleGraph(200)',
      },
      targets: EDITOR_TARGETS,
      inference,
      drag: { ...drag, ok: dragOk },
      raw: { chromiumMs: chromium.times, nodeMs: node.times },
    };
    return { result, markdown: editorMarkdown(result) };
  } finally {
    await context.close();
    entryServer.close();
    appServer.close();
  }
}

const f = (n, d = 2) => (n === null || n === undefined ? '—' : n.toFixed(d));
const p = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const v = (ok) => (ok ? 'ok' : '**TARGET MISSED**');

export function editorMarkdown(r) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const out = [];
  out.push(
    `### Editor scale: ${r.graph.nodes}-node graph (${r.graph.edges} edges)\n`,
    `Shape inference (\`analyzeGraph\`, a fresh copy of the graph per run, after warm-up), target < ${r.targets.analyzeMs} ms\n`,
    line(['where', 'runs', 'median ms', 'p95 ms', 'verdict (p95)']),
    line(['---', '---', '---', '---', '---']),
    ...r.inference.map((i) => line([i.where, String(i.runs), f(i.medianMs), f(i.p95Ms), v(i.ok)])),
    '',
    `Frame times (rAF intervals) in the app build with \`?experiment=scale200\` (${r.drag.rendered} nodes rendered), ` +
      `target: dropped frames ≤ ${r.targets.droppedFrames * 100}%\n`,
    line([
      'window',
      'frames',
      'median ms',
      'p95 ms',
      'max ms',
      '> 16.7 ms',
      '> 33 ms',
      'dropped (missed vsyncs)',
      'verdict',
    ]),
    line(['---', '---', '---', '---', '---', '---', '---', '---', '---']),
    line(['idle (1 s, reference)', ...row(r.drag.idle), '']),
    line([
      `mouse drag (${(r.drag.dragMs / 1000).toFixed(1)} s, ${r.drag.moves} moves)`,
      ...row(r.drag.drag),
      v(r.drag.ok),
    ]),
  );
  return out.join('\n');
}

const row = (s) => [
  String(s.frames),
  f(s.medianMs, 1),
  f(s.p95Ms, 1),
  f(s.maxMs, 1),
  p(s.over16),
  p(s.over33),
  p(s.dropped),
];
