// OpenAI's `encoding_format: "base64"` packs each vector as little-endian float32 bytes.
export function decodeBase64Float32(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new RangeError(`a base64 embedding of ${bytes.length} bytes is not a whole number of float32 values`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i += 1) out[i] = view.getFloat32(i * 4, true);
  return out;
}
