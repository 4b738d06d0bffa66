/**
 * Float32 buffers for tensors. First-touching fresh memory is slow on the machines neurite
 * targets, so buffers released by disposed tensors are kept by size and handed out again.
 * The pool holds at most `limitBytes`; past that, released buffers go to the garbage collector.
 */

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let limitBytes = 512 * 1024 * 1024;
let allocatedBytes = 0;

/** A buffer of n floats, contents unspecified (callers overwrite every element). */
export function acquire(n: number): Float32Array {
  const list = free.get(n);
  const buffer = list?.pop();
  if (buffer) {
    pooledBytes -= buffer.byteLength;
    return buffer;
  }
  allocatedBytes += n * 4;
  return new Float32Array(n);
}

/** A zero-filled buffer of n floats. */
export function acquireZeroed(n: number): Float32Array {
  const buffer = acquire(n);
  buffer.fill(0);
  return buffer;
}

/** Returns a buffer to the pool. The caller must not use it afterwards. */
export function release(buffer: Float32Array): void {
  if (buffer.length === 0 || buffer.byteOffset !== 0 || buffer.length !== buffer.buffer.byteLength / 4) return;
  if (pooledBytes + buffer.byteLength > limitBytes) return;
  let list = free.get(buffer.length);
  if (!list) free.set(buffer.length, (list = []));
  list.push(buffer);
  pooledBytes += buffer.byteLength;
}

export interface MemoryStats {
  /** Bytes in fresh Float32Arrays created since start-up (pool misses). */
  allocatedBytes: number;
  /** Bytes waiting in the pool. */
  pooledBytes: number;
}

export function memoryStats(): MemoryStats {
  return { allocatedBytes, pooledBytes };
}

/** Caps the pool (bytes); 0 disables pooling. */
export function setPoolLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setPoolLimit: bytes must be >= 0, got ${bytes}`);
  limitBytes = bytes;
  if (pooledBytes > limitBytes) {
    free.clear();
    pooledBytes = 0;
  }
}
