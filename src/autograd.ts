/**
 * Reverse-mode autograd on a tape. Each op that produces a tensor needing a gradient attaches a
 * GradNode: its inputs and a closure that, given the output's gradient, adds each input's
 * gradient into that input's buffer (backward kernels accumulate with +=, or overwrite the
 * fresh buffer of the first gradient a tensor gets: gradTarget). backward() visits
 * the nodes in reverse topological order, so graphs (shared inputs, skip connections) work,
 * not only chains.
 *
 * Gradients of leaves (parameters) accumulate in `.grad` across backward() calls until
 * zeroGrad(); gradients of intermediate tensors are freed as soon as they have been used.
 */
import { acquire, acquireZeroed } from './memory';
import { keep } from './scope';
import { Tensor, formatShape, takeUnzeroedGrad } from './tensor';

export interface GradNode {
  /** Op name, for error messages and debugging. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Adds d(loss)/d(input) into gradBuffer(input) for each input that requires grad. */
  backward(dout: Float32Array): void;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with gradient recording off (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** True when an op on these inputs must record a node. */
export function needsGrad(...inputs: Tensor[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Attaches a backward closure to `out` when any input requires grad; returns `out`.
 * Ops call this after computing the forward result.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: (dout: Float32Array) => void): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, backward };
  return out;
}

/**
 * The buffer that collects the gradient of `t`, or null when `t` needs none. Leaves get a
 * persistent `.grad` tensor; intermediates get a pooled buffer freed after use.
 */
export function gradBuffer(t: Tensor): Float32Array | null {
  if (!t.requiresGrad) return null;
  if (!t.grad) attachGrad(t, acquireZeroed(t.size));
  return t.grad!.data;
}

/** Where a backward kernel that can either add or overwrite writes a gradient. */
export interface GradTarget {
  data: Float32Array;
  /** False for a fresh, unzeroed buffer: the kernel writes every element, as if adding into zeros. */
  accumulate: boolean;
}

/**
 * gradBuffer for kernels with an overwrite mode: the first gradient written into `t` (a fresh
 * buffer, or a parameter's after zeroGrad()) skips the zero fill, a pass over the whole
 * buffer that the kernel's own write makes redundant; later ones accumulate. null when `t`
 * needs no gradient.
 */
export function gradTarget(t: Tensor): GradTarget | null {
  if (!t.requiresGrad) return null;
  // A parameter's gradient after zeroGrad(): its fill is still pending, so overwrite.
  const unzeroed = takeUnzeroedGrad(t);
  if (unzeroed) return { data: unzeroed.data, accumulate: false };
  if (t.grad) return { data: t.grad.data, accumulate: true };
  return { data: attachGrad(t, acquire(t.size)), accumulate: false };
}

function attachGrad(t: Tensor, buffer: Float32Array): Float32Array {
  const grad = new Tensor(buffer, t.shape);
  t.grad = t.node === null || t.retainGrad ? keep(grad) : grad;
  return buffer;
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: long BPTT chains would overflow the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const next = inputs[i]!;
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

export function runBackward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad (no parameter with requiresGrad contributed to it)');
  }
  if (gradient === undefined && root.size !== 1) {
    throw new RangeError(`backward: a gradient is needed for a non-scalar tensor of shape ${formatShape(root.shape)}`);
  }
  if (gradient !== undefined && gradient.size !== root.size) {
    throw new RangeError(`backward: gradient shape ${formatShape(gradient.shape)} != tensor shape ${formatShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  const seed = gradBuffer(root)!;
  if (gradient) {
    for (let i = 0; i < seed.length; i++) seed[i] += gradient.data[i]!;
  } else {
    seed[0] += 1;
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    if (!t.node || !t.grad) continue;
    t.node.backward(t.grad.data);
    if (!t.retainGrad && t !== root) {
      // An intermediate's gradient is complete once its node has run: hand the buffer back.
      const g = t.grad;
      t.grad = null;
      g.dispose();
    }
  }
}
