import { mount } from 'svelte';
import '@xyflow/svelte/dist/style.css';
import './ui/app.css';
import App from './App.svelte';
import { TrainerClient } from './client/trainer-client.svelte';
import { blobsExperiment, defaultExperiment } from './experiment/defaults';
import { ExperimentStore } from './ui/experiment-store.svelte';
import { ThemeState } from './ui/theme.svelte';
import { UiState } from './ui/ui-state.svelte';

// `?experiment=blobs` opens a tiny 2-D model: fast enough for browser tests on a software GPU.
const params = new URLSearchParams(location.search);
const spec = params.get('experiment') === 'blobs' ? blobsExperiment() : defaultExperiment();

const store = new ExperimentStore(spec);
const client = new TrainerClient();
const theme = new ThemeState();
const ui = new UiState();

// Ask for the backend up front so the header tells the truth before anyone presses Train.
client.init(spec.backend).catch(() => undefined);
addEventListener('pagehide', () => client.dispose());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { store, client, theme, ui } });
