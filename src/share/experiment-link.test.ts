import { describe, expect, it } from 'vitest';
import { blobsExperiment, defaultExperiment } from '../experiment/defaults';
import { EXPERIMENT_VERSION, type ExperimentSpec } from '../experiment/spec';
import { multimodalGraph, TEMPLATES } from '../graph/templates';
import { toBase64Url } from './base64url';
import { canonicalJson } from './canonical-json';
import { deflateRaw } from './deflate';
import {
  decodeExperiment,
  encodeExperiment,
  LINK_FORMAT,
  linkPayload,
  MAX_LINK_CHARS,
  type LinkResult,
} from './experiment-link';

async function linkFor(spec: ExperimentSpec): Promise<string> {
  const result = await encodeExperiment(spec);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.fragment;
}

async function roundTrip(spec: ExperimentSpec): Promise<ExperimentSpec> {
  const payload = linkPayload(await linkFor(spec));
  if (payload === null) throw new Error('the link has no #x= payload');
  const result = await decodeExperiment(payload);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.spec;
}

/** Packs any JSON as a link would, so the decoder's later checks can be reached with bad contents. */
async function payloadOf(json: unknown, format = LINK_FORMAT): Promise<string> {
  const bytes = await deflateRaw(new TextEncoder().encode(JSON.stringify(json)));
  return `${format}.${toBase64Url(bytes)}`;
}

function problemsOf(result: LinkResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.problems.join('\n');
}

/** The multimodal template with a second head: two inputs, two outputs, each with its own loss and weight. */
function multiInputMultiOutput(): ExperimentSpec {
  const graph = multimodalGraph();
  const byName = (name: string) => graph.nodes.find((n) => n.name === name)!.id;
  return {
    ...defaultExperiment(),
    name: 'Image + numbers, two heads',
    graph: {
      ...graph,
      outputs: [
        { nodeId: byName('dense_3'), loss: 'binary_crossentropy', lossWeight: 1 },
        { nodeId: byName('dense_1'), loss: 'mean_squared_error', lossWeight: 0.25 },
      ],
    },
    compile: {
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'binary_crossentropy',
      outputLosses: { dense_3: { name: 'binary_crossentropy' }, dense_1: null },
      lossWeights: { dense_3: 1, dense_1: 0.25 },
    },
  };
}

/** Every optional Keras setting the spec knows, set to something other than its default. */
function everySetting(): ExperimentSpec {
  const base = blobsExperiment();
  return {
    ...base,
    name: 'Blobs — everything set ✓',
    backend: 'cpu',
    seed: 2 ** 31 - 1,
    memory: { budgetMB: 0.5, allocation: 'reserve', ignoreEstimate: true },
    data: { dataset: 'blobs', samples: 300, validationSplit: 0.2 },
    compile: {
      ...base.compile,
      optimizerConfig: { name: 'sgd', learning_rate: 0.01, momentum: 0.9, nesterov: true },
      schedule: { name: 'cosine_decay', decay_steps: 100, alpha: 0.1, warmup_target: 0.1, warmup_steps: 5 },
      lossConfig: { name: 'categorical_crossentropy', from_logits: true },
      metrics: [{ name: 'accuracy' }, { name: 'top_k_categorical_accuracy', k: 2 }, { name: 'precision' }],
      clipnorm: 1,
      clipvalue: 0.5,
    },
    fit: {
      ...base.fit,
      epochs: 7,
      shuffle: false,
      validationFreq: [1, 3, 5],
      validationSource: 'split',
      classWeight: { '0': 1, '1': 2.5, '2': 0 },
      callbacks: [
        {
          name: 'EarlyStopping',
          monitor: 'val_loss',
          patience: 3,
          restore_best_weights: true,
          baseline: null,
        },
        { name: 'ModelCheckpoint', filepath: 'best-{epoch:02d}', save_best_only: true },
        { name: 'ReduceLROnPlateau', factor: 0.5, min_lr: 1e-6 },
        { name: 'TerminateOnNaN' },
        { name: 'LearningRateScheduler', schedule: { name: 'multiply', factor: 0.9, start_epoch: 2 } },
      ],
    },
  };
}

describe('experiment links round-trip', () => {
  it('the default MNIST MLP comes back equal, positions and all', async () => {
    const spec = defaultExperiment();
    expect(await roundTrip(spec)).toEqual(spec);
  });

  it.each(TEMPLATES.map((t) => [t.id, t.build] as const))(
    'the %s template comes back equal',
    async (_, build) => {
      const spec = { ...defaultExperiment(), graph: build() };
      expect(await roundTrip(spec)).toEqual(spec);
    },
  );

  it('a multi-input, multi-output graph keeps its heads, per-output losses and weights', async () => {
    const spec = multiInputMultiOutput();
    expect(await roundTrip(spec)).toEqual(spec);
  });

  it('callbacks, class weights, schedules, metrics, memory, backend and seed come back equal', async () => {
    const spec = everySetting();
    expect(await roundTrip(spec)).toEqual(spec);
  });

  it('positions moved by a drag (fractions, negatives) come back exactly', async () => {
    const spec = blobsExperiment();
    spec.graph = {
      ...spec.graph,
      nodes: spec.graph.nodes.map((n, i) => ({
        ...n,
        position: { x: -123.456789 * (i + 1), y: 0.1 + 1e-9 * i },
      })),
    };
    expect(await roundTrip(spec)).toEqual(spec);
  });

  it('the same experiment makes the same link whatever order its fields were set in', async () => {
    const spec = everySetting();
    const shuffled = Object.fromEntries(Object.entries(spec).reverse()) as ExperimentSpec;
    shuffled.fit = Object.fromEntries(Object.entries(spec.fit).reverse()) as ExperimentSpec['fit'];
    expect(canonicalJson(shuffled)).toBe(canonicalJson(spec));
    expect(await linkFor(shuffled)).toBe(await linkFor(spec));
  });
});

