/** Minimal safetensors reader for test fixtures (F32 and I64 tensors, I64 read as numbers). */
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/index';

export function readSafetensors(path: string): Map<string, Tensor> {
  const buf = readFileSync(path);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerLen;
  const out = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const bytes = buf.subarray(base + b, base + e);
    const values = new Float32Array(info.shape.reduce((p, d) => p * d, 1));
    if (info.dtype === 'F32') for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(i * 4);
    else if (info.dtype === 'I64') for (let i = 0; i < values.length; i++) values[i] = Number(bytes.readBigInt64LE(i * 8));
    else throw new Error(`readSafetensors: unsupported dtype ${info.dtype} for ${name}`);
    out.set(name, tensor(values, info.shape));
  }
  return out;
}
