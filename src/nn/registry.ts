/**
 * Module classes by name, so a JSON model config rebuilds the architecture (tfjs-layers'
 * serialization.registerClass). A config is `{ className, config }`: the class's static
 * className and what its getConfig() returns; containers (Sequential) nest their children's
 * configs. Every built-in module registers itself; register your own with registerModuleClass().
 *
 *   const json = JSON.stringify(moduleToConfig(model));
 *   const copy = moduleFromConfig(JSON.parse(json));   // same architecture, fresh weights
 */
import { describe } from '../tensor';
import type { Module } from './module';

export interface ModuleConfig {
  className: string;
  config: Record<string, unknown>;
}

/** A Module subclass that can be rebuilt from its getConfig(). */
export interface ModuleClass {
  className: string;
  /** Builds an instance from getConfig()'s output. */
  fromConfig(config: Record<string, unknown>): Module;
}

const registry = new Map<string, ModuleClass>();

export function registerModuleClass(cls: ModuleClass): void {
  if (typeof cls !== 'function' && typeof cls !== 'object') throw new TypeError(`registerModuleClass: expected a Module class, got ${describe(cls)}`);
  if (typeof cls.className !== 'string' || cls.className === '' || cls.className === 'Module') {
    throw new RangeError(`registerModuleClass: the class needs its own static className, got ${describe(cls.className)}`);
  }
  if (typeof cls.fromConfig !== 'function') throw new TypeError(`registerModuleClass: ${cls.className} needs a static fromConfig(config)`);
  registry.set(cls.className, cls);
}

export function getModuleClass(className: string): ModuleClass | undefined {
  return registry.get(className);
}

/** The `{ className, config }` of a module (JSON-serializable). */
export function moduleToConfig(m: Module): ModuleConfig {
  return { className: m.className, config: m.getConfig() };
}

/** Rebuilds a module from `{ className, config }`; unknown class names are a RangeError. */
export function moduleFromConfig(spec: ModuleConfig): Module {
  if (spec === null || typeof spec !== 'object' || typeof spec.className !== 'string') {
    throw new TypeError(`moduleFromConfig: expected { className: string, config: object }, got ${describe(spec)}`);
  }
  if (!registry.has(spec.className)) {
    throw new RangeError(`moduleFromConfig: unknown module class "${spec.className}" (known: ${[...registry.keys()].join(', ')})`);
  }
  const config = spec.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`moduleFromConfig: config of ${spec.className} must be an object, got ${describe(config)}`);
  }
  return registry.get(spec.className)!.fromConfig(config);
}
