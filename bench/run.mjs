// `npm run bench`: builds the bench page (bench/vite.config.ts), serves it on 127.0.0.1, runs it in Debian's
// headless Chromium with WebGPU on, writes bench/results.json and prints markdown tables.
// Exits non-zero only when the bench itself could not run (build, server, browser, worker error, timeout);
// a missed target is a "TARGET MISSED" row, not a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { ISOLATION_HEADERS } from '../scripts/isolation-headers.mjs';
import { editorScale } from './editor-scale.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_FILE = join(ROOT, 'bench', 'vite.config.ts');
// Must match BENCH_OUT_DIR in bench/vite.config.ts.
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'kiln-bench', 'dist');
const RESULTS = join(ROOT, 'bench', 'results.json');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The whole bench must finish within this; a stalled worker (no log line) fails sooner. */
const TOTAL_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 45 * 60_000);
const STALL_TIMEOUT_MS = 10 * 60_000;
const QUICK = process.env.BENCH_QUICK === '1';
/**
 * `BENCH_ONLY=editor` runs only the "Editor scale" section (≈ 30 s), `BENCH_ONLY=engine` only the rest,
 * `BENCH_ONLY=backends` only the loop-vs-fit rows of every backend and the auto pick.
 */
const ONLY = process.env.BENCH_ONLY ?? '';
if (!['', 'editor', 'engine', 'backends'].includes(ONLY))
  throw new Error(`BENCH_ONLY must be editor, engine or backends, not ${ONLY}`);
const BACKENDS_ONLY = ONLY === 'backends';
/** `BENCH_BACKENDS=webgl,wasm` and `BENCH_MODELS=mlp` narrow the loop-vs-fit rows (a partial run, stored apart). */
const list = (value, allowed, name) => {
  if (!value) return allowed;
  const picked = value.split(',').map((v) => v.trim());
  const wrong = picked.filter((v) => !allowed.includes(v));
  if (wrong.length) throw new Error(`${name} takes ${allowed.join(', ')}, not ${wrong.join(', ')}`);
  return picked;
};
const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
const BACKENDS = list(process.env.BENCH_BACKENDS, ALL_BACKENDS, 'BENCH_BACKENDS');
const MODELS = list(process.env.BENCH_MODELS, ['mlp', 'cnn'], 'BENCH_MODELS');
/**
 * `BENCH_FLAGS='WEBGPU_MATMUL_PROGRAM_TYPE=3;WEBGL_PACK=false'` adds rows trained with tfjs flags the app does
 * not set: variants separated by `;`, each a comma list of FLAG=value, on the backend its prefix names.
 */
const flagVariantsFromEnv = (value) =>
  (value ?? '')
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((variant) => {
      const flags = Object.fromEntries(
        variant.split(',').map((pair) => {
          const [flag, raw] = pair.split('=').map((x) => x.trim());
          const parsed = raw === 'true' ? true : raw === 'false' ? false : Number(raw);
          if (!flag || raw === undefined || (typeof parsed === 'number' && !Number.isFinite(parsed)))
            throw new Error(`BENCH_FLAGS: '${pair}' is not FLAG=true|false|number`);
          return [flag, parsed];
        }),
      );
      const prefixes = new Set(Object.keys(flags).map((flag) => flag.split('_')[0].toLowerCase()));
      const [backend] = prefixes;
      if (prefixes.size !== 1 || !ALL_BACKENDS.includes(backend))
        throw new Error(`BENCH_FLAGS: '${variant}' must name flags of one backend (WEBGPU_, WEBGL_, WASM_)`);
      return { backend, flags };
    });
const EXTRA_FLAG_VARIANTS = flagVariantsFromEnv(process.env.BENCH_FLAGS);
const PARTIAL = BACKENDS.length < ALL_BACKENDS.length || MODELS.length < 2 || EXTRA_FLAG_VARIANTS.length > 0;
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'kiln-bench');
const BROWSER_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Writes `patch` over bench/results.json's top-level keys, keeping the sections this run did not measure. */
function mergeResults(patch) {
  let previous;
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    previous = {};
  }
  writeFileSync(RESULTS, JSON.stringify({ ...previous, ...patch }, null, 2) + '\n');
}

