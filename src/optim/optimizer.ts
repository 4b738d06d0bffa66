/**
 * Optimizer: the base of SGD, Adam, AdamW and RMSprop, after torch.optim.Optimizer.
 *
 * Parameters come as a list of tensors or as parameter groups, each group overriding the
 * optimizer's defaults for its own parameters:
 *
 *   new Adam([
 *     { params: model.getParameter('0.weight') ... , lr: 1e-3, l2: 1e-4, maxNorm: 3 },
 *     { params: [bias1, bias2], weightDecay: 0 },
 *   ], { lr: 1e-2 });
 *
 * Regularization options, per group (all default to 0 / off):
 * - `l1`, `l2`: penalty coefficients. The step adds the gradient of
 *   l1 * sum|w| + l2 * sum w^2 (that is, l1 * sign(w) + 2 * l2 * w) to each parameter's gradient
 *   before the update. `weightDecay` is PyTorch's (adds weightDecay * w; for AdamW decoupled).
 * - `maxNorm`: after the update, each row of a parameter of rank >= 2 (one neuron's incoming
 *   weight vector for Linear's (out, in) weight; one filter for a conv weight) is scaled back
 *   to norm <= maxNorm. Rank-1 parameters (biases) are left alone.
 *
 * State: optimizer state tensors (moments, momentum buffers) are created on the first step,
 * kept alive across tidy() scopes, and saved by stateDict() under flat keys
 * `<param index>.<name>` (for example `0.exp_avg`, `3.step`), the index counting parameters
 * across groups in order, as PyTorch's state dict does.
 */
import { noGrad } from '../autograd';
import { backend } from '../backend/registry';
import { zeros } from '../ops/creation';
import { keep } from '../scope';
import { describe, formatShape, Tensor } from '../tensor';

/** Options every optimizer understands, on the optimizer or on one group. */
export interface RegularizationOptions {
  /** Coefficient of the L1 penalty l1 * sum|w| (default 0). */
  l1?: number;
  /** Coefficient of the L2 penalty l2 * sum w^2 (default 0). */
  l2?: number;
  /** Max-norm constraint on each row of rank >= 2 parameters (default none). */
  maxNorm?: number;
}

export interface ParamGroup<O = Record<string, unknown>> {
  params: Tensor[];
  options: Required<O> & { lr: number } & Required<Omit<RegularizationOptions, 'maxNorm'>> & { maxNorm: number | null };
}

/** A group as given to a constructor: params plus any option overrides. */
export type ParamGroupInput<O> = { params: Tensor[] | Iterable<Tensor> } & Partial<O> & RegularizationOptions;

export interface OptimizerStateDict {
  /** Hyperparameters per group and which parameter indices each group holds. */
  config: Record<string, unknown>;
  /** State tensors by `<param index>.<name>`. */
  state: Record<string, Tensor>;
}

function checkNumber(cls: string, name: string, value: unknown, min: number, allowMin = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (allowMin ? value < min : value <= min)) {
    throw new RangeError(`${cls}: ${name} must be a finite number ${allowMin ? '>=' : '>'} ${min}, got ${describe(value)}`);
  }
  return value;
}

