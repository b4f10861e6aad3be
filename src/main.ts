import { mount } from 'svelte';
import '@xyflow/svelte/dist/style.css';
import './ui/app.css';
import App from './App.svelte';
import { TrainerClient } from './client/trainer-client.svelte';
import { SharedDevice } from './client/shared-device.svelte';
import { initialExperiment } from './ui/initial-experiment';
import { ExperimentStore } from './ui/experiment-store.svelte';
import { ThemeState } from './ui/theme.svelte';
import { UiState } from './ui/ui-state.svelte';
import { ExperimentLibrary, newExperimentId } from './persistence/experiment-library';
import { SavedModels } from './ui/saved-models.svelte';
import { startupExperiment } from './ui/startup-experiment';

// A shared link (`#x=…`) opens its experiment; otherwise `?experiment=blobs` opens a tiny 2-D model (fast
// enough for browser tests on a software GPU), `?experiment=blobs-wide` the same with a Dense 256 hidden layer
// for the out-of-memory lesson; otherwise the experiment edited last (IndexedDB), else the default. A link that
// cannot be opened is reported in the page, and the next source opens.
const library = new ExperimentLibrary();
const initial = await initialExperiment(location);
const { spec, opened } =
  initial.from === 'link'
    ? { spec: initial.spec, opened: { id: newExperimentId(), stored: false, notice: null } }
    : await startupExperiment(location.search, library);

const store = new ExperimentStore(spec);
const models = new SavedModels(library, store, opened);
const client = new TrainerClient();
// One device shared by the experiment being edited and any other started on it (the Device tab).
const device = new SharedDevice();
device.join('main', spec.name, client);
const theme = new ThemeState();
const ui = new UiState();

// Ask for the backend up front so the header tells the truth before anyone presses Train.
client.init(spec.backend).catch(() => undefined);
// The debounce may still hold the last edit: write it before the page goes away or into the background.
addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') void models.flush();
});
addEventListener('pagehide', () => {
  void models.flush();
  client.dispose();
  device.dispose();
});

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { store, client, device, theme, ui, initial, models } });
