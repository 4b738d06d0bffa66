/**
 * A minimal safetensors reader for test fixtures (F32 only): 8-byte little-endian header
 * length, a JSON header {name: {dtype, shape, data_offsets}}, then the data. Test-only; the
 * library's reader/writer is src/io/safetensors.ts once it lands.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor';

export function readSafetensors(path: string): Map<string, Tensor> {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerLength;
  const out = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`${path}: ${name} has dtype ${info.dtype}, only F32 is supported here`);
    const [start, end] = info.data_offsets;
    const data = new Float32Array((end - start) / 4);
    for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(base + start + 4 * i);
    out.set(name, new Tensor(data, info.shape));
  }
  return out;
}
