import type { ArgSpec, ArgValue } from '../graph/types';

export type Parsed = { ok: true; value: ArgValue } | { ok: false; reason: string };

const isNone = (s: string) => s === '' || /^(none|null)$/i.test(s);

/** Turns what was typed into a field into the value its ArgSpec kind expects; rules about ranges live in src/graph. */
export function parseArg(spec: ArgSpec, text: string | boolean): Parsed {
  if (typeof text === 'boolean') return { ok: true, value: text };
  const s = text.trim();
  if (spec.nullable && isNone(s)) return { ok: true, value: null };
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (s === '') return { ok: false, reason: `${spec.label} needs a number.` };
      const n = Number(s);
      if (!Number.isFinite(n)) return { ok: false, reason: `“${s}” is not a number.` };
      if (spec.kind === 'int' && !Number.isInteger(n))
        return { ok: false, reason: `${spec.label} must be a whole number.` };
      return { ok: true, value: n };
    }
    case 'shape':
    case 'intTuple': {
      const parts = s
        .replace(/^[([]|[)\]]$/g, '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      if (parts.length === 0) return { ok: false, reason: `${spec.label} needs at least one number.` };
      const values: (number | null)[] = [];
      for (const p of parts) {
        if (spec.kind === 'shape' && isNone(p)) {
          values.push(null);
          continue;
        }
        const n = Number(p);
        if (!Number.isInteger(n)) return { ok: false, reason: `“${p}” is not a whole number.` };
        values.push(n);
      }
      return { ok: true, value: values };
    }
    case 'bool':
      return { ok: true, value: s === 'true' };
    default:
      return { ok: true, value: s };
  }
}

/** How a value is shown in its field. */
export function showArg(value: ArgValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => (v === null ? 'None' : String(v))).join(', ');
  return String(value);
}
