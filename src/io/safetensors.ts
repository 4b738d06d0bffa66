/**
 * safetensors: the weight format of PyTorch and Hugging Face
 * (https://github.com/huggingface/safetensors). A file is
 *
 *   8 bytes    N, the header length, unsigned 64-bit little-endian
 *   N bytes    a UTF-8 JSON object: name -> { dtype, shape, data_offsets: [begin, end] },
 *              plus an optional "__metadata__": { string: string }
 *   the rest   the tensors' raw little-endian bytes; offsets are relative to this section
 *
 * neurite writes F32 and reads F32, F64, F16 and BF16 (converted to float32). Names are the
 * dotted PyTorch names of Module.stateDict(), so a state dict saved by PyTorch for the same
 * architecture loads directly.
 *
 * Reading treats the file as untrusted: every length, offset, dtype and shape is checked, the
 * header goes through a strict JSON parser (no duplicate names, no `__proto__`/`constructor`
 * keys), and the tensors must tile the data section exactly, with no overlap and no gap, as the
 * reference implementation requires. Any problem is a FormatError with code
 * ERR_SAFETENSORS_FORMAT, raised before anything is returned or copied into a model.
 */
import { readFileSync } from 'node:fs';
import { Module, type StateDict } from '../nn/module';
import { describe, formatShape, shapeSize, Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { FormatError } from './errors';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json';

export type SafetensorsDtype = 'F32' | 'F64' | 'F16' | 'BF16';

/** Bytes per element of the dtypes neurite reads. */
const READABLE: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
/** Valid safetensors dtypes that neurite does not convert to float32. */
const KNOWN_UNSUPPORTED = new Set(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

/** The reference implementation refuses headers above 100 MB; so does neurite. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsContents {
  /** Tensors by name, in file order (float32). */
  tensors: Map<string, Tensor>;
  /** The optional "__metadata__" string map (null when absent). */
  metadata: Record<string, string> | null;
}

function fail(source: string, message: string): never {
  throw new FormatError('ERR_SAFETENSORS_FORMAT', `safetensors ${source}: ${message}`);
}

function entriesOf(tensors: StateDict | Record<string, Tensor>): [string, Tensor][] {
  if (tensors instanceof Map) return [...tensors];
  if (tensors !== null && typeof tensors === 'object') return Object.entries(tensors);
  throw new TypeError(`serializeSafetensors: tensors must be a Map or an object of Tensors, got ${describe(tensors)}`);
}

/**
 * Encodes float32 tensors as safetensors bytes: F32, in the order given. `metadata` goes into
 * "__metadata__" (string values only). The header is padded with spaces to a multiple of 8 bytes
 * so the data section is aligned, as the reference writer does.
 */
export function serializeSafetensors(tensors: StateDict | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return concat(serializeParts(tensors, metadata));
}

function serializeParts(tensors: StateDict | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array[] {
  const entries = entriesOf(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new TypeError(`serializeSafetensors: metadata must be an object of strings, got ${describe(metadata)}`);
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`serializeSafetensors: metadata["${k}"] must be a string, got ${describe(v)}`);
    }
    header[METADATA_KEY] = { ...metadata };
  }
  let offset = 0;
  const datas: Uint8Array[] = [];
  for (const [name, t] of entries) {
    if (typeof name !== 'string' || name === '' || name === METADATA_KEY || name === '__proto__') {
      throw new RangeError(`serializeSafetensors: invalid tensor name ${JSON.stringify(name)}`);
    }
    if (!(t instanceof Tensor)) throw new TypeError(`serializeSafetensors: "${name}" must be a Tensor, got ${describe(t)}`);
    const data = t.data;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    datas.push(float32LittleEndianBytes(data));
  }
  let json = JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  json += ' '.repeat(padded - headerBytes.length);
  const prefix = new Uint8Array(8 + padded);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded), true);
  prefix.set(new TextEncoder().encode(json), 8);
  return [prefix, ...datas];
}

function float32LittleEndianBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Decodes safetensors bytes into float32 tensors. Every header field is checked before any
 * tensor is made; `source` names the input in error messages.
 */
