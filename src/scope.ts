/**
 * tidy(): frees every tensor created inside a function except what it returns (and what is
 * passed to keep()). Training loops run each step in tidy(), so a step's intermediate buffers
 * go back to the pool and the next step reuses them instead of touching new memory.
 */
import type { Tensor } from './tensor';

const scopes: Set<Tensor>[] = [];

/** @internal Called by the Tensor constructor. */
export function registerInScope(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Keeps `t` (and the tensor whose buffer it shares) alive past the enclosing tidy() scopes. */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) {
    scope.delete(t);
    scope.delete(t.root);
  }
  return t;
}

/** Collects the tensors reachable from a tidy() result (a tensor, array or plain object). */
function collect(value: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    out.add(value);
    out.add(value.root);
    if (value.grad) collect(value.grad, out, seen);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

function isTensor(value: object): value is Tensor {
  return 'shape' in value && 'dispose' in value && 'root' in value;
}

export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const kept = new Set<Tensor>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else if (t.root !== t && kept.has(t.root)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
