import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module } from '../../src/nn/module';
import {
  FormatError, loadSafetensors, loadWeights, parseSafetensors, saveSafetensors, saveWeights, serializeSafetensors,
} from '../../src/index';
import { Tensor } from '../../src/tensor';

/** A two-parameter module with one buffer: enough for state-dict names like "fc.weight". */
class Inner extends Module {
  static override className = 'Inner';
  weight = this.registerParameter('weight', new Tensor(new Float32Array(6), [2, 3]));
  bias = this.registerParameter('bias', new Tensor(new Float32Array(2), [2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}
class Outer extends Module {
  static override className = 'Outer';
  fc = this.registerModule('fc', new Inner());
  count = this.registerBuffer('count', new Tensor(new Float32Array(1), [1]));
  forward(x: Tensor): Tensor {
    return x;
  }
}

function filled(m: Outer, start: number): Outer {
  m.fc.weight.data.set([1, 2, 3, 4, 5, 6].map((v) => v + start));
  m.fc.bias.data.set([7 + start, 8 + start]);
  m.count.data[0] = start;
  return m;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'neurite-st-'));

/** A safetensors file from a header (object or raw string) and data bytes, as the spec lays it out. */
function build(header: unknown, data: Uint8Array | number[] = [], lengthOverride?: bigint): Uint8Array {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32le(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setFloat32(4 * i, v, true));
  return out;
}

function expectFormatError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a FormatError').toBeInstanceOf(FormatError);
  expect((caught as FormatError).code).toBe('ERR_SAFETENSORS_FORMAT');
  expect((caught as Error).message).toMatch(message);
}

const one = (data: number[] = [1, 2]) => build({ a: { dtype: 'F32', shape: [data.length], data_offsets: [0, 4 * data.length] } }, f32le(data));

describe('safetensors write and read', () => {
  it('round-trips bit for bit, including NaN payloads, -0, infinities and subnormals', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x3f800000, 0x12345678]);
    const special = new Tensor(new Float32Array(bits.buffer), [2, 4]);
    const random = new Float32Array(300);
    for (let i = 0; i < random.length; i++) random[i] = Math.sin(i * 12.9898) * 43758.5453;
    const tensors = new Map([['special', special], ['layer.0.weight', new Tensor(random, [3, 10, 10])], ['scalar', new Tensor(new Float32Array([5]), [])]]);
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const back = parseSafetensors(bytes);
    expect([...back.tensors.keys()]).toEqual(['special', 'layer.0.weight', 'scalar']);
    expect(Array.from(new Uint32Array(back.tensors.get('special')!.data.buffer))).toEqual(Array.from(bits));
    expect(Buffer.compare(Buffer.from(back.tensors.get('layer.0.weight')!.data.buffer), Buffer.from(random.buffer))).toBe(0);
    expect(back.tensors.get('layer.0.weight')!.shape).toEqual([3, 10, 10]);
    expect(back.tensors.get('scalar')!.shape).toEqual([]);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(Buffer.compare(serializeSafetensors(back.tensors, { format: 'pt' }), bytes)).toBe(0);
  });

  it('lays the file out as the spec says: u64 length, JSON padded to 8, then F32 little-endian data', () => {
    const bytes = serializeSafetensors({ w: new Tensor(new Float32Array([1, -2]), [1, 2]) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('loads a file built byte by byte into a model by PyTorch names', () => {
    const header = '{"fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},' +
      '"fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},"count":{"dtype":"F32","shape":[1],"data_offsets":[32,36]}}';
    const data = [
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40, // 1, 2, 3
      0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xa0, 0x40, 0x00, 0x00, 0xc0, 0x40, // 4, 5, 6
      0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf, // 0.5, -1
      0x00, 0x00, 0x20, 0x41, // 10
    ];
    const path = join(tmp(), 'hand.safetensors');
    writeFileSync(path, build(header, data));
    const m = new Outer();
    loadWeights(m, path);
    expect(m.fc.weight.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.fc.bias.toArray()).toEqual([0.5, -1]);
    expect(m.count.toArray()).toEqual([10]);
  });

  it('converts F16, BF16 and F64 to float32', () => {
    const f16 = [0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555]; // 1, -2, 2^-24, inf, 0.333251953125
    const bf16 = [0x3f80, 0xc040, 0x7f80]; // 1, -3, inf
    const data = new Uint8Array(10 + 6 + 16);
    const v = new DataView(data.buffer);
    f16.forEach((h, i) => v.setUint16(2 * i, h, true));
    bf16.forEach((h, i) => v.setUint16(10 + 2 * i, h, true));
    v.setFloat64(16, Math.PI, true);
    v.setFloat64(24, -1e-3, true);
    const { tensors } = parseSafetensors(build({
      h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] },
      d: { dtype: 'F64', shape: [2], data_offsets: [16, 32] },
    }, data));
    expect(tensors.get('h')!.toArray()).toEqual([1, -2, 2 ** -24, Infinity, 0.333251953125]);
    expect(tensors.get('b')!.toArray()).toEqual([1, -3, Infinity]);
    expect(tensors.get('d')!.toArray()).toEqual([Math.fround(Math.PI), Math.fround(-1e-3)]);
  });

  it('saveWeights/loadWeights move a state dict between models', () => {
    const path = join(tmp(), 'model.safetensors');
    saveWeights(filled(new Outer(), 0.25), path);
    const m = loadWeights(filled(new Outer(), 0), path);
    expect(m).toEqual({ missing: [], unexpected: [] });
    const into = filled(new Outer(), 0);
    loadWeights(into, path);
    expect(into.fc.weight.toArray()).toEqual([1.25, 2.25, 3.25, 4.25, 5.25, 6.25]);
    expect(into.count.toArray()).toEqual([0.25]);
    expect([...loadSafetensors(path).tensors.keys()]).toEqual(['fc.weight', 'fc.bias', 'count']);
  });

  it('a tensor with zero elements round-trips', () => {
    const back = parseSafetensors(serializeSafetensors({ e: new Tensor(new Float32Array(0), [0, 3]) }));
    expect(back.tensors.get('e')!.shape).toEqual([0, 3]);
  });

  it('the writer refuses bad names and metadata', () => {
    const t = new Tensor(new Float32Array(1), [1]);
    expect(() => serializeSafetensors({ __metadata__: t })).toThrow(/invalid tensor name "__metadata__"/);
    expect(() => serializeSafetensors({ '': t })).toThrow(RangeError);
    expect(() => serializeSafetensors({ a: [1] as unknown as Tensor })).toThrow(TypeError);
    expect(() => serializeSafetensors({ a: t }, { n: 1 as unknown as string })).toThrow(/metadata\["n"\] must be a string/);
  });

  it('saveSafetensors replaces the file atomically and leaves no temporary file', () => {
    const dir = tmp();
    const path = join(dir, 'w.safetensors');
    saveSafetensors(path, { a: new Tensor(new Float32Array([1]), [1]) });
    saveSafetensors(path, { a: new Tensor(new Float32Array([2]), [1]) });
    expect(loadSafetensors(path).tensors.get('a')!.toArray()).toEqual([2]);
    expect(require('node:fs').readdirSync(dir)).toEqual(['w.safetensors']);
  });
});

