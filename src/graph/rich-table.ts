/**
 * Renders a table the way Python's `rich` does for Keras's `model.summary()`: box.HEAVY_HEAD, show_lines,
 * padding (0, 1), fixed column widths, words wrapped, overlong words cut with an ellipsis. Only the subset
 * Keras uses is implemented; the comments name the rich behaviour each step reproduces.
 */

export type Justify = 'left' | 'right';

export interface RichColumn {
  header: string;
  justify: Justify;
  /** The `width` Keras gives rich.table.Column (content width, before padding). */
  width: number;
}

/** Python's round(): halves go to the even neighbour (rich's ratio_reduce depends on it). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** rich `_ratio.ratio_reduce`: takes `total` cells away from `values`, spread by ratio. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  ratios = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    const ratio = ratios[i];
    if (!ratio || totalRatio <= 0) return value;
    const distributed = Math.min(maximums[i], roundHalfEven((ratio * remaining) / totalRatio));
    remaining -= distributed;
    totalRatio -= ratio;
    return value - distributed;
  });
}

/**
 * rich `Table._calculate_column_widths` for fixed-width columns in a table of fixed `width`: each column wants
 * width + 2 (padding); when that overflows, nothing is wrappable, so the excess is taken evenly.
 */
export function columnWidths(columns: RichColumn[], tableWidth: number): number[] {
  const available = tableWidth - (columns.length + 1);
  let widths = columns.map((c) => Math.min(c.width + 2, available));
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum > available)
    widths = ratioReduce(
      sum - available,
      widths.map(() => 1),
      widths,
      widths,
    );
  return widths;
}

/**
 * rich `_wrap.divide_line` with fold=False (Column overflow defaults to "ellipsis"): words keep their trailing
 * spaces, a word that does not fit starts a new line, a word longer than the line gets a line of its own.
 */
function wrap(text: string, width: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [''];
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const wordLength = word.trimEnd().length;
    if (width - line.length >= wordLength) line += word;
    else if (line) {
      lines.push(line);
      line = word;
    } else line = word;
  }
  lines.push(line);
  return lines.map((l) => {
    const trimmed = l.trimEnd();
    // Text.truncate(overflow="ellipsis")
    return trimmed.length > width ? `${trimmed.slice(0, width - 1)}…` : trimmed;
  });
}

function cellLines(text: string, width: number, justify: Justify): string[] {
  return wrap(text, width).map((l) => (justify === 'right' ? l.padStart(width) : l.padEnd(width)));
}

function rule(widths: number[], left: string, fill: string, mid: string, right: string): string {
  return left + widths.map((w) => fill.repeat(w)).join(mid) + right;
}

/** The table's lines, each exactly `tableWidth` wide when the columns fit. */
export function renderTable(columns: RichColumn[], rows: string[][], tableWidth: number): string[] {
  const widths = columnWidths(columns, tableWidth);
  const out: string[] = [rule(widths, '┏', '━', '┳', '┓')];
  const renderRow = (cells: string[], bar: string, bottomAlign: boolean) => {
    const rendered = cells.map((c, i) => cellLines(c, widths[i] - 2, columns[i].justify));
    const height = Math.max(...rendered.map((r) => r.length));
    for (let k = 0; k < height; k++) {
      const parts = rendered.map((r, i) => {
        const blank = ' '.repeat(widths[i] - 2);
        // Header cells align to the bottom, body cells to the top (rich Table._render).
        const offset = bottomAlign ? height - r.length : 0;
        return ` ${r[k - offset] ?? blank} `;
      });
      out.push(bar + parts.join(bar) + bar);
    }
  };
  renderRow(
    columns.map((c) => c.header),
    '┃',
    true,
  );
  out.push(rule(widths, '┡', '━', '╇', '┩'));
  rows.forEach((row, i) => {
    if (i > 0) out.push(rule(widths, '├', '─', '┼', '┤'));
    renderRow(row, '│', false);
  });
  out.push(rule(widths, '└', '─', '┴', '┘'));
  return out;
}
