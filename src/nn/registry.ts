/**
 * Module class registry: class name -> class, so a saved model config
 * ({ className, config }) can be turned back into modules (after tfjs-layers'
 * serialization.registerClass). Every layer class registers itself once, next to its
 * definition:
 *
 *   export class Linear extends Module {
 *     static override className = 'Linear';
 *     static fromConfig(c: { inFeatures: number; outFeatures: number; bias: boolean }) { ... }
 *     getConfig() { return { inFeatures: this.inFeatures, ... }; }
 *   }
 *   registerModuleClass(Linear);
 *
 * Rebuilding calls `Cls.fromConfig(config)` when the class defines it, otherwise
 * `new Cls(config)`. Containers (Sequential, a user's model with children) put their children's
 * `moduleToConfig(child)` into their own config and call `moduleFromConfig` on them in
 * fromConfig, so the tree is rebuilt recursively.
 *
 * Lookups go through a Map, so a config naming "__proto__" or "constructor" finds nothing.
 */
import { describe } from '../tensor';
import { Module } from './module';

/** A Module subclass that can be registered. */
export interface ModuleClass<M extends Module = Module> {
  new (...args: never[]): M;
  readonly className: string;
  fromConfig?(config: Record<string, unknown>): M;
}

/** A module's architecture, as saved in model configs. */
export interface ModuleConfig {
  className: string;
  config: Record<string, unknown>;
}

const classes = new Map<string, ModuleClass>();

/** Registers `cls` under its static className. Registering a different class under a taken name is an error. */
export function registerModuleClass<C extends ModuleClass>(cls: C): C {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Module)) {
    throw new TypeError(`registerModuleClass: expected a Module subclass, got ${describe(cls)}`);
  }
  const name = cls.className;
  if (typeof name !== 'string' || name === '' || name === 'Module' || !Object.prototype.hasOwnProperty.call(cls, 'className')) {
    throw new RangeError(`registerModuleClass: ${cls.name || 'the class'} must define its own static className (got ${JSON.stringify(name)})`);
  }
  const existing = classes.get(name);
  if (existing && existing !== cls) throw new RangeError(`registerModuleClass: another class is already registered as "${name}"`);
  classes.set(name, cls);
  return cls;
}

/** The class registered as `name`, or undefined. */
export function getModuleClass(name: string): ModuleClass | undefined {
  return classes.get(name);
}

/** Names of every registered class. */
export function registeredModuleClasses(): string[] {
  return [...classes.keys()];
}

/** { className, config } for a module whose class is registered. */
export function moduleToConfig(m: Module): ModuleConfig {
  if (!(m instanceof Module)) throw new TypeError(`moduleToConfig: expected a Module, got ${describe(m)}`);
  const name = m.className;
  if (classes.get(name) !== m.constructor) {
    throw new RangeError(`moduleToConfig: ${m.constructor.name} (className "${name}") is not registered; call registerModuleClass(${m.constructor.name}) so saved models can rebuild it`);
  }
  const config = m.getConfig();
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`moduleToConfig: ${name}.getConfig() must return an object, got ${describe(config)}`);
  }
  return { className: name, config };
}

/** Rebuilds a module (and, through its class's fromConfig, its children) from a config. */
export function moduleFromConfig(spec: ModuleConfig | unknown): Module {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(`moduleFromConfig: expected { className, config }, got ${describe(spec)}`);
  }
  const { className, config } = spec as Partial<ModuleConfig>;
  if (typeof className !== 'string') throw new TypeError(`moduleFromConfig: className must be a string, got ${describe(className)}`);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`moduleFromConfig: config of ${className} must be an object, got ${describe(config)}`);
  }
  const cls = classes.get(className);
  if (!cls) {
    throw new RangeError(`moduleFromConfig: unknown module class "${className}" (registered: ${registeredModuleClasses().join(', ') || 'none'})`);
  }
  const m = cls.fromConfig ? cls.fromConfig(config) : new (cls as unknown as new (c: unknown) => Module)(config);
  if (!(m instanceof cls)) throw new TypeError(`moduleFromConfig: ${className}.fromConfig did not return a ${className}`);
  return m;
}