/** The "Editor scale" section: prints its tables and stores them under `editorScale` in results.json. */
async function runEditorScale(browser) {
  const start = Date.now();
  const loadBefore = loadavg();
  const { result, markdown: md } = await editorScale({
    root: ROOT,
    cacheDir: CACHE_DIR,
    browser,
    serve,
    log: (line) => console.log(`bench: ${line}`),
  });
  const environment = {
    date: new Date().toISOString(),
    chromium: browser.version(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    loadAverageBefore: loadBefore.map((x) => +x.toFixed(2)),
    loadAverageAfter: loadavg().map((x) => +x.toFixed(2)),
  };
  mergeResults({
    editorScale: { environment, wallSeconds: (Date.now() - start) / 1000, ...result, markdown: md },
  });
  console.log(
    `\n## Kiln bench: editor scale — ${environment.date}\n\n${environment.chromium} (${environment.cpu}, load ` +
      `average ${environment.loadAverageBefore[0]} → ${environment.loadAverageAfter[0]})\n`,
  );
  console.log(md);
}

const BATCHES = QUICK
  ? {
      webgpu: { mlp: 5, cnn: 3 },
      webgl: { mlp: 10, cnn: 5 },
      wasm: { mlp: 10, cnn: 3 },
      cpu: { mlp: 5, cnn: 3 },
    }
  : {
      webgpu: { mlp: 15, cnn: 2 },
      webgl: { mlp: 30, cnn: 5 },
      wasm: { mlp: 60, cnn: 3 },
      cpu: { mlp: 10, cnn: 3 },
    };

/** @type {import('./protocol').BenchConfig} */
const CONFIG = {
  backends: BACKENDS,
  models: MODELS,
  runs: QUICK ? { webgpu: 1, webgl: 1, wasm: 1, cpu: 1 } : { webgpu: 3, webgl: 5, wasm: 7, cpu: 7 },
  batches: BATCHES,
  // WEBGPU_USE_NAIVE_CONV2D_DEBUG is not benchmarked: its shader fails WGSL validation in tfjs 4.22, so the
  // "faster" conv it gave did no work at all. The row below is tfjs's default convolution path on a CPU
  // adapter, where Kiln sets WEBGPU_CONV_SEPARATE_IM2COL_SHADER (src/engine/device/webgpu-flags.ts).
  flagVariants: [
    ...(BACKENDS.includes('webgpu') && MODELS.includes('cnn')
      ? [
          {
            backend: 'webgpu',
            flags: { WEBGPU_CONV_SEPARATE_IM2COL_SHADER: false },
            batches: { cnn: QUICK ? 3 : 2 },
          },
        ]
      : []),
    ...EXTRA_FLAG_VARIANTS.filter((v) => BACKENDS.includes(v.backend)).map((v) => ({
      ...v,
      batches: Object.fromEntries(MODELS.map((m) => [m, BATCHES[v.backend][m]])),
    })),
  ],
  readbackEvery: 10,
  estimateBackends: BACKENDS_ONLY || PARTIAL ? [] : ['webgpu', 'cpu'],
  estimateSteps: 4,
  autoPick: !PARTIAL,
};

const TARGETS = {
  gpuRatio: 1.2,
  anyRatio: 1.0,
  estimateError: 0.1,
  trackerOverhead: 0.05,
  longTaskMs: 200,
  // The backend auto picks trains the MLP at least this fraction as fast as the fastest backend measured.
  autoPick: 0.95,
};
const MIB = 1024 * 1024;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

function serve(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    // Cross-origin isolated like the app's servers, so WASM is measured with its threads.
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      ...ISOLATION_HEADERS,
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'ok' : '**TARGET MISSED**');

/** The backend, with any tfjs flags the row ran with. */
const label = (s) =>
  [s.backend, ...Object.entries(s.flags ?? {}).map(([flag, value]) => `${flag}=${value}`)].join(' + ');

function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The interpreters tried for the PyTorch row: the one on PATH, then Debian's (where python3-torch installs). */
const PYTHONS = ['python3', '/usr/bin/python3'];
/** Batches per timed run of the PyTorch reference: more than the tfjs CPU rows, as it is ~10× faster. */
const PYTORCH_BATCHES = QUICK ? { mlp: 10, cnn: 5 } : { mlp: 60, cnn: 20 };
const PYTORCH_RUNS = QUICK ? 1 : 5;

/**
 * PyTorch CPU on the same models (bench/pytorch_reference.py), run once the bench page has finished so the two
 * do not share the cores. Unavailable (and why) when no interpreter imports torch.
 */
function pythonTorch(models) {
  let reason = '';
  for (const python of PYTHONS) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
    if (probe.status !== 0) {
      reason ||= (probe.stderr || probe.error?.message || '').trim().split('\n').at(-1);
      continue;
    }
    const batches = Object.fromEntries(models.map((m) => [m, PYTORCH_BATCHES[m]]));
    const run = spawnSync(
      python,
      [join(ROOT, 'bench', 'pytorch_reference.py'), JSON.stringify(batches), String(PYTORCH_RUNS)],
      { encoding: 'utf8', timeout: 15 * 60_000 },
    );
    if (run.status !== 0) {
      return { available: false, reason: `${python}: ${(run.stderr || run.error?.message || '').trim()}` };
    }
    return { available: true, python, ...JSON.parse(run.stdout.trim().split('\n').at(-1)) };
  }
  return { available: false, reason };
}