export function parseSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseSafetensors: bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) fail(source, `truncated file: ${bytes.length} bytes, the header length alone needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    fail(source, `header length ${n} runs past the end of the file (${bytes.length - 8} bytes after the length field)`);
  }
  const headerLength = Number(n);
  if (headerLength > MAX_HEADER_BYTES) fail(source, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (headerLength < 2) fail(source, `header length ${headerLength} is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  let header: JsonValue;
  try {
    header = parseStrictJson(text!);
  } catch (err) {
    fail(source, `header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isJsonObject(header!)) {
    fail(source, `header must be a JSON object, got ${header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header}`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: HeaderEntry[] = [];
  for (const name of Object.keys(header)) {
    const value = header[name]!;
    if (name === METADATA_KEY) {
      metadata = checkMetadata(source, value);
      continue;
    }
    if (name === '') fail(source, 'empty tensor name');
    entries.push(checkEntry(source, name, value, dataLength));
  }
  checkTiling(source, entries, dataLength);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) tensors.set(e.name, decode(e, bytes, dataStart));
  return { tensors, metadata };
}

function checkMetadata(source: string, value: JsonValue): Record<string, string> {
  if (!isJsonObject(value)) fail(source, `"${METADATA_KEY}" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(source, `"${METADATA_KEY}"."${k}" must be a string, got ${v === null ? 'null' : typeof v}`);
    out[k] = v;
  }
  return out;
}

function checkEntry(source: string, name: string, value: JsonValue, dataLength: number): HeaderEntry {
  const where = `tensor "${name}"`;
  if (!isJsonObject(value)) fail(source, `${where}: entry must be an object with dtype, shape and data_offsets`);
  for (const key of Object.keys(value)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') fail(source, `${where}: unexpected field "${key}"`);
  }
  const dtype = value.dtype;
  if (typeof dtype !== 'string') fail(source, `${where}: dtype must be a string, got ${describe(dtype)}`);
  if (!(dtype in READABLE)) {
    if (KNOWN_UNSUPPORTED.has(dtype)) fail(source, `${where}: dtype ${dtype} is not supported (neurite reads F32, F64, F16 and BF16)`);
    fail(source, `${where}: unknown dtype ${JSON.stringify(dtype)}`);
  }
  const shape = value.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail(source, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const offsets = value.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail(source, `${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(source, `${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(source, `${where}: data_offsets [${begin}, ${end}] fall outside the ${dataLength}-byte data section`);
  const dims = shape as number[];
  const expected = shapeSize(dims) * READABLE[dtype as SafetensorsDtype];
  if (end - begin !== expected) {
    fail(source, `${where}: shape ${formatShape(dims)} of ${dtype} needs ${expected} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  if (shapeSize(dims) > 2 ** 32) fail(source, `${where}: shape ${formatShape(dims)} is too large`);
  return { name, dtype: dtype as SafetensorsDtype, shape: dims, begin, end };
}

/** The tensors must cover the data section exactly once: sorted by offset, each starts where the last ended. */
function checkTiling(source: string, entries: HeaderEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: HeaderEntry | null = null;
  for (const e of sorted) {
    if (e.begin < at) {
      fail(source, `tensors "${previous!.name}" [${previous!.begin}, ${previous!.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > at) fail(source, `bytes [${at}, ${e.begin}) of the data section belong to no tensor (before "${e.name}")`);
    at = e.end;
    previous = e;
  }
  if (at !== dataLength) fail(source, `the data section has ${dataLength} bytes but the tensors cover ${at}`);
}

function decode(e: HeaderEntry, bytes: Uint8Array, dataStart: number): Tensor {
  const count = shapeSize(e.shape);
  const out = new Float32Array(count);
  const start = dataStart + e.begin;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, e.end - e.begin);
  switch (e.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes.subarray(start, start + 4 * count));
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32's bits.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      break;
    }
  }
  return new Tensor(out, e.shape);
}

/** IEEE 754 binary16 to a number (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Writes tensors to a safetensors file, atomically (see atomic.ts). */
export function saveSafetensors(path: string, tensors: StateDict | Record<string, Tensor>, metadata?: Record<string, string>): void {
  if (typeof path !== 'string') throw new TypeError(`saveSafetensors: path must be a string, got ${describe(path)}`);
  writeFileAtomic(path, serializeParts(tensors, metadata));
}

/** Reads a safetensors file (validated; see parseSafetensors). */
export function loadSafetensors(path: string): SafetensorsContents {
  if (typeof path !== 'string') throw new TypeError(`loadSafetensors: path must be a string, got ${describe(path)}`);
  return parseSafetensors(readFileSync(path), path);
}

/** Saves a module's state dict (parameters and buffers, PyTorch names) as safetensors. */
export function saveWeights(model: Module, path: string, metadata?: Record<string, string>): void {
  if (!(model instanceof Module)) throw new TypeError(`saveWeights: model must be a Module, got ${describe(model)}`);
  saveSafetensors(path, model.stateDict(), metadata);
}

/**
 * Loads a safetensors file into a module. The file is fully validated first, then
 * Module.loadStateDict checks every name and shape before copying anything, so on any error
 * the model is left as it was. With strict (the default), missing or extra names are errors.
 */
export function loadWeights(model: Module, path: string, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
  if (!(model instanceof Module)) throw new TypeError(`loadWeights: model must be a Module, got ${describe(model)}`);
  const { tensors } = loadSafetensors(path);
  return model.loadStateDict(tensors, options);
}
