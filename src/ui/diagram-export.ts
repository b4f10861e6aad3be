import type { GraphAnalysis, ModelGraph } from '../graph/types';
import { formatShape } from '../graph/index';
import type { NodeSizes } from './auto-layout';

/** The theme colours the exported picture uses (read from the page's CSS variables when exporting). */
export interface DiagramColors {
  background: string;
  nodeBg: string;
  nodeBorder: string;
  text: string;
  muted: string;
  edge: string;
  shared: string;
}

export const LIGHT_COLORS: DiagramColors = {
  background: '#ffffff',
  nodeBg: '#ffffff',
  nodeBorder: '#64748b',
  text: '#0f172a',
  muted: '#475569',
  edge: '#64748b',
  shared: '#7c3aed',
};

const PAD = 24;
const DEFAULT_SIZE = { width: 190, height: 110 };

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The model diagram as a standalone SVG, drawn from the graph itself (positions, names, shapes, parameter
 * counts, shared-layer marks) rather than copied from the page: the file has no HTML inside, so every SVG
 * viewer and the PNG rasteriser read it the same way.
 */
export function diagramSvg(
  graph: ModelGraph,
  analysis: GraphAnalysis,
  sizes: NodeSizes,
  colors: DiagramColors = LIGHT_COLORS,
): string {
  const box = new Map(
    graph.nodes.map((n) => [n.id, { ...n.position, ...(sizes[n.id] ?? DEFAULT_SIZE) }] as const),
  );
  const xs = [...box.values()];
  const minX = Math.min(0, ...xs.map((b) => b.x)) - PAD;
  const minY = Math.min(0, ...xs.map((b) => b.y)) - PAD;
  const maxX = Math.max(0, ...xs.map((b) => b.x + b.width)) + PAD;
  const maxY = Math.max(0, ...xs.map((b) => b.y + b.height)) + PAD;
  const width = Math.ceil(maxX - minX);
  const height = Math.ceil(maxY - minY);
  const slots: Record<string, number> = {};
  for (const e of graph.edges) slots[e.target] = Math.max(slots[e.target] ?? 1, e.targetSlot + 1);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));

  const edges = graph.edges.map((e) => {
    const s = box.get(e.source);
    const t = box.get(e.target);
    if (!s || !t) return '';
    const sx = s.x + s.width;
    const sy = s.y + s.height / 2;
    const tx = t.x;
    const ty = t.y + (t.height * (e.targetSlot + 1)) / ((slots[e.target] ?? 1) + 1);
    const dx = Math.max(40, Math.abs(tx - sx) / 2);
    return `<path d="M${sx},${sy} C${sx + dx},${sy} ${tx - dx},${ty} ${tx},${ty}" fill="none" stroke="${colors.edge}" stroke-width="2.5" marker-end="url(#arrow)"/>`;
  });

  const nodes = graph.nodes.map((n) => {
    const b = box.get(n.id)!;
    const p = analysis.params[n.id];
    const params = p ? p.trainable + p.nonTrainable : 0;
    const shape = analysis.shapes[n.id] ? formatShape(analysis.shapes[n.id]) : '?';
    const owner = n.sharedWith ? byId.get(n.sharedWith) : undefined;
    const isShared = Boolean(owner) || graph.nodes.some((m) => m.sharedWith === n.id);
    const stroke = isShared ? colors.shared : colors.nodeBorder;
    const dash = isShared ? ' stroke-dasharray="8 5"' : '';
    const line = (dy: number, text: string, attrs: string) =>
      `<text x="${b.x + 12}" y="${b.y + dy}" ${attrs}>${esc(text)}</text>`;
    return [
      `<g data-node="${esc(n.name)}">`,
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="10" fill="${colors.nodeBg}" stroke="${stroke}" stroke-width="2"${dash}/>`,
      line(24, n.name, `font-weight="700" font-size="17" fill="${colors.text}"`),
      line(44, n.className, `font-size="14" fill="${colors.muted}"`),
      line(66, shape, `font-size="14" font-family="monospace" fill="${colors.text}"`),
      line(
        86,
        `${params.toLocaleString('en-US')} ${params === 1 ? 'param' : 'params'}`,
        `font-size="14" fill="${colors.muted}"`,
      ),
      owner
        ? line(104, `shared with ${owner.name}`, `font-size="13" font-weight="700" fill="${colors.shared}"`)
        : '',
      '</g>',
    ].join('');
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${minX} ${minY} ${width} ${height}" font-family="system-ui, sans-serif">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colors.edge}"/></marker></defs>`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="${colors.background}"/>`,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

/** The page's theme colours for the exported picture. */
export function pageColors(root: HTMLElement = document.documentElement): DiagramColors {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--panel', LIGHT_COLORS.background),
    nodeBg: v('--node-bg', LIGHT_COLORS.nodeBg),
    nodeBorder: v('--node-border', LIGHT_COLORS.nodeBorder),
    text: v('--fg', LIGHT_COLORS.text),
    muted: v('--muted', LIGHT_COLORS.muted),
    edge: v('--node-border', LIGHT_COLORS.edge),
    shared: v('--shared', LIGHT_COLORS.shared),
  };
}

/** Rasterises an SVG string at `scale` (2: crisp on a projector or in slides). */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(img.width * scale);
    canvas.height = Math.ceil(img.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a file the way a download link does. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