// ------------------------------------------------------------------ analysis

function analyse(results, page) {
  const speedRows = results.speed.map((s) => {
    const range = (v) => {
      const values = s.runs[v].map((r) => r.samplesPerSecond);
      return `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
    };
    const ratio = s.median.kiln / s.median.fit;
    const ratioUntracked = s.median['kiln-untracked'] / s.median.fit;
    const target = s.backend === 'cpu' || s.backend === 'wasm' ? TARGETS.anyRatio : TARGETS.gpuRatio;
    return {
      backend: label(s),
      model: s.model,
      batchesPerRun: s.batchesPerRun,
      runs: s.runs.fit.length,
      kiln: s.median.kiln,
      kilnUntracked: s.median['kiln-untracked'],
      fit: s.median.fit,
      kilnRange: range('kiln'),
      fitRange: range('fit'),
      ratio,
      ratioUntracked,
      target,
      ok: ratio >= target && ratioUntracked >= TARGETS.anyRatio,
      kernels: Object.fromEntries(
        Object.entries(s.kernels ?? {}).map(([v, counts]) => [
          v,
          Object.values(counts).reduce((a, b) => a + b, 0),
        ]),
      ),
      fitProgressPerRun: median(s.runs.fit.map((r) => r.progressPosted)),
      kilnProgressPerRun: median(s.runs.kiln.map((r) => r.progressPosted)),
    };
  });

  const overheadRows = results.speed.map((s) => {
    const msPerStep = (v) => median(s.runs[v].map((r) => r.ms / r.steps));
    const off = msPerStep('kiln-untracked');
    const on = msPerStep('kiln');
    // Paired: the two runs of one round ran back to back, so their ratio cancels slow drift.
    const paired = median(s.runs.kiln.map((r, i) => r.ms / s.runs['kiln-untracked'][i].ms - 1));
    const overhead = on / off - 1;
    return {
      backend: label(s),
      model: s.model,
      offMsPerStep: off,
      onMsPerStep: on,
      overhead,
      pairedOverhead: paired,
      runs: s.runs.kiln.length,
      ok: overhead <= TARGETS.trackerOverhead,
    };
  });

  const estimateRows = results.estimates.map((e) => {
    const error =
      e.estimateBytes !== null && e.measuredBytes
        ? (e.estimateBytes - e.measuredBytes) / e.measuredBytes
        : null;
    const resident = e.residentBytes ?? 0;
    const stepError =
      e.estimateBytes !== null && e.measuredBytes && e.measuredBytes > resident
        ? (e.estimateBytes - e.measuredBytes) / (e.measuredBytes - resident)
        : null;
    return { ...e, error, stepError, ok: error === null ? false : Math.abs(error) <= TARGETS.estimateError };
  });

  const windows = page.sections.map((s) => {
    const tasks = page.longTasks.filter((t) => t.start >= s.start && t.start <= (s.end ?? Infinity));
    return {
      section: s.name,
      seconds: ((s.end ?? s.start) - s.start) / 1000,
      longTasks: tasks.length,
      over200: tasks.filter((t) => t.duration > TARGETS.longTaskMs).length,
      longestMs: tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0,
    };
  });
  const first = page.sections[0]?.start ?? 0;
  const last = page.sections.at(-1)?.end ?? Infinity;
  const during = page.longTasks.filter((t) => t.start >= first && t.start <= last);
  const longTaskSummary = {
    total: during.length,
    over200: during.filter((t) => t.duration > TARGETS.longTaskMs).length,
    longestMs: during.length ? Math.max(...during.map((t) => t.duration)) : 0,
    beforeTraining: page.longTasks.filter((t) => t.start < first).length,
  };
  return {
    speedRows,
    skippedRows: results.skipped,
    autoPick: autoPickRow(results),
    overheadRows,
    estimateRows,
    windows,
    longTaskSummary,
  };
}

/**
 * The auto pick against the loop-vs-fit table: the picked backend's Kiln-loop figure on the MLP over the
 * fastest backend's (tfjs defaults, no flag rows). Within 5% means auto chose as well as a person with the
 * whole table would have.
 */
function autoPickRow(results) {
  const pick = results.autoPick;
  if (!pick) return null;
  const mlp = results.speed.filter((s) => s.model === 'mlp' && Object.keys(s.flags).length === 0);
  const fastest = mlp.reduce((a, b) => (b.median.kiln > a.median.kiln ? b : a), mlp[0]);
  const picked = mlp.find((s) => s.backend === pick.picked);
  const ratio = picked && fastest ? picked.median.kiln / fastest.median.kiln : null;
  return {
    picked: pick.picked,
    reason: pick.auto.reason,
    seconds: pick.auto.seconds,
    trials: pick.auto.trials,
    pickedLoop: picked?.median.kiln ?? null,
    fastest: fastest?.backend ?? null,
    fastestLoop: fastest?.median.kiln ?? null,
    ratio,
    ok: ratio === null ? null : ratio >= TARGETS.autoPick,
  };
}

/** The PyTorch CPU reference against the fastest Kiln loop measured on each model. */
function pytorchSection(speedRows, pytorch) {
  if (!pytorch?.available) return `\nPyTorch CPU reference: not run (${pytorch?.reason ?? 'no loop rows'}).`;
  const rows = Object.entries(pytorch.results).map(([model, r]) => {
    const kiln = speedRows.filter((row) => row.model === model && !row.backend.includes('='));
    const best = kiln.reduce((a, b) => (b.kiln > (a?.kiln ?? 0) ? b : a), null);
    return [
      model,
      `${r.batches} × ${r.runs.length}`,
      `${fmt(r.median)} (${fmt(Math.min(...r.runs))}–${fmt(Math.max(...r.runs))})`,
      best ? `${fmt(best.kiln)} (${best.backend})` : '—',
      best ? `${(best.kiln / r.median).toFixed(2)}×` : '—',
    ];
  });
  return [
    `\n### 1c. PyTorch CPU reference (${pytorch.python}: torch ${pytorch.version}, BLAS ${pytorch.blas}, ` +
      `${pytorch.threads} threads)\n`,
    table(['model', 'batches/run × runs', 'PyTorch samples/s', 'fastest Kiln loop', 'Kiln / PyTorch'], rows),
    '\nSame layers, batch 64, Adam (lr 0.001, ε 1e-7), synthetic data, the loss read back every batch; ' +
      "informational, no target. BLAS 'generic' is a reference BLAS build; an OpenBLAS/MKL build is much faster.",
  ].join('\n');
}

function markdown(a, env) {
  const out = [];
  out.push('### 1. Kiln loop vs `tf.LayersModel.fit` (samples/s, median of timed runs after a warm-up)\n');
  out.push(
    table(
      [
        'backend',
        'model',
        'batches/run × runs',
        'Kiln loop (tracker on)',
        'Kiln loop (tracker off)',
        'fit + onBatchEnd',
        'ratio Kiln/fit',
        'ratio (tracker off)',
        'kernels/step Kiln / fit',
        'target',
        'verdict',
      ],
      a.speedRows.map((r) => [
        r.backend,
        r.model,
        `${r.batchesPerRun} × ${r.runs}`,
        `${fmt(r.kiln)} (${r.kilnRange})`,
        fmt(r.kilnUntracked),
        `${fmt(r.fit)} (${r.fitRange})`,
        `${r.ratio.toFixed(2)}×`,
        `${r.ratioUntracked.toFixed(2)}×`,
        `${r.kernels.kiln ?? '—'} / ${r.kernels.fit ?? '—'}`,
        `≥ ${r.target.toFixed(1)}×`,
        verdict(r.ok),
      ]),
    ),
  );
  for (const r of a.skippedRows)
    out.push(`| ${r.backend} | ${r.model} | skipped: ${r.reason} ||||||||| n/a |`);
  out.push(
    `\nBatch 64, Adam, synthetic MNIST-shaped data, readbackEvery ${CONFIG.readbackEvery}. wasm: ${env.wasm}.`,
  );
  out.push(pytorchSection(a.speedRows, env.pytorch));
  if (a.autoPick) {
    const p = a.autoPick;
    out.push(
      `\n### 1b. Backend auto pick (MLP, batch 64), target: picked ≥ ${TARGETS.autoPick * 100}% of the fastest\n`,
    );
    out.push(
      table(
        ['auto trial', 'samples/s (trial step)', 'turn took s', 'note'],
        p.trials.map((t) => [
          t.backend === p.picked ? `**${t.backend}** (picked)` : t.backend,
          t.status === 'measured' ? fmt(t.samplesPerSecond) : '—',
          fmt(t.seconds, 1),
          t.status === 'measured' ? `${fmt(t.stepMs, 1)} ms × ${t.steps} steps` : `skipped: ${t.reason}`,
        ]),
      ),
    );
    out.push(
      `\nAuto picked **${p.picked}** in ${fmt(p.seconds, 1)} s: ${p.reason} Kiln loop on the MLP (table 1): ` +
        `${p.picked} ${fmt(p.pickedLoop)} samples/s vs fastest ${p.fastest} ${fmt(p.fastestLoop)} → ` +
        `${p.ratio === null ? '—' : `${(p.ratio * 100).toFixed(1)}%`} — ${verdict(p.ok)}.`,
    );
  }

  out.push('\n### 2. Pre-flight estimate vs measured peak (MemoryTracker), target ±10%\n');
  out.push(
    table(
      [
        'backend',
        'model',
        'batch',
        'optimizer',
        'estimate MiB',
        'measured MiB',
        'error',
        'error excl. dataset',
        'verdict',
      ],
      a.estimateRows.map((r) => [
        r.backend,
        r.model,
        String(r.batchSize),
        r.optimizer,
        r.estimateBytes === null ? '—' : fmt(r.estimateBytes / MIB, 3),
        r.measuredBytes === null ? '—' : fmt(r.measuredBytes / MIB, 3),
        r.error === null ? `— (${r.status}${r.failure ? `: ${r.failure}` : ''})` : pct(r.error),
        pct(r.stepError),
        verdict(r.ok),
      ]),
    ),
  );

  out.push('\n### 3. MemoryTracker overhead (Kiln loop, ms per step, median), target ≤ 5%\n');
  out.push(
    table(
      [
        'backend',
        'model',
        'runs',
        'tracker off ms/step',
        'tracker on ms/step',
        'overhead (medians)',
        'overhead (paired)',
        'verdict',
      ],
      a.overheadRows.map((r) => [
        r.backend,
        r.model,
        String(r.runs),
        fmt(r.offMsPerStep, 2),
        fmt(r.onMsPerStep, 2),
        pct(r.overhead),
        pct(r.pairedOverhead),
        verdict(r.ok),
      ]),
    ),
  );

  out.push('\n### 4. Main-thread long tasks while the worker trains, target: none > 200 ms\n');
  out.push(
    table(
      ['section', 'seconds', 'long tasks (≥ 50 ms)', '> 200 ms', 'longest ms', 'verdict'],
      [
        ...a.windows.map((w) => [
          w.section,
          fmt(w.seconds, 1),
          String(w.longTasks),
          String(w.over200),
          fmt(w.longestMs),
          verdict(w.over200 === 0),
        ]),
        [
          '**all training**',
          '',
          String(a.longTaskSummary.total),
          String(a.longTaskSummary.over200),
          fmt(a.longTaskSummary.longestMs),
          verdict(a.longTaskSummary.over200 === 0),
        ],
      ],
    ),
  );
  return out.join('\n');
}

// ------------------------------------------------------------------ main

async function main() {
  if (ONLY === 'editor') {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
    try {
      await runEditorScale(browser);
    } finally {
      await browser.close();
    }
    console.log('\nRaw figures: bench/results.json (editorScale)');
    return;
  }
  const wallStart = Date.now();
  const loadBefore = loadavg();
  console.log('bench: building the bench page…');
  await build({ configFile: CONFIG_FILE, root: join(ROOT, 'bench'), build: { outDir: OUT_DIR } });
  if (!existsSync(join(OUT_DIR, 'index.html'))) throw new Error(`the build wrote no ${OUT_DIR}/index.html`);

  const server = await serve(resolve(OUT_DIR));
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}/`;
  console.log(`bench: serving ${url}; launching ${CHROMIUM}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.log(`bench: [console.error] ${msg.text()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__bench !== undefined, null, { timeout: 60_000 });
    await page.evaluate((config) => window.__bench.start(config), CONFIG);

    let printed = 0;
    let lastNews = Date.now();
    for (;;) {
      const poll = await page.evaluate((from) => {
        const b = window.__bench;
        return { done: b.done, error: b.error, logs: b.logs.slice(from) };
      }, printed);
      for (const line of poll.logs) console.log(`bench: ${line}`);
      if (poll.logs.length) lastNews = Date.now();
      printed += poll.logs.length;
      if (poll.error) throw new Error(`the bench worker failed: ${poll.error}`);
      if (pageErrors.length) throw new Error(`the bench page failed: ${pageErrors.join('; ')}`);
      if (poll.done) break;
      if (Date.now() - wallStart > TOTAL_TIMEOUT_MS) throw new Error('the bench timed out');
      if (Date.now() - lastNews > STALL_TIMEOUT_MS) throw new Error('the bench worker stalled (no progress)');
      await sleep(1000);
    }

    const pageState = await page.evaluate(() => {
      const b = window.__bench;
      return {
        results: b.results,
        longTasks: b.longTasks,
        sections: b.sections,
        progressReceived: b.progressReceived,
        memoryReceived: b.memoryReceived,
      };
    });
    const results = pageState.results;
    const env = {
      date: new Date().toISOString(),
      chromium: browser.version(),
      chromiumPath: CHROMIUM,
      userAgent: results.environment.userAgent,
      hardwareConcurrency: results.environment.hardwareConcurrency,
      tfjs: results.environment.tfjs,
      backends: results.environment.backends,
      wasm:
        results.environment.backends.find((b) => b.backend === 'wasm')?.adapter?.renderer ?? 'not available',
      pytorch: pythonTorch(MODELS),
      node: process.version,
      os: `${platform()} ${release()}`,
      cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
      memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1),
      // Other work on the machine skews every figure: the 1/5/15-minute load averages around the bench.
      loadAverageBefore: loadBefore.map((x) => +x.toFixed(2)),
      loadAverageAfter: loadavg().map((x) => +x.toFixed(2)),
      quick: QUICK,
    };
    const analysis = analyse(results, pageState);
    const md = markdown(analysis, env);
    const wallSeconds = (Date.now() - wallStart) / 1000;
    // A backends-only run has no estimate or flag rows: it goes under its own key, keeping the full run's.
    const store = PARTIAL
      ? (patch) => mergeResults({ partial: patch })
      : BACKENDS_ONLY
        ? (patch) => mergeResults({ backendsOnly: patch })
        : mergeResults;
    store({
      environment: env,
      config: CONFIG,
      targets: TARGETS,
      wallSeconds,
      summary: analysis,
      raw: {
        speed: results.speed,
        skipped: results.skipped,
        autoPick: results.autoPick,
        estimates: results.estimates,
        longTasks: pageState.longTasks,
        sections: pageState.sections,
        progressReceived: pageState.progressReceived,
        memoryEventsReceived: pageState.memoryReceived,
      },
      markdown: md,
    });
    const adapter = env.backends.find((b) => b.backend === 'webgpu')?.adapter;
    console.log(
      `\n## Kiln bench — ${env.date}\n\n${env.chromium} (${env.cpu}, ${env.memoryGiB} GiB, load average ` +
        `${env.loadAverageBefore[0]} → ${env.loadAverageAfter[0]}); tfjs ${env.tfjs}; ` +
        `WebGPU adapter: ${adapter ? JSON.stringify(adapter) : 'none'}; WebGL: ${
          env.backends.find((b) => b.backend === 'webgl')?.adapter?.renderer ?? 'none'
        }\n`,
    );
    console.log(md);
    console.log(`\nWall time ${wallSeconds.toFixed(0)} s. Raw figures: bench/results.json`);
    if (ONLY === '' && !PARTIAL) await runEditorScale(browser);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(
    `bench: infrastructure failure: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
  );
  process.exit(1);
});
