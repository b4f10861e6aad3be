import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatShape, summary, summaryRows } from './summary';
import { roundHalfEven } from './rich-table';
import { binaryClassifierGraph, blobsMlpGraph, mnistMlpGraph, multimodalGraph } from './templates';
import { analyzeGraph } from './analyze';

// Written from keras/src/utils/summary_utils.py as rich renders it at Keras's default width outside a terminal.
const BINARY_GOLDEN = `Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)        │ (None, 10)             │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │           704 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 64)             │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 32)             │         2,080 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            33 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2,817 (11.00 KB)
 Trainable params: 2,817 (11.00 KB)
 Non-trainable params: 0 (0.00 B)
`;

const MULTIMODAL_GOLDEN = `Model: "multimodal"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ image (InputLayer)  │ (None, 224, 224,  │          0 │ -                 │
│                     │ 3)                │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ numerical           │ (None, 10)        │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ conv2d (Conv2D)     │ (None, 222, 222,  │        896 │ image[0][0]       │
│                     │ 32)               │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 64)        │        704 │ numerical[0][0]   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ global_average_poo… │ (None, 32)        │          0 │ conv2d[0][0]      │
│ (GlobalAveragePool… │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dropout_1 (Dropout) │ (None, 64)        │          0 │ dense[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dropout (Dropout)   │ (None, 32)        │          0 │ global_average_p… │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 32)        │      2,080 │ dropout_1[0][0]   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 64)        │          0 │ dropout[0][0],    │
│ (Concatenate)       │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 64)        │      4,160 │ concatenate[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_3 (Dense)     │ (None, 1)         │         65 │ dense_2[0][0]     │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 7,905 (30.88 KB)
 Trainable params: 7,905 (30.88 KB)
 Non-trainable params: 0 (0.00 B)
`;

describe('summary', () => {
  it('renders the binary classifier exactly as Keras 3 does', () => {
    const text = summary(binaryClassifierGraph());
    expect(text).toContain(' Total params: 2,817 (11.00 KB)');
    expect(text).toBe(BINARY_GOLDEN);
    for (const line of text.split('\n').slice(1, 14)) expect([...line]).toHaveLength(76);
  });

  it('adds "Connected to" and Keras layer order for a branched graph', () => {
    expect(summary(multimodalGraph(), 'multimodal')).toBe(MULTIMODAL_GOLDEN);
  });

  it('uses the wider layout when given a terminal width', () => {
    const lines = summary(mnistMlpGraph(), 'functional', { lineLength: 88 }).split('\n');
    expect(lines[1]).toBe(`┏${'━'.repeat(38)}┳${'━'.repeat(29)}┳${'━'.repeat(17)}┓`);
    expect(lines).toContain(' Total params: 101,770 (397.54 KB)');
  });

  it('counts non-trainable params and shows ? for unknown shapes', () => {
    const g = blobsMlpGraph();
    g.nodes.push({
      id: 'bn',
      className: 'BatchNormalization',
      name: 'bn',
      config: {},
      position: { x: 0, y: 0 },
    });
    g.edges.push({ id: 'e', source: 'dense_1', target: 'bn', targetSlot: 0 });
    expect(summary(g)).toContain(' Non-trainable params: 6 (24.00 B)');
    const broken = blobsMlpGraph();
    broken.nodes[1].config.units = 0;
    const rows = summaryRows(broken, analyzeGraph(broken));
    expect(rows.rows.map((r) => r.outputShape)).toEqual(['(None, 2)', '?', '?']);
  });

  it('returns structured rows for the UI', () => {
    const table = summaryRows(multimodalGraph());
    expect(table.sequentialLike).toBe(false);
    expect(table.totals).toEqual({ trainable: 7905, nonTrainable: 0 });
    expect(table.rows.find((r) => r.name === 'concatenate')).toEqual({
      nodeId: 'concatenate',
      name: 'concatenate',
      className: 'Concatenate',
      outputShape: '(None, 64)',
      params: 0,
      connectedTo: ['dropout[0][0]', 'dense_1[0][0]'],
    });
  });

  it('formats like Python', () => {
    expect(formatShape([null, 28, 28, 1])).toBe('(None, 28, 28, 1)');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(0)).toBe('0.00 B');
    expect(formatBytes(1023)).toBe('1023.00 B');
    expect(formatBytes(1152)).toBe('1.12 KB'); // 1.125: Python rounds half to even
    expect(formatBytes(1184)).toBe('1.16 KB'); // 1.15625
    expect(formatBytes(407080)).toBe('397.54 KB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.00 MB');
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
  });
});
