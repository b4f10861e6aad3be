/*
 * Raw DEFLATE (RFC 1951) through the platform's CompressionStream: every browser Kiln runs in has it, and so
 * has Node 20, where the tests run. No header or checksum: a link is 6 bytes shorter than with zlib's.
 */

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class InflateLimitError extends Error {}

/**
 * Inflates raw DEFLATE, refusing more than `maxBytes` of output: a link is untrusted input, and a few kB of
 * DEFLATE can inflate to gigabytes. Rejects with the stream's error when the bytes are not DEFLATE data.
 */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new InflateLimitError(`it inflates to more than ${maxBytes.toLocaleString('en-US')} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
