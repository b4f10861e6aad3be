import type { FitViewOptions } from '@xyflow/svelte';

/** Padding in pixels: the bottom strip is kept for the zoom controls (left) and the minimap (right). */
export const FIT_VIEW = {
  padding: { top: '24px', left: '24px', right: '24px', bottom: '130px' },
  maxZoom: 1,
} as const satisfies FitViewOptions;

export const MINIMAP_SIZE = { width: 150, height: 100 };
