export type Theme = 'light' | 'dark';

const KEY = 'kiln.theme';

/**
 * Light by default, dark when the system prefers it, and whatever the user last chose wins. The theme is a
 * `data-theme` attribute on <html> that app.css keys its colours on.
 */
export class ThemeState {
  #theme = $state<Theme>('light');

  constructor() {
    const saved = readSaved();
    const prefersDark =
      typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
    this.#apply(saved ?? (prefersDark ? 'dark' : 'light'));
  }

  get theme(): Theme {
    return this.#theme;
  }

  toggle(): void {
    this.#apply(this.#theme === 'dark' ? 'light' : 'dark');
    try {
      localStorage.setItem(KEY, this.#theme);
    } catch {
      // Storage can be disabled (private mode, sandboxed frames); the choice then lasts for this page only.
    }
  }

  #apply(theme: Theme): void {
    this.#theme = theme;
    document.documentElement.dataset.theme = theme;
  }
}

function readSaved(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}
