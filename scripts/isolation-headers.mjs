/**
 * The two headers that make Kiln's page cross-origin isolated, which WebAssembly threads need (shared memory
 * is offered only to isolated pages). Every server of Kiln sends them on every response: `vite` and
 * `vite preview` (vite.config.ts), the bench's build and static server; the README lists them for static
 * hosts. Everything Kiln loads is same-origin, so `require-corp` blocks nothing.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
