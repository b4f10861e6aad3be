import type { BenchConfig, ToPage, ToWorker, WorkerResults } from './protocol';

/**
 * The bench page: starts the bench worker, shows its progress the way the app would (a DOM update per
 * message), and watches the main thread for long tasks. `run.mjs` drives it through `window.__bench`.
 */

export interface LongTask {
  start: number;
  duration: number;
}

export interface SectionWindow {
  name: string;
  start: number;
  end: number | null;
}

export interface PageState {
  done: boolean;
  error: string | null;
  results: WorkerResults | null;
  longTasks: LongTask[];
  sections: SectionWindow[];
  progressReceived: number;
  memoryReceived: number;
  logs: string[];
  start(config: BenchConfig): void;
}

declare global {
  interface Window {
    __bench: PageState;
  }
}

const status = document.getElementById('status')!;
const progress = document.getElementById('progress')!;

const state: PageState = {
  done: false,
  error: null,
  results: null,
  longTasks: [],
  sections: [],
  progressReceived: 0,
  memoryReceived: 0,
  logs: [],
  start(config) {
    worker.postMessage({ type: 'start', config } satisfies ToWorker);
  },
};
window.__bench = state;

new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    state.longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onerror = (event) => {
  state.error = `worker error: ${event.message}`;
};
worker.onmessageerror = () => {
  state.error = 'worker message could not be deserialised';
};
worker.onmessage = (event: MessageEvent<ToPage>) => {
  const message = event.data;
  switch (message.type) {
    case 'log':
      state.logs.push(message.text);
      status.textContent = message.text;
      break;
    case 'progress':
      state.progressReceived++;
      progress.textContent =
        `${message.variant}: step ${message.step}/${message.steps}` +
        (message.loss === null ? '' : `, loss ${message.loss.toFixed(4)}`);
      break;
    case 'memory':
      state.memoryReceived++;
      break;
    case 'section':
      if (message.phase === 'start') {
        state.sections.push({ name: message.name, start: performance.now(), end: null });
      } else {
        const open = [...state.sections].reverse().find((s) => s.name === message.name && s.end === null);
        if (open) open.end = performance.now();
      }
      break;
    case 'done':
      state.results = message.results;
      state.done = true;
      break;
    case 'error':
      state.error = message.message;
      break;
  }
};
