import type { ArgValue, GraphError, GraphNode, ModelGraph } from '../graph/types';
import {
  DEFAULT_MEMORY,
  parseExperiment,
  type CallbackConfig,
  type ExperimentSpec,
  type BackendChoice,
  type KerasMetricName,
  type MemorySettings,
} from '../experiment/spec';
import type { SettingsPatch } from '../experiment/protocol';
import { applyPatch } from '../client/settings-patch';
import * as ops from './graph-ops';
import { applySetting, type Setting } from './training-settings';
import { withMetric } from './metric-settings';
import { outputFindings } from './output-check';
import { canonicalJson } from '../share/canonical-json';

type Fit = ExperimentSpec['fit'];
type Compile = ExperimentSpec['compile'];

export interface Notice {
  id: number;
  text: string;
}

const NOTICE_MS = 5000;
/** The spec's limits for `memory.budgetMB` (src/experiment/spec.ts). */
export const MIN_BUDGET_MB = 0.1;
export const MAX_BUDGET_MB = 65_536;
/** Where a clicked palette layer lands: the templates' column and row spacing. */
const COLUMN = 220;
const ROW = 160;

/** Errors that are not tied to one node (a cycle names several; "no output" names none). */
function errorNodeIds(error: GraphError): string[] {
  if ('nodeId' in error) return [error.nodeId];
  if ('nodeIds' in error) return error.nodeIds;
  return [];
}

/**
 * The experiment being edited: the graph (source of truth), the training settings, the selection and the
 * editor's messages. Every graph edit goes through src/graph; a refused edit leaves the graph as it was and
 * says why.
 */
