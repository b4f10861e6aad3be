import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64Url, toBase64Url } from './base64url';

describe('base64url', () => {
  it('matches the RFC 4648 test vectors, without padding', () => {
    const vectors = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    const expected = ['', 'Zg', 'Zm8', 'Zm9v', 'Zm9vYg', 'Zm9vYmE', 'Zm9vYmFy'];
    vectors.forEach((text, i) => expect(toBase64Url(new TextEncoder().encode(text))).toBe(expected[i]));
  });

  it('uses - and _ where base64 uses + and /', () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const back = fromBase64Url(toBase64Url(bytes));
        expect(back).toEqual({ ok: true, bytes });
      }),
    );
  });
});
