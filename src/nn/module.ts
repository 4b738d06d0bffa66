/**
 * Module: the base of every layer and model, after torch.nn.Module. A module owns named
 * parameters and child modules; names join with dots (`fc1.weight`, `0.bias`), as in a
 * PyTorch state dict, so weights move between the two by name.
 *
 * Subclasses register what they own in the constructor:
 *
 *   class Mlp extends Module {
 *     static className = 'Mlp';
 *     fc1 = this.registerModule('fc1', new Linear(784, 128));
 *     forward(x: Tensor) { return this.fc1.forward(x); }
 *   }
 *
 * Buffers are tensors saved with the state dict but not trained (BatchNorm running statistics).
 */
import { keep } from '../scope';
import { formatShape, Tensor } from '../tensor';

export type StateDict = Map<string, Tensor>;

export abstract class Module {
  /** Name used in saved model configs; subclasses override. */
  static className = 'Module';

  /** true after train(), false after eval(): Dropout and BatchNorm read it. */
  training = true;

  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(...inputs: Tensor[]): Tensor;

  /** Makes `t` a trainable parameter named `name` (requiresGrad = true). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    checkName(name);
    t.requiresGrad = true;
    this.params.set(name, keep(t));
    return t;
  }

  /** Saves `t` with the state dict, without training it. */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    checkName(name);
    this.buffers.set(name, keep(t));
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    checkName(name);
    this.children.set(name, m);
    return m;
  }

  /** Replaces a registered child (for example a classifier head when fine-tuning). */
  replaceModule<M extends Module>(name: string, m: M): M {
    if (!this.children.has(name)) throw new RangeError(`replaceModule: no child module named "${name}"`);
    this.children.set(name, m);
    return m;
  }

  /** Replaces a registered parameter or buffer tensor in place of the old one. */
  protected setTensor(name: string, t: Tensor): void {
    if (this.params.has(name)) {
      t.requiresGrad = this.params.get(name)!.requiresGrad;
      this.params.set(name, keep(t));
    } else if (this.buffers.has(name)) this.buffers.set(name, keep(t));
    else throw new RangeError(`no parameter or buffer named "${name}"`);
  }

  getParameter(name: string): Tensor | undefined {
    return this.params.get(name);
  }

  getBuffer(name: string): Tensor | undefined {
    return this.buffers.get(name);
  }

  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every module in the tree with its dotted name ('' for this one), depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Every parameter with its dotted name, in registration order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.params) out.push([prefix ? `${prefix}.${name}` : name, p]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this.buffers) out.push([prefix ? `${prefix}.${name}` : name, b]);
    for (const [name, child] of this.children) out.push(...child.namedBuffers(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters that will be trained (requiresGrad still true). */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  /** Parameters and buffers by dotted name (tensors are shared, not copied). */
  stateDict(): StateDict {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into this module's tensors by name. Checks everything before copying
   * anything, so a mismatch leaves the module as it was. With strict (the default), missing
   * and unexpected names are errors.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !own.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new RangeError(
        `loadStateDict: ${missing.length ? `missing ${missing.join(', ')}` : ''}` +
          `${missing.length && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected ${unexpected.join(', ')}` : ''}`,
      );
    }
    for (const [name, target] of own) {
      const source = entries.get(name);
      if (!source) continue;
      if (!(source instanceof Tensor)) throw new TypeError(`loadStateDict: "${name}" must be a Tensor`);
      if (source.shape.length !== target.shape.length || source.shape.some((d, i) => d !== target.shape[i])) {
        throw new RangeError(`loadStateDict: "${name}" has shape ${formatShape(source.shape)}, the model expects ${formatShape(target.shape)}`);
      }
    }
    for (const [name, target] of own) {
      const source = entries.get(name);
      if (source) target.data.set(source.data);
    }
    return { missing, unexpected };
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Sets requiresGrad on every parameter (false freezes the module). */
  requiresGrad_(flag: boolean): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Total number of parameter values. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Constructor arguments that rebuild this module (for saved model configs). */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** The registered class name (Module subclasses set static className). */
  get className(): string {
    return (this.constructor as typeof Module).className;
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new RangeError(`Module: names must be non-empty strings without dots, got ${JSON.stringify(name)}`);
  }
}
