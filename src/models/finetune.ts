/**
 * Fine-tuning helpers: freeze parameters by name prefix, and replace a classifier head.
 * Frozen parameters get requiresGrad = false, so backward() computes no gradient for them
 * and optimizers built on trainableParameters() never touch them.
 */
import type { Module } from '../nn/module';
import type { Random } from '../random';
import { Linear, Sequential } from '../nn/layers';

/**
 * Freezes every parameter whose dotted name starts with one of `prefixes` (a prefix matches
 * whole name segments: 'layer1' matches 'layer1.0.conv1.weight', not 'layer10.weight').
 * Returns the names frozen. freeze(model, ['']) freezes everything.
 */
export function freeze(model: Module, prefixes: readonly string[]): string[] {
  return setRequiresGrad(model, prefixes, false);
}

/** Undoes freeze() for the given prefixes. */
export function unfreeze(model: Module, prefixes: readonly string[]): string[] {
  return setRequiresGrad(model, prefixes, true);
}

/** Freezes every parameter except those under `trainable` prefixes. Returns the names frozen. */
export function freezeAllExcept(model: Module, trainable: readonly string[]): string[] {
  const frozen: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    const keep = trainable.some((t) => matches(name, t));
    p.requiresGrad = keep;
    if (!keep) frozen.push(name);
  }
  return frozen;
}

function matches(name: string, prefix: string): boolean {
  return prefix === '' || name === prefix || name.startsWith(`${prefix}.`);
}

function setRequiresGrad(model: Module, prefixes: readonly string[], flag: boolean): string[] {
  if (!Array.isArray(prefixes)) throw new TypeError('freeze: prefixes must be an array of strings');
  const names: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (prefixes.some((prefix) => matches(name, prefix))) {
      p.requiresGrad = flag;
      names.push(name);
    }
  }
  return names;
}

/**
 * Replaces the final Linear layer of a classifier with a fresh one for `numClasses`:
 * `fc` for ResNet, the last entry of `classifier` for VGG, AlexNet and LeNet-5. Returns the new
 * layer (trainable). Its parameter names stay the same, e.g. fc.weight.
 */
export function replaceHead(model: Module, numClasses: number, options: { rng?: Random } = {}): Linear {
  const children = new Map(model.namedChildren());
  const fc = children.get('fc');
  if (fc instanceof Linear) return model.replaceModule('fc', new Linear(fc.inFeatures, numClasses, options));
  const classifier = children.get('classifier');
  if (classifier instanceof Sequential) {
    for (let i = classifier.length - 1; i >= 0; i--) {
      const layer = classifier.at(i);
      if (layer instanceof Linear) return classifier.replaceModule(String(i), new Linear(layer.inFeatures, numClasses, options));
    }
  }
  throw new RangeError(`replaceHead: ${model.className} has no "fc" Linear nor a "classifier" Sequential ending in a Linear`);
}
