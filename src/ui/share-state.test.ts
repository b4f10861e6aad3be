import { describe, expect, it } from 'vitest';
import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import type { BackendChoice, ExperimentSpec } from '../experiment/spec';
import type { BackendReport } from '../experiment/protocol';
import { encodeExperiment } from '../share/experiment-link';
import { EditorState } from './editor-state.svelte';
import { ExperimentStore } from './experiment-store.svelte';
import { ShareState, type LinkClient } from './share-state.svelte';

class FakeClient implements LinkClient {
  busy = false;
  resumable = false;
  backend: BackendReport | null = null;
  calls: string[] = [];
  init(choice: BackendChoice) {
    this.calls.push(`init ${choice}`);
    return Promise.resolve();
  }
  discard() {
    this.calls.push('discard');
    this.resumable = false;
  }
}

function setup(clipboard: (text: string) => Promise<void> = () => Promise.resolve()) {
  const store = new ExperimentStore(defaultExperiment());
  const editor = new EditorState(() => store);
  const client = new FakeClient();
  const copied: string[] = [];
  let cleared = 0;
  const share = new ShareState({
    store: () => store,
    editor,
    client: () => client,
    writeClipboard: (text) => clipboard(text).then(() => void copied.push(text)),
    pageUrl: () => 'https://kiln.test/',
    clearFragment: () => void cleared++,
  });
  return { store, editor, client, share, copied, cleared: () => cleared };
}

async function fragmentOf(spec: ExperimentSpec): Promise<string> {
  const link = await encodeExperiment(spec);
  if (!link.ok) throw new Error(link.problems.join('\n'));
  return link.fragment;
}

const shared = (): ExperimentSpec => ({
  ...blobsExperiment(),
  name: 'Shared blobs',
  seed: 9,
  backend: 'cpu',
});

describe('ShareState.copyLink', () => {
  it('copies this page plus the experiment’s fragment', async () => {
    const { share, copied } = setup();
    await share.copyLink();
    expect(share.copy).toEqual({ kind: 'copied', url: copied[0] });
    expect(copied[0]).toBe(`https://kiln.test/${await fragmentOf(defaultExperiment())}`);
  });

  it('shows the link to copy by hand when the clipboard refuses', async () => {
    const { share } = setup(() => Promise.reject(new Error('Write permission denied.')));
    await share.copyLink();
    expect(share.copy).toMatchObject({ kind: 'manual', reason: 'Write permission denied.' });
    expect(share.copy.kind === 'manual' && share.copy.url).toMatch(/^https:\/\/kiln\.test\/#x=1\./);
  });

  it('makes no link while a setting is invalid, and says which', async () => {
    const { share, store, copied } = setup();
    store.fit.epochs = 0;
    await share.copyLink();
    expect(share.copy.kind).toBe('refused');
    expect(share.copy.kind === 'refused' && share.copy.problems.join('\n')).toMatch(/fit\.epochs/);
    expect(copied).toEqual([]);
  });
});

describe('ShareState.openFragment', () => {
  it('opens a link at once over an unedited experiment, with a fresh undo history and its backend', async () => {
    const { share, store, editor, client } = setup();
    await share.openFragment(await fragmentOf(shared()));
    expect(store.spec()).toEqual(shared());
    expect(editor.history.canUndo).toBe(false);
    expect(client.calls).toEqual(['init cpu']);
    expect(share.opened).toEqual({ name: 'Shared blobs', backend: 'cpu', seed: 9 });
    expect(share.pending).toBeNull();
  });

  it('asks before replacing edits; keeping them drops the link from the address', async () => {
    const { share, store, cleared } = setup();
    store.seed = 1;
    const mine = store.spec();
    await share.openFragment(await fragmentOf(shared()));
    expect(share.pending).toEqual(shared());
    expect(store.spec()).toEqual(mine);
    share.keepCurrent();
    expect(share.pending).toBeNull();
    expect(cleared()).toBe(1);
    expect(store.spec()).toEqual(mine);
  });

  it('asks before replacing a paused run, and discards it when told to open the link', async () => {
    const { share, store, client } = setup();
    client.resumable = true;
    await share.openFragment(await fragmentOf(shared()));
    expect(share.pending).not.toBeNull();
    share.openPending();
    expect(client.calls).toEqual(['discard', 'init cpu']);
    expect(store.name).toBe('Shared blobs');
  });

  it('does not open over a run in progress', async () => {
    const { share, store, client } = setup();
    client.busy = true;
    await share.openFragment(await fragmentOf(shared()));
    share.openPending();
    expect(store.name).toBe('MNIST MLP');
    client.busy = false;
    share.openPending();
    expect(store.name).toBe('Shared blobs');
  });

  it('a bad link changes nothing and lists the problems', async () => {
    const { share, store } = setup();
    store.seed = 3;
    const mine = store.spec();
    await share.openFragment('#x=2.AAAA');
    expect(store.spec()).toEqual(mine);
    expect(share.linkProblems?.join('\n')).toMatch(/made by a newer Kiln/);
  });

  it('ignores a fragment that is not a link', async () => {
    const { share, store } = setup();
    await share.openFragment('#somewhere');
    expect(share.linkProblems).toBeNull();
    expect(store.name).toBe('MNIST MLP');
  });
});

describe('ShareState.backendNote', () => {
  it('says when another backend runs than the link asked for', async () => {
    const { share, client } = setup();
    await share.openFragment(await fragmentOf({ ...shared(), backend: 'webgpu' }));
    expect(share.backendNote).toBeNull();
    client.backend = { backend: 'cpu', fallbackReason: 'no navigator.gpu', adapter: '' };
    // The fake client is not reactive: reopen to recompute.
    share.opened = { ...share.opened! };
    expect(share.backendNote).toMatch(/made for WebGPU, but CPU runs here/);
  });

  it('warns that Auto may pick another backend', async () => {
    const { share } = setup();
    await share.openFragment(await fragmentOf({ ...shared(), backend: 'auto' }));
    expect(share.backendNote).toMatch(/asks for Auto/);
  });
});
