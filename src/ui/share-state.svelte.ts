import { BACKEND_LABELS, type BackendChoice, type ExperimentSpec } from '../experiment/spec';
import type { BackendReport } from '../experiment/protocol';
import { decodeExperiment, encodeExperiment, linkPayload } from '../share/experiment-link';
import type { EditorState } from './editor-state.svelte';
import type { ExperimentStore } from './experiment-store.svelte';
import type { InitialExperiment } from './initial-experiment';

/** What Share needs of the trainer: whether a run would be lost, and the backend it should ask for. */
export interface LinkClient {
  readonly busy: boolean;
  readonly resumable: boolean;
  readonly backend: BackendReport | null;
  init(choice: BackendChoice): Promise<unknown>;
  discard(): void;
}

export type CopyState =
  | { kind: 'idle' }
  | { kind: 'copying' }
  | { kind: 'copied'; url: string }
  /** The Clipboard API refused: the link is shown in a field to copy by hand. */
  | { kind: 'manual'; url: string; reason: string }
  /** No link could be made (the spec has an invalid setting, or is too large). */
  | { kind: 'refused'; problems: string[] };

/** What the page says about an experiment opened from a link: what reproduces it. */
export interface OpenedLink {
  name: string;
  backend: BackendChoice;
  seed: number;
}

interface Deps {
  /** Getters, as EditorState takes its store: the component's props are read when used, not when built. */
  store: () => ExperimentStore;
  editor: EditorState;
  client: () => LinkClient;
  /** Writes the link to the clipboard; rejects when the browser refuses. */
  writeClipboard?: (text: string) => Promise<void>;
  /** The address a link is appended to: this page without its query or fragment. */
  pageUrl?: () => string;
  /** Takes a declined link's fragment out of the address bar, so a reload does not offer it again. */
  clearFragment?: () => void;
  /** Told once a link's experiment has replaced the store's (autosave then saves it as a new model). */
  replaced?: () => void;
}

/**
 * Experiment links, both ways: Share makes one for the experiment being edited, and a link in the address (at
 * startup or pasted into an open page) opens its experiment. Opening replaces the whole experiment (name,
 * graph, settings, seed, backend) and starts a fresh undo history, like a page load; when that would lose
 * edits or a paused run it waits for the user to say so. A link that cannot be opened changes nothing and
 * lists why.
 */
export class ShareState {
  copy = $state.raw<CopyState>({ kind: 'idle' });
  /** Why the link in the address could not be opened; null when there is nothing to report. */
  linkProblems = $state.raw<string[] | null>(null);
  /** A valid link waiting for the user to say it may replace the edited experiment. */
  pending = $state.raw<ExperimentSpec | null>(null);
  /** The experiment last opened from a link, until dismissed. */
  opened = $state.raw<OpenedLink | null>(null);

  readonly #deps: Required<Deps>;
  /** Only the newest of several quick `hashchange`s may land. */
  #openCount = 0;

  constructor(deps: Deps) {
    this.#deps = {
      writeClipboard: (text) =>
        navigator.clipboard
          ? navigator.clipboard.writeText(text)
          : Promise.reject(new Error('this page has no Clipboard API')),
      pageUrl: () => `${location.origin}${location.pathname}`,
      clearFragment: () => history.replaceState(history.state, '', `${location.pathname}${location.search}`),
      replaced: () => undefined,
      ...deps,
    };
  }

  /**
   * Says when the link's experiment will not train as it did for whoever shared it: a different backend here
   * (a fallback, or another choice) gives different losses, and Auto may pick a different one.
   */
  readonly backendNote = $derived.by(() => {
    const opened = this.opened;
    if (!opened) return null;
    if (opened.backend === 'auto')
      return 'The link asks for Auto: Kiln measures the fastest backend here at Train, which may not be the one it was trained on; another backend gives different losses.';
    const running = this.#deps.client().backend?.backend;
    if (!running || running === opened.backend) return null;
    const asked = BACKEND_LABELS[opened.backend];
    return `The link was made for ${asked}, but ${BACKEND_LABELS[running]} runs here: the losses will differ from a ${asked} run.`;
  });

  /** The page opened: report a link that opened, or why one could not. */
  started(initial: InitialExperiment): void {
    if (initial.from === 'link') this.opened = describe(initial.spec);
    this.linkProblems = initial.linkProblems.length > 0 ? initial.linkProblems : null;
  }

  /** Makes the link for the experiment as it is now and puts it on the clipboard (or in a field, if refused). */
  async copyLink(): Promise<void> {
    this.copy = { kind: 'copying' };
    const link = await encodeExperiment(this.#deps.store().spec());
    if (!link.ok) {
      this.copy = { kind: 'refused', problems: link.problems };
      return;
    }
    const url = `${this.#deps.pageUrl()}${link.fragment}`;
    try {
      await this.#deps.writeClipboard(url);
      this.copy = { kind: 'copied', url };
    } catch (e) {
      this.copy = { kind: 'manual', url, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  closeCopy(): void {
    this.copy = { kind: 'idle' };
  }

  /** The address's fragment changed (a link pasted into the address bar of an open page). */
  async openFragment(hash: string): Promise<void> {
    const payload = linkPayload(hash);
    if (payload === null) return;
    const ticket = ++this.#openCount;
    const result = await decodeExperiment(payload);
    if (ticket !== this.#openCount) return;
    this.pending = null;
    if (!result.ok) {
      this.linkProblems = result.problems;
      return;
    }
    this.linkProblems = null;
    if (this.wouldLoseWork) this.pending = result.spec;
    else this.#open(result.spec);
  }

  /** Replacing the experiment now would lose edits, a run in progress or a paused run. */
  get wouldLoseWork(): boolean {
    const { store, client } = this.#deps;
    return store().isModified() || client().busy || client().resumable;
  }

  /** The user chose the pending link over the experiment they had. A run in progress must be stopped first. */
  openPending(): void {
    if (!this.pending || this.#deps.client().busy) return;
    this.#open(this.pending);
  }

  /** The user kept their experiment: the pending link is dropped, and taken out of the address. */
  keepCurrent(): void {
    this.pending = null;
    this.#deps.clearFragment();
  }

  dismissProblems(): void {
    this.linkProblems = null;
  }

  dismissOpened(): void {
    this.opened = null;
  }

  #open(spec: ExperimentSpec): void {
    const { store, editor } = this.#deps;
    const client = this.#deps.client();
    if (client.resumable) client.discard();
    // A new experiment, not an edit: undo does not walk back into the previous one (as after a page load).
    editor.history.reset(spec.graph);
    editor.importProblems = null;
    store().load(spec);
    this.#deps.replaced();
    void client.init(spec.backend).catch(() => undefined);
    this.pending = null;
    this.opened = describe(spec);
  }
}

function describe(spec: ExperimentSpec): OpenedLink {
  return { name: spec.name, backend: spec.backend, seed: spec.seed };
}