describe('experiment link size', () => {
  it('the default experiment makes a short link', async () => {
    const link = await linkFor(defaultExperiment());
    expect(link).toMatch(/^#x=1\.[A-Za-z0-9_-]+$/);
    // Printed so the figure in docs/architecture.md can be checked: `npx vitest run src/share`.
    console.info(`default experiment link: ${link.length} characters`);
    // 744 when this was written (1,339 bytes of JSON, 558 deflated).
    expect(link.length).toBeLessThan(800);
  });

  it('the largest template stays well inside what mail and chat clients keep', async () => {
    for (const t of TEMPLATES) {
      const link = await linkFor({ ...defaultExperiment(), graph: t.build() });
      expect(link.length, t.id).toBeLessThan(2000);
    }
  });
});

describe('experiment links that cannot be opened', () => {
  it('lists the schema problems of a spec it will not write', async () => {
    const spec = { ...defaultExperiment(), seed: -1, fit: { ...defaultExperiment().fit, epochs: 0 } };
    const result = await encodeExperiment(spec);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems.join('\n')).toMatch(
      /fit\.epochs[\s\S]*seed|seed[\s\S]*fit\.epochs/,
    );
  });

  it('reads the payload only from a #x= fragment', () => {
    expect(linkPayload('#x=1.abc')).toBe('1.abc');
    expect(linkPayload('x=1.abc')).toBe('1.abc');
    expect(linkPayload('#other=1')).toBeNull();
    expect(linkPayload('')).toBeNull();
    expect(linkPayload('#x=')).toBe('');
  });

  it('refuses a link with no format number', async () => {
    expect(problemsOf(await decodeExperiment(''))).toMatch(/no format number/);
    expect(problemsOf(await decodeExperiment('q1Xabc'))).toMatch(/no format number/);
  });

  it('refuses a link from a newer Kiln, by format or by experiment version', async () => {
    const spec = defaultExperiment();
    expect(problemsOf(await decodeExperiment(await payloadOf(spec, LINK_FORMAT + 1)))).toMatch(
      /made by a newer Kiln \(link format 2; this Kiln reads format 1 and older\)/,
    );
    const future = { ...spec, version: EXPERIMENT_VERSION + 1, somethingNew: true };
    expect(problemsOf(await decodeExperiment(await payloadOf(future)))).toMatch(
      /made by a newer Kiln \(experiment version 2/,
    );
  });

  it('refuses an unknown older format', async () => {
    expect(problemsOf(await decodeExperiment('0.AAAA'))).toMatch(/Unknown link format 0/);
  });

  it('refuses bad base64, naming the character', async () => {
    expect(problemsOf(await decodeExperiment('1.ab+c'))).toMatch(/not valid base64url: character 3 \(“\+”\)/);
    expect(problemsOf(await decodeExperiment('1.abcde'))).toMatch(/not valid base64url: its length/);
    expect(problemsOf(await decodeExperiment('1.'))).toMatch(/holds no experiment/);
  });

  it('refuses data that is not raw DEFLATE, and a link cut short', async () => {
    // 0xff: a final block of type 3, which DEFLATE does not have.
    const garbage = `1.${toBase64Url(new Uint8Array([0xff, 0xff, 0xff, 0xff]))}`;
    expect(problemsOf(await decodeExperiment(garbage))).toMatch(/not compressed experiment data/);
    const whole = linkPayload(await linkFor(defaultExperiment()))!;
    const cut = whole.slice(0, Math.floor(whole.length / 2) & ~3);
    expect(problemsOf(await decodeExperiment(cut))).toMatch(
      /not compressed experiment data|not an experiment/,
    );
  });

  it('refuses compressed data that is not JSON', async () => {
    const bytes = await deflateRaw(new TextEncoder().encode('not json at all'));
    expect(problemsOf(await decodeExperiment(`1.${toBase64Url(bytes)}`))).toMatch(
      /not an experiment in JSON/,
    );
  });

  it('lists schema problems with their paths', async () => {
    const spec = defaultExperiment();
    const broken = {
      ...spec,
      fit: { ...spec.fit, epochs: 0 },
      backend: 'tpu',
      graph: { ...spec.graph, nodes: 3 },
    };
    const problems = problemsOf(await decodeExperiment(await payloadOf(broken)));
    expect(problems).toMatch(/^fit\.epochs: /m);
    expect(problems).toMatch(/^backend: /m);
    expect(problems).toMatch(/^graph\.nodes: /m);
  });

  it('caps a long list of schema problems', async () => {
    const spec = defaultExperiment();
    const broken = { ...spec, graph: { ...spec.graph, nodes: spec.graph.nodes.map(() => ({})) } };
    const result = await decodeExperiment(await payloadOf(broken));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(21);
      expect(result.problems.at(-1)).toMatch(/^…and \d+ more problems\.$/);
    }
  });

  it('refuses a link that is too long before reading it', async () => {
    const long = `1.${'A'.repeat(MAX_LINK_CHARS)}`;
    expect(problemsOf(await decodeExperiment(long))).toMatch(
      /characters long; Kiln opens links of at most 100,000/,
    );
  });

  it('refuses a payload that inflates past the size limit (a zip bomb)', async () => {
    const bomb = await deflateRaw(new Uint8Array(8_000_000).fill(32));
    const payload = `1.${toBase64Url(bomb)}`;
    expect(payload.length).toBeLessThan(MAX_LINK_CHARS);
    expect(problemsOf(await decodeExperiment(payload))).toMatch(/too large: it inflates to more than/);
  });
});
