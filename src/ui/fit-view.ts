import type { FitViewOptions } from '@xyflow/svelte';
import type { Margins } from './layer-placement';

/** Pane pixels kept clear around the graph: the bottom strip holds the zoom controls (left) and the minimap (right). */
export const VIEW_MARGINS = { top: 24, left: 24, right: 24, bottom: 130 } as const satisfies Margins;

export const FIT_VIEW = {
  padding: {
    top: `${VIEW_MARGINS.top}px`,
    left: `${VIEW_MARGINS.left}px`,
    right: `${VIEW_MARGINS.right}px`,
    bottom: `${VIEW_MARGINS.bottom}px`,
  },
  maxZoom: 1,
} as const satisfies FitViewOptions;

export const MINIMAP_SIZE = { width: 150, height: 100 };
