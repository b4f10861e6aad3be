/** COOP `same-origin` + COEP `require-corp`: see isolation-headers.mjs. */
export declare const ISOLATION_HEADERS: {
  'Cross-Origin-Opener-Policy': 'same-origin';
  'Cross-Origin-Embedder-Policy': 'require-corp';
};
