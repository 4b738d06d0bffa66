/**
 * Tensor: a float32 array with a shape, row-major and contiguous. The data is a plain
 * Float32Array that kernels read and write in place (native code gets it without a copy).
 *
 * Autograd state lives here too: `requiresGrad`, the accumulated `grad`, and the `node` that
 * produced the tensor (see autograd.ts). Views made by reshape() share data with their base.
 */
import { runBackward, type GradNode } from './autograd';
import { acquire, release } from './memory';
import { registerInScope } from './scope';

export type Shape = readonly number[];

/** Nested arrays of numbers, as accepted by tensor(). */
export type NestedArray = number | readonly NestedArray[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function checkShape(fn: string, shape: unknown, name = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${fn}: ${name} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] as unknown;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
  }
  if (shapeSize(shape as number[]) > 2 ** 32) {
    throw new RangeError(`${fn}: ${name} ${formatShape(shape as number[])} has more than 2^32 elements`);
  }
  return [...(shape as number[])];
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Float32Array).length}`;
  if (typeof value === 'number') return `${value}`;
  if (typeof value === 'string') return `string "${value.length > 20 ? value.slice(0, 20) + '…' : value}"`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * Tensors whose zeroGrad() has not filled their gradient yet: the fill waits until the
 * gradient is read, and the next backward pass may skip it altogether by overwriting
 * (takeUnzeroedGrad). For a large weight that saves a pass over memory per step.
 */
const zeroPending = new WeakSet<Tensor>();

/**
 * For autograd: t's gradient buffer when zeroGrad() left it unfilled, with the pending fill
 * dropped (the caller overwrites every element); null otherwise.
 */
export function takeUnzeroedGrad(t: Tensor): Tensor | null {
  // Deleted first, so reading .grad does not fill it.
  if (!zeroPending.delete(t)) return null;
  return t.grad;
}

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  /** Whether gradients flow to this tensor. Set on parameters; ops propagate it. */
  requiresGrad = false;
  private gradTensor: Tensor | null = null;
  /** How this tensor was computed, when it needs a gradient (null for leaves). */
  node: GradNode | null = null;
  /** Set on a non-leaf to keep its gradient after backward(). */
  retainGrad = false;

  private buffer: Float32Array | null;
  private readonly base: Tensor | null;

  /** Wraps `data` (not copied). Use tensor()/zeros()/... to create tensors. */
  constructor(data: Float32Array, shape: Shape, base: Tensor | null = null) {
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`Tensor: data must be a Float32Array, got ${describe(data)}`);
    }
    const dims = checkShape('Tensor', shape);
    const size = shapeSize(dims);
    if (data.length !== size) {
      throw new RangeError(`Tensor: data has ${data.length} elements, shape ${formatShape(dims)} needs ${size}`);
    }
    this.buffer = data;
    this.shape = Object.freeze(dims);
    this.size = size;
    this.base = base;
    registerInScope(this);
  }

  /** The values, row-major. Throws once the tensor is disposed. */
  get data(): Float32Array {
    if (this.buffer === null) throw new Error(`Tensor ${formatShape(this.shape)} was disposed`);
    return this.buffer;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.buffer === null || (this.base !== null && this.base.isDisposed);
  }

  /** The tensor whose buffer this one shares (itself when it owns its data). */
  get root(): Tensor {
    return this.base ? this.base.root : this;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: tensor has ${this.size} elements, expected 1`);
    return this.data[0]!;
  }

  /** A copy of the values as a flat array. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** A copy of the values as nested arrays following the shape. */
  toNested(): NestedArray {
    const data = this.data;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return data[offset]!;
      const stride = shapeSize(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** The same values under another shape (one dimension may be -1). Shares data; grads flow. */
  reshape(shape: readonly number[]): Tensor {
    // Lazy import: ops depend on Tensor.
    return reshapeImpl(this, shape);
  }

  /** Alias of reshape(), as in PyTorch. */
  view(shape: readonly number[]): Tensor {
    return reshapeImpl(this, shape);
  }

  /** A tensor sharing this one's data but cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this);
  }

  /** A copy with its own buffer, cut off from the graph. */
  clone(): Tensor {
    const out = new Tensor(acquire(this.size), this.shape);
    out.data.set(this.data);
    return out;
  }

  /** Sets every element to `value` (in place). */
  fill(value: number): this {
    this.data.fill(value);
    return this;
  }

  /** Back-propagates from this tensor: fills .grad of every leaf that requires it. */
  backward(gradient?: Tensor): void {
    runBackward(this, gradient);
  }

  /** Accumulated gradient (same shape), filled by backward(). */
  get grad(): Tensor | null {
    if (zeroPending.delete(this)) this.gradTensor!.data.fill(0);
    return this.gradTensor;
  }

  set grad(grad: Tensor | null) {
    zeroPending.delete(this);
    this.gradTensor = grad;
  }

  /** Clears .grad (to zeros, once it is next read or written). */
  zeroGrad(): void {
    if (this.gradTensor) zeroPending.add(this);
  }

  /**
   * Gives the buffer back to neurite's pool. The tensor (and its views) must not be used
   * afterwards. Views never free their base's buffer.
   */
  dispose(): void {
    if (this.buffer === null) return;
    if (this.base === null) release(this.buffer);
    this.buffer = null;
    this.node = null;
  }

  toString(): string {
    const preview = this.size <= 8 ? this.toArray().map((v) => +v.toPrecision(4)).join(', ') : `${this.size} values`;
    return `Tensor(${formatShape(this.shape)}: ${preview})`;
  }
}

let reshapeImpl: (t: Tensor, shape: readonly number[]) => Tensor = () => {
  throw new Error('reshape is not initialized');
};

/** @internal ops/shape.ts installs reshape here to avoid an import cycle. */
export function installReshape(fn: typeof reshapeImpl): void {
  reshapeImpl = fn;
}
