import { describe, expect, it } from 'vitest';
import { DragSelection } from './drag-selection';

describe('DragSelection', () => {
  it('passes a selection straight on when no drag is in progress', () => {
    const drag = new DragSelection();
    expect(drag.offer('dense')).toBe(true);
    expect(drag.offer(null)).toBe(true);
    expect(drag.end()).toBeUndefined();
  });

  it('holds the last selection made during a drag and hands it back when the drag ends', () => {
    const drag = new DragSelection();
    drag.start();
    expect(drag.offer('dense')).toBe(false);
    expect(drag.offer('dense_1')).toBe(false);
    expect(drag.end()).toBe('dense_1');
    expect(drag.dragging).toBe(false);
  });

  it('hands back a cleared selection as null, and nothing when the drag selected nothing', () => {
    const drag = new DragSelection();
    drag.start();
    drag.offer(null);
    expect(drag.end()).toBeNull();
    drag.start();
    expect(drag.end()).toBeUndefined();
  });

  it('after a second end (stop, then the pointer release) selections flow again and nothing is handed twice', () => {
    const drag = new DragSelection();
    drag.start();
    drag.offer('dense');
    expect(drag.end()).toBe('dense');
    expect(drag.end()).toBeUndefined();
    expect(drag.offer('dense_1')).toBe(true);
  });
});