describe('safetensors rejects malformed files', () => {
  it('a file shorter than the 8-byte length field', () =>
    expectFormatError(() => parseSafetensors(new Uint8Array(5)), /truncated file: 5 bytes, the header length alone needs 8/));
  it('a header length past the end of the file', () =>
    expectFormatError(() => parseSafetensors(build('{}', [], 1000n)), /header length 1000 runs past the end of the file \(2 bytes/));
  it('a header length near 2^64', () =>
    expectFormatError(() => parseSafetensors(build('{}', [], 0xfffffffffffffff0n)), /header length 18446744073709551600 runs past the end/));
  it('a file truncated inside the data', () => {
    const bytes = one([1, 2, 3]);
    expectFormatError(() => parseSafetensors(bytes.subarray(0, bytes.length - 2)), /tensor "a": data_offsets \[0, 12\] fall outside the 10-byte data section/);
  });
  it('a file truncated inside the header', () => {
    const bytes = one();
    expectFormatError(() => parseSafetensors(bytes.subarray(0, 20)), /runs past the end of the file/);
  });
  it('a header that is not UTF-8', () =>
    expectFormatError(() => parseSafetensors(build(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))), /header is not valid UTF-8/));
  it('a header that is not JSON', () => expectFormatError(() => parseSafetensors(build('{"a": ')), /header is not valid JSON: unexpected end of JSON/));
  it('a header that is a JSON array', () => expectFormatError(() => parseSafetensors(build('[1, 2]')), /header must be a JSON object, got an array/));
  it('a header that is null', () => expectFormatError(() => parseSafetensors(build('null ')), /header must be a JSON object, got null/));
  it('a header that is a string', () => expectFormatError(() => parseSafetensors(build('"abc"')), /header must be a JSON object, got string/));
  it('a __proto__ tensor name', () => {
    const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expectFormatError(() => parseSafetensors(build(header, f32le([1]))), /forbidden key "__proto__"/);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
  it('a constructor tensor name', () => {
    const header = '{"constructor":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expectFormatError(() => parseSafetensors(build(header, f32le([1]))), /forbidden key "constructor"/);
  });
  it('a __proto__ key inside an entry', () => {
    const header = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"__proto__":{"x":1}}}';
    expectFormatError(() => parseSafetensors(build(header, f32le([1]))), /forbidden key "__proto__"/);
  });
  it('duplicate tensor names', () => {
    const header = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectFormatError(() => parseSafetensors(build(header, f32le([1, 2]))), /duplicate key "a"/);
  });
  it('an unknown dtype', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, f32le([1]))), /tensor "a": unknown dtype "F33"/));
  it('a valid but unsupported dtype', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8))), /dtype I64 is not supported/));
  it('a missing dtype', () =>
    expectFormatError(() => parseSafetensors(build({ a: { shape: [1], data_offsets: [0, 4] } }, f32le([1]))), /tensor "a": dtype must be a string/));
  it('offsets outside the data section', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32le([1, 2]))), /data_offsets \[4, 12\] fall outside the 8-byte data section/));
  it('offsets that end before they begin', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32le([1]))), /end before they begin/));
  it('negative or fractional offsets', () => {
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, f32le([1]))), /data_offsets must be \[begin, end\]/);
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, f32le([1]))), /data_offsets must be \[begin, end\]/);
  });
  it('overlapping offsets', () =>
    expectFormatError(() => parseSafetensors(build({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    }, f32le([1, 2, 3]))), /tensors "a" \[0, 8\] and "b" \[4, 12\] overlap/));
  it('two names sharing the same bytes', () =>
    expectFormatError(() => parseSafetensors(build({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    }, f32le([1]))), /overlap/));
  it('offsets that do not match the shape', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32le([1, 2]))), /shape \[3\] of F32 needs 12 bytes, data_offsets \[0, 8\] hold 8/));
  it('a gap between tensors', () =>
    expectFormatError(() => parseSafetensors(build({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    }, f32le([1, 2, 3]))), /bytes \[4, 8\) of the data section belong to no tensor/));
  it('trailing bytes after the last tensor', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32le([1, 2]))), /data section has 8 bytes but the tensors cover 4/));
  it('a shape that is not an array of non-negative integers', () => {
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32le([1]))), /shape must be an array of non-negative integers, got \[-1\]/);
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: '1', data_offsets: [0, 4] } }, f32le([1]))), /shape must be an array/);
  });
  it('an entry that is not an object', () =>
    expectFormatError(() => parseSafetensors(build({ a: [1, 2] })), /tensor "a": entry must be an object/));
  it('an unexpected field in an entry', () =>
    expectFormatError(() => parseSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], extra: 1 } }, f32le([1]))), /unexpected field "extra"/));
  it('metadata that is not a string map', () =>
    expectFormatError(() => parseSafetensors(build({ __metadata__: { epoch: 3 } })), /"__metadata__"."epoch" must be a string, got number/));
  it('a non-Uint8Array argument is a TypeError', () => {
    expect(() => parseSafetensors('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('a shape that does not match the model leaves the model untouched', () => {
    const path = join(tmp(), 'bad.safetensors');
    saveSafetensors(path, {
      'fc.weight': new Tensor(new Float32Array(6).fill(9), [3, 2]),
      'fc.bias': new Tensor(new Float32Array(2).fill(9), [2]),
      count: new Tensor(new Float32Array(1).fill(9), [1]),
    });
    const m = filled(new Outer(), 0);
    expect(() => loadWeights(m, path)).toThrow(/"fc.weight" has shape \[3, 2\], the model expects \[2, 3\]/);
    expect(m.fc.bias.toArray()).toEqual([7, 8]);
    expect(m.count.toArray()).toEqual([0]);
  });

  it('missing and unexpected names leave the model untouched', () => {
    const path = join(tmp(), 'names.safetensors');
    saveSafetensors(path, { 'fc.weight': new Tensor(new Float32Array(6).fill(9), [2, 3]), other: new Tensor(new Float32Array(1), [1]) });
    const m = filled(new Outer(), 0);
    expect(() => loadWeights(m, path)).toThrow(/missing fc.bias, count; unexpected other/);
    expect(m.fc.weight.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a corrupted file on disk leaves the model untouched', () => {
    const path = join(tmp(), 'corrupt.safetensors');
    saveWeights(filled(new Outer(), 1), path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    const m = filled(new Outer(), 0);
    expectFormatError(() => loadWeights(m, path), /corrupt\.safetensors: .*fall outside/);
    expect(m.fc.weight.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('random corruption of a valid file gives a FormatError or a valid load, never anything else', () => {
    const valid = serializeSafetensors({ a: new Tensor(new Float32Array([1, 2, 3]), [3]), b: new Tensor(new Float32Array([4]), [1, 1]) }, { k: 'v' });
    let s = 12345;
    const rand = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    let rejected = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = Uint8Array.from(valid);
      const cut = trial % 5 === 0 ? rand(bytes.length) : bytes.length;
      for (let k = 0, flips = 1 + rand(3); k < flips; k++) bytes[rand(bytes.length)] = rand(256);
      try {
        parseSafetensors(bytes.subarray(0, cut));
      } catch (err) {
        expect(err).toBeInstanceOf(FormatError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(500);
  });
});