export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** State tensors per parameter, by state name. */
  protected readonly state = new Map<Tensor, Record<string, Tensor>>();
  private readonly defaults: Required<O> & RegularizationOptions;

  protected constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupInput<O>>,
    defaults: Required<O>,
    options: Partial<O> & RegularizationOptions,
  ) {
    const cls = this.constructor.name;
    this.defaults = { ...defaults, ...stripUndefined(options) };
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new RangeError(`${cls}: got an empty parameter list`);
    const groups: ParamGroupInput<O>[] = list.every((p) => p instanceof Tensor)
      ? [{ params: list as Tensor[] } as ParamGroupInput<O>]
      : (list as ParamGroupInput<O>[]);
    const seen = new Set<Tensor>();
    groups.forEach((g, gi) => {
      if (g === null || typeof g !== 'object' || !('params' in g)) {
        throw new TypeError(`${cls}: params must be Tensors or groups { params: Tensor[], ... }, got ${describe(g)} at ${gi}`);
      }
      const ps = [...g.params];
      for (const p of ps) {
        if (!(p instanceof Tensor)) throw new TypeError(`${cls}: group ${gi} holds ${describe(p)}, expected Tensors`);
        if (seen.has(p)) throw new RangeError(`${cls}: a parameter appears in more than one group (group ${gi})`);
        seen.add(p);
      }
      const { params: _params, ...overrides } = g;
      const merged = { ...this.defaults, ...stripUndefined(overrides as Record<string, unknown>) } as Record<string, unknown>;
      checkNumber(cls, 'lr', merged.lr, 0);
      const l1 = checkNumber(cls, 'l1', merged.l1 ?? 0, 0);
      const l2 = checkNumber(cls, 'l2', merged.l2 ?? 0, 0);
      const maxNorm = merged.maxNorm === undefined || merged.maxNorm === null ? null : checkNumber(cls, 'maxNorm', merged.maxNorm, 0, false);
      this.checkOptions(merged as Required<O>);
      this.paramGroups.push({ params: ps, options: { ...(merged as Required<O>), l1, l2, maxNorm } });
    });
  }

  /** Validates one group's hyperparameters (subclasses throw RangeError on bad values). */
  protected abstract checkOptions(options: Required<O>): void;

  /** Updates one parameter in place from its gradient. */
  protected abstract update(p: Tensor, grad: Float32Array, group: ParamGroup<O>['options']): void;

  /** Names of the state tensors each parameter gets (for loadStateDict checks). */
  protected abstract stateNames(): string[];

  /** Every parameter, across groups, in index order. */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The state tensor `name` of p, created zero-filled (and kept alive) on first use. */
  protected stateOf(p: Tensor, name: string, shape: readonly number[] = p.shape): Tensor {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return (s[name] ??= keep(zeros(shape)));
  }

  protected hasState(p: Tensor, name: string): boolean {
    return this.state.get(p)?.[name] !== undefined;
  }

  /** One optimization step on every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      const B = backend();
      for (const group of this.paramGroups) {
        const o = group.options;
        for (const p of group.params) {
          if (!p.grad || !p.requiresGrad) continue;
          const grad = p.grad.data;
          if (o.l1 !== 0 || o.l2 !== 0) B.penaltyGrad(p.data, grad, p.size, o.l1, o.l2);
          this.update(p, grad, o);
          if (o.maxNorm !== null && p.rank >= 2 && p.size > 0) {
            const rows = p.shape[0]!;
            B.maxNormRows(p.data, rows, p.size / rows, o.maxNorm);
          }
        }
      }
    });
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const p of this.params()) p.zeroGrad();
  }

  /**
   * The value of the L1/L2 penalties over all groups: sum over groups of
   * l1 * sum|w| + l2 * sum w^2 (for reporting; the step already applies their gradients).
   */
  penalty(): number {
    let total = 0;
    for (const { params, options } of this.paramGroups) {
      if (options.l1 === 0 && options.l2 === 0) continue;
      for (const p of params) {
        let a = 0, s = 0;
        for (const v of p.data) { a += Math.abs(v); s += v * v; }
        total += options.l1 * a + options.l2 * s;
      }
    }
    return total;
  }

  /** Learning rate of each group. */
  getLr(): number[] {
    return this.paramGroups.map((g) => g.options.lr);
  }

  /** Sets the learning rate of every group (or of group `index`). */
  setLr(lr: number, index?: number): void {
    checkNumber(this.constructor.name, 'lr', lr, 0);
    for (const [i, g] of this.paramGroups.entries()) if (index === undefined || i === index) g.options.lr = lr;
  }

  /** Hyperparameters and state, as PyTorch's optimizer.state_dict() (tensors shared, not copied). */
  stateDict(): OptimizerStateDict {
    const state: Record<string, Tensor> = {};
    let index = 0;
    const groups = this.paramGroups.map((g) => {
      const indices: number[] = [];
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s) for (const [name, t] of Object.entries(s)) state[`${index}.${name}`] = t;
        indices.push(index++);
      }
      return { ...g.options, params: indices };
    });
    return { config: { type: this.constructor.name, paramGroups: groups }, state };
  }

  /**
   * Restores hyperparameters and state saved by stateDict() from an optimizer of the same
   * type over parameters of the same shapes. Checks everything before changing anything.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const cls = this.constructor.name;
    if (!sd || typeof sd !== 'object' || !sd.config || !sd.state) {
      throw new TypeError(`${cls}.loadStateDict: expected { config, state }, got ${describe(sd)}`);
    }
    if (sd.config.type !== undefined && sd.config.type !== cls) {
      throw new RangeError(`${cls}.loadStateDict: the state was saved by ${String(sd.config.type)}, not ${cls}`);
    }
    const groups = sd.config.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new RangeError(`${cls}.loadStateDict: saved state has ${Array.isArray(groups) ? groups.length : 'no'} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const params = this.params();
    groups.forEach((g: { params?: unknown }, gi: number) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[gi]!.params.length) {
        throw new RangeError(`${cls}.loadStateDict: group ${gi} has a different number of parameters`);
      }
    });
    const names = new Set(this.stateNames());
    const updates: [Tensor, string, Tensor][] = [];
    for (const [key, t] of Object.entries(sd.state)) {
      const dot = key.indexOf('.');
      const index = Number(key.slice(0, dot));
      const name = key.slice(dot + 1);
      if (dot < 0 || !Number.isInteger(index) || index < 0 || index >= params.length || !names.has(name)) {
        throw new RangeError(`${cls}.loadStateDict: unexpected state key "${key}"`);
      }
      if (!(t instanceof Tensor)) throw new TypeError(`${cls}.loadStateDict: "${key}" must be a Tensor`);
      const p = params[index]!;
      const expected = name === 'step' ? [1] : p.shape;
      if (t.size !== expected.reduce((a, b) => a * b, 1)) {
        throw new RangeError(`${cls}.loadStateDict: "${key}" has shape ${formatShape(t.shape)}, expected ${formatShape(expected)}`);
      }
      updates.push([p, name, t]);
    }
    this.paramGroups.forEach((g, gi) => {
      const saved = groups[gi] as Record<string, unknown>;
      for (const k of Object.keys(g.options)) if (k in saved) (g.options as Record<string, unknown>)[k] = saved[k];
    });
    this.state.clear();
    for (const [p, name, t] of updates) {
      const target = this.stateOf(p, name, name === 'step' ? [1] : p.shape);
      target.data.set(t.data);
    }
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
