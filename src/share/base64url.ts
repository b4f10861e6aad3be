/** RFC 4648 §5 base64url without padding: the alphabet that survives a URL fragment unescaped. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((char, i) => [char, i]));

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** The bytes of a base64url text, or the reason it is not one (a character outside the alphabet, a cut end). */
export function fromBase64Url(text: string): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  const bad = [...text].findIndex((char) => !VALUE.has(char));
  if (bad >= 0)
    return { ok: false, reason: `character ${bad + 1} (“${text[bad]}”) is not in the base64url alphabet` };
  // A group of 4 characters carries 3 bytes; a last group of 1 character carries none, so the text was cut.
  if (text.length % 4 === 1) return { ok: false, reason: 'its length is not that of any base64url text' };
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (const char of text) {
    buffer = (buffer << 6) | VALUE.get(char)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (buffer >> bits) & 255;
    }
  }
  return { ok: true, bytes };
}