export class ExperimentStore {
  #base: ExperimentSpec;
  #name = $state('');
  #graph = $state.raw<ModelGraph>({ nodes: [], edges: [] });
  /** Bound directly to the Epochs / Batch size inputs; checked by `specProblems`. */
  fit = $state<Fit>({ epochs: 1, batchSize: 32, shuffle: true, readbackEvery: 1 });
  compile = $state<Compile>({ optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' });
  /** Bound to the Memory panel's budget, allocation mode and "start even if…" controls. */
  memory = $state<MemorySettings>({ ...DEFAULT_MEMORY });
  /** The dataset, its size and validation split: edited in the Compile & fit panel. */
  data = $state<ExperimentSpec['data']>({ dataset: 'blobs', samples: 300, validationSplit: 0.2 });
  seed = $state(0);
  /** Refusals shown next to Compile & fit fields, keyed by setting id. */
  #settingErrors = $state.raw<Record<string, string>>({});
  /** The backend asked for: one by name, or `auto` (the fastest for this model, measured at Train). */
  backend = $state<BackendChoice>('webgpu');
  #selectedId = $state<string | null>(null);
  /** Refusals shown next to inspector fields, keyed `${nodeId}:${key}`. */
  #fieldErrors = $state.raw<Record<string, string>>({});
  #notice = $state.raw<Notice | null>(null);
  /** How many experiments have been loaded: a view that must refit to a new experiment watches it. */
  #loads = $state(0);
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #analyze = ops.analyzer();
  readonly analysis = $derived(this.#analyze(this.#graph));
  // The summary's table and Keras text read no positions either: a drag's release keeps them (and the 200
  // rows drawn from the table) as they were.
  readonly #summaryTable = ops.positionBlind(ops.summaryTable);
  readonly #kerasSummary = ops.positionBlind(ops.kerasSummary);
  readonly summary = $derived(this.#summaryTable(this.#graph, this.analysis));
  readonly kerasSummary = $derived(this.#kerasSummary(this.#graph, this.#name, this.analysis));

  /** Messages per node id, for drawing errors on the node that causes them. */
  readonly errorsByNode = $derived.by(() => {
    const byNode: Record<string, string[]> = {};
    for (const error of this.analysis.errors) {
      for (const id of errorNodeIds(error)) (byNode[id] ??= []).push(error.message);
    }
    return byNode;
  });

  /** Why the memory budget field is refused, or null when it is a valid budget. */
  readonly budgetProblem = $derived.by(() => {
    const mb = this.memory.budgetMB as number | null;
    if (typeof mb !== 'number' || !Number.isFinite(mb)) return 'Enter a number of megabytes.';
    if (mb < MIN_BUDGET_MB) return `The budget must be at least ${MIN_BUDGET_MB} MB.`;
    if (mb > MAX_BUDGET_MB) return `The budget must be at most ${MAX_BUDGET_MB.toLocaleString('en-US')} MB.`;
    return null;
  });

  readonly specProblems = $derived.by(() => {
    const result = parseExperiment(this.spec());
    if (result.ok) return [];
    return result.problems.filter((p) => !p.startsWith('graph')).map(humanizeProblem);
  });

  /** The loss ↔ final-activation check on the graph as drawn (the worker refuses the same errors at Train). */
  readonly lossFindings = $derived(
    this.analysis.errors.length > 0 ? [] : outputFindings(this.spec(), this.analysis),
  );

  /** Why Train is disabled, in words; empty when the experiment can run. */
  readonly blockers = $derived.by(() => {
    const errors = this.analysis.errors.map((e) => e.message);
    const losses = this.lossFindings
      .filter((f) => f.finding.severity === 'error')
      .map((f) => `${f.output}: ${f.finding.message} ${f.finding.suggestion}`);
    return [...errors, ...this.specProblems, ...losses];
  });

  constructor(spec: ExperimentSpec) {
    this.#base = spec;
    this.load(spec);
  }

  get name(): string {
    return this.#name;
  }
  get graph(): ModelGraph {
    return this.#graph;
  }
  get selectedId(): string | null {
    return this.#selectedId;
  }
  get selected() {
    return this.#graph.nodes.find((n) => n.id === this.#selectedId) ?? null;
  }
  get notice(): Notice | null {
    return this.#notice;
  }
  fieldError(nodeId: string, key: string): string | null {
    return this.#fieldErrors[`${nodeId}:${key}`] ?? null;
  }

  get loads(): number {
    return this.#loads;
  }

  /**
   * Renames the experiment (the model's name in the header, the summary and the exports). Returns why a name
   * is refused (empty, or longer than the spec allows), or null when it was applied.
   */
  setName(name: string): string | null {
    const trimmed = name.trim();
    const problem = modelNameProblem(trimmed);
    if (problem === null) this.#name = trimmed;
    return problem;
  }

  /** Replaces the whole experiment (a link opened): what `isModified` compares against from now on. */
  load(spec: ExperimentSpec): void {
    this.#loads += 1;
    this.#base = spec;
    this.#name = spec.name;
    this.#graph = spec.graph;
    this.fit = { ...spec.fit };
    this.compile = { ...spec.compile };
    this.memory = { ...spec.memory };
    this.backend = spec.backend;
    this.data = { ...spec.data };
    this.seed = spec.seed;
    this.#selectedId = null;
    this.#fieldErrors = {};
    this.#settingErrors = {};
  }

  /** A plain copy of the whole experiment, safe to post to the worker. */
  spec(): ExperimentSpec {
    return {
      ...this.#base,
      name: this.#name,
      graph: this.#graph,
      fit: $state.snapshot(this.fit),
      compile: $state.snapshot(this.compile),
      memory: $state.snapshot(this.memory),
      backend: this.backend,
      data: $state.snapshot(this.data),
      seed: this.seed,
    };
  }

  /**
   * Whether anything (graph, layout, name, settings) differs from the experiment last loaded: what replacing
   * it would lose. An edit undone back to the loaded state is no change.
   */
  isModified(): boolean {
    return canonicalJson(this.spec()) !== canonicalJson(this.#base);
  }

  /** Applies a remedy's settings, so the panels show them and the next Train (or resume) uses them. */
  applyPatch(patch: SettingsPatch): void {
    const next = applyPatch(this.spec(), patch);
    // A remedy that switches the optimizer replaces any Keras-style optimizer config, which would override it.
    if (patch.optimizer && next.compile.optimizerConfig?.name !== patch.optimizer)
      delete next.compile.optimizerConfig;
    this.fit = { ...next.fit };
    this.compile = { ...next.compile };
    this.memory = { ...next.memory };
  }

  /** Why a Compile & fit field's last value was refused, or null. */
  settingError(id: string): string | null {
    return this.#settingErrors[id] ?? null;
  }

  /**
   * Sets one Compile & fit option (null = Keras's default); a value spec.ts's schema refuses is not applied
   * and the reason is kept next to the field. Like the train bar's inputs, these are settings, not graph
   * edits: they are not on the graph's undo stack.
   */
  setSetting(setting: Setting, value: ArgValue | null): boolean {
    const result = applySetting(this.spec(), setting, value);
    this.#setSettingError(setting.id, result.ok ? null : result.reason);
    if (result.ok) this.#takeSettings(result.spec);
    return result.ok;
  }

  /** Records a value a Compile & fit field could not even parse. */
  refuseSetting(id: string, reason: string): void {
    this.#setSettingError(id, reason);
  }

  /** Ticks or unticks one metric of `compile.metrics`. */
  setMetric(name: KerasMetricName, on: boolean): void {
    this.#takeSettings(withMetric(this.spec(), name, on));
  }

  #takeSettings(next: ExperimentSpec): void {
    this.fit = { ...next.fit };
    this.compile = { ...next.compile };
    this.data = { ...next.data };
    this.seed = next.seed;
  }

  #setSettingError(id: string, reason: string | null): void {
    const next = { ...this.#settingErrors };
    if (reason) next[id] = reason;
    else delete next[id];
    this.#settingErrors = next;
  }

  /** The `fit.callbacks` entry for a Keras callback, or null when it is off. */
  callback(name: CallbackConfig['name']): CallbackConfig | null {
    return this.fit.callbacks?.find((c) => c.name === name) ?? null;
  }

  /** Turns a Keras callback on with `config` (replacing its entry), or off when `config` is null. */
  setCallback(name: CallbackConfig['name'], config: CallbackConfig | null): void {
    const list = this.fit.callbacks ?? [];
    const at = list.findIndex((c) => c.name === name);
    const next = list.filter((c) => c.name !== name);
    if (config) next.splice(at < 0 ? next.length : at, 0, { ...config, name } as CallbackConfig);
    this.fit.callbacks = next.length > 0 ? next : undefined;
  }

  select(nodeId: string | null): void {
    if (nodeId === this.#selectedId) return;
    this.#selectedId = nodeId;
    this.#fieldErrors = {};
  }

  say(text: string): void {
    clearTimeout(this.#noticeTimer);
    this.#notice = { id: (this.#notice?.id ?? 0) + 1, text };
    this.#noticeTimer = setTimeout(() => (this.#notice = null), NOTICE_MS);
  }

  dismissNotice(): void {
    clearTimeout(this.#noticeTimer);
    this.#notice = null;
  }

  /**
   * Adds a layer and selects it, in one step. Without a position it goes right of the selection; it is wired to
   * the selection (when it can take an input) unless it was dropped at a position, unless `wire` says otherwise.
   */
  addLayer(
    className: string,
    position?: { x: number; y: number },
    { wire = position === undefined }: { wire?: boolean } = {},
  ): void {
    const from = this.selected;
    const at = position ?? this.#freeSpotAfter(from ?? this.#rightmostNode());
    const { graph, nodeId } = ops.addNode(this.#graph, className, at);
    let next = graph;
    const spec = ops.getLayerSpec(className);
    if (wire && from && spec && spec.inputs.max > 0) {
      const wired = ops.connect(next, from.id, nodeId, 0);
      if (wired.ok) next = wired.graph;
    }
    this.#graph = next;
    this.#selectedId = nodeId;
    this.#fieldErrors = {};
  }

  connect(source: string, target: string, slot: number): boolean {
    const result = ops.connect(this.#graph, source, target, slot);
    if (!result.ok) {
      this.say(result.reason);
      return false;
    }
    this.#graph = result.graph;
    return true;
  }

  /** Removes edges first, then nodes (removing a node drops its edges too). */
  remove(nodeIds: string[], edgeIds: string[]): void {
    let graph = this.#graph;
    for (const id of edgeIds) {
      if (!graph.edges.some((e) => e.id === id)) continue;
      const r = ops.disconnect(graph, id);
      if (r.ok) graph = r.graph;
      else this.say(r.reason);
    }
    for (const id of nodeIds) {
      const r = ops.removeNode(graph, id);
      if (r.ok) graph = r.graph;
      else this.say(r.reason);
    }
    if (this.#selectedId && !graph.nodes.some((n) => n.id === this.#selectedId)) this.#selectedId = null;
    this.#graph = graph;
  }

  /**
   * Replaces the whole graph (undo/redo, a template, an import, a layout, a paste); the caller has already
   * checked it. Keeps the selection when it still exists, or selects `select`.
   */
  replaceGraph(graph: ModelGraph, select?: string | null): void {
    this.#graph = graph;
    const keep = this.#selectedId !== null && graph.nodes.some((n) => n.id === this.#selectedId);
    this.#selectedId = select !== undefined ? select : keep ? this.#selectedId : null;
    this.#fieldErrors = {};
  }

  moveNodes(positions: { id: string; x: number; y: number }[]): void {
    const byId: Record<string, { x: number; y: number }> = Object.fromEntries(
      positions.map((p) => [p.id, p]),
    );
    this.#graph = {
      ...this.#graph,
      nodes: this.#graph.nodes.map((n) => {
        const p = byId[n.id];
        return p ? { ...n, position: { x: p.x, y: p.y } } : n;
      }),
    };
  }

  /** Sets one arg; an invalid value is refused and the reason is kept next to the field. */
  setArg(nodeId: string, key: string, value: ArgValue): boolean {
    const node = this.#graph.nodes.find((n) => n.id === nodeId);
    if (!node) return false;
    const reason = ops.validateArg(node.className, key, value);
    const result: ops.Edit = reason
      ? { ok: false, reason }
      : ops.updateConfig(this.#graph, nodeId, key, value);
    this.#setFieldError(`${nodeId}:${key}`, result.ok ? null : result.reason);
    if (result.ok) this.#graph = result.graph;
    return result.ok;
  }

  /** Records a value the field could not even parse (e.g. letters in a number box). */
  refuseArg(nodeId: string, key: string, reason: string): void {
    this.#setFieldError(`${nodeId}:${key}`, reason);
  }

  rename(nodeId: string, name: string): boolean {
    const result = ops.renameNode(this.#graph, nodeId, name.trim());
    this.#setFieldError(`${nodeId}:name`, result.ok ? null : result.reason);
    if (result.ok) this.#graph = result.graph;
    return result.ok;
  }

  #setFieldError(key: string, reason: string | null): void {
    const next = { ...this.#fieldErrors };
    if (reason) next[key] = reason;
    else delete next[key];
    this.#fieldErrors = next;
  }

  #rightmostNode(): GraphNode | null {
    let best: GraphNode | null = null;
    for (const n of this.#graph.nodes) if (!best || n.position.x > best.position.x) best = n;
    return best;
  }

  /** One column right of `anchor` (the templates' spacing), moved down until no node sits there. */
  #freeSpotAfter(anchor: GraphNode | null): { x: number; y: number } {
    const spot = anchor ? { x: anchor.position.x + COLUMN, y: anchor.position.y } : { x: 40, y: 40 };
    const taken = (p: { x: number; y: number }) =>
      this.#graph.nodes.some(
        (n) => Math.abs(n.position.x - p.x) < COLUMN / 2 && Math.abs(n.position.y - p.y) < ROW / 2,
      );
    while (taken(spot)) spot.y += ROW;
    return spot;
  }
}

/** The spec's limits on a model name (src/experiment/spec.ts: 1 to 120 characters). */
export const MAX_NAME_LENGTH = 120;

/** Why `name` (already trimmed) cannot name a model, or null. */
export function modelNameProblem(name: string): string | null {
  if (name === '') return 'A model needs a name.';
  if (name.length > MAX_NAME_LENGTH) return `A model name has at most ${MAX_NAME_LENGTH} characters.`;
  return null;
}

const FIELD_LABELS: Record<string, string> = {
  'fit.epochs': 'Epochs',
  'fit.batchSize': 'Batch size',
  'compile.learningRate': 'Learning rate',
  'memory.budgetMB': 'Memory budget (MB)',
};

/** "fit.epochs: Too small: expected number to be >=1" → "Epochs: Too small: expected number to be >=1". */
function humanizeProblem(problem: string): string {
  const [path, ...rest] = problem.split(': ');
  const label = FIELD_LABELS[path];
  return label ? `${label}: ${rest.join(': ')}` : problem;
}
