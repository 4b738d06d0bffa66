import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Dropout, FormatError, Linear, loadModel, manualSeed, ReLU, Sequential, Softmax, moduleFromConfig, randNormal, readModelConfig, registerModuleClass, saveModel,
} from '../../src/index';
import { Module } from '../../src/nn/module';
import type { Tensor } from '../../src/tensor';
import { TestLinear, TestSequential, testMlp } from '../helpers/modules';

const tmp = () => mkdtempSync(join(tmpdir(), 'neurite-model-'));

describe('saveModel / loadModel', () => {
  it('rebuilds the architecture and the weights, giving identical outputs', () => {
    manualSeed(3);
    const model = testMlp(5, 7, 3);
    const dir = join(tmp(), 'nested', 'mlp');
    saveModel(model, dir);
    manualSeed(99); // the rebuilt model initializes differently, then loads the saved weights
    const back = loadModel<TestSequential>(dir);
    expect(back).toBeInstanceOf(TestSequential);
    expect(back.layers.map((l) => l.className)).toEqual(['TestLinear', 'TestReLU', 'TestLinear']);
    expect([...back.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const x = randNormal([4, 5]);
    expect(back.forward(x).toArray()).toEqual(model.forward(x).toArray());
  });

  it('writes a readable config naming each class', () => {
    const dir = tmp();
    saveModel(testMlp(2, 3, 1), dir);
    const config = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(config).toEqual({
      format: 'neurite-model', version: 1, className: 'TestSequential',
      config: { layers: [
        { className: 'TestLinear', config: { inFeatures: 2, outFeatures: 3 } },
        { className: 'TestReLU', config: {} },
        { className: 'TestLinear', config: { inFeatures: 3, outFeatures: 1 } },
      ] },
    });
  });

  it('refuses to save a module whose class is not registered', () => {
    class Unregistered extends Module {
      static override className = 'Unregistered';
      forward(x: Tensor): Tensor { return x; }
    }
    expect(() => saveModel(new Unregistered(), tmp())).toThrow(/Unregistered \(className "Unregistered"\) is not registered; call registerModuleClass/);
  });

  it('reports an unknown class name in a config', () => {
    const dir = tmp();
    saveModel(testMlp(2, 3, 1), dir);
    const path = join(dir, 'model.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"TestReLU"', '"NoSuchLayer"'));
    expect(() => loadModel(dir)).toThrow(/unknown module class "NoSuchLayer"/);
  });

  it('rejects a config with __proto__ keys', () => {
    const dir = tmp();
    saveModel(testMlp(2, 3, 1), dir);
    const path = join(dir, 'model.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"inFeatures": 2', '"__proto__": {"polluted": 1}, "inFeatures": 2'));
    let err: unknown;
    try { loadModel(dir); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('ERR_MODEL_CONFIG');
    expect((err as Error).message).toMatch(/forbidden key "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a config that is not a neurite model', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'model.json'), '[]');
    expect(() => readModelConfig(dir)).toThrow(/must be a JSON object/);
    writeFileSync(join(dir, 'model.json'), '{"format": "other", "version": 1, "className": "TestReLU", "config": {}}');
    expect(() => readModelConfig(dir)).toThrow(/format must be "neurite-model", got "other"/);
    writeFileSync(join(dir, 'model.json'), '{"format": "neurite-model", "version": 2, "className": "TestReLU", "config": {}}');
    expect(() => readModelConfig(dir)).toThrow(/unsupported version 2/);
  });

  it('reports weights that do not fit the saved architecture', () => {
    const dir = tmp();
    saveModel(testMlp(2, 3, 1), dir);
    const path = join(dir, 'model.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"outFeatures": 1', '"outFeatures": 4'));
    expect(() => loadModel(dir)).toThrow(/"2.weight" has shape \[1, 3\], the model expects \[4, 3\]/);
  });
});

describe('module registry', () => {
  it('rejects classes without their own className and name clashes', () => {
    class NoName extends Module { forward(x: Tensor): Tensor { return x; } }
    expect(() => registerModuleClass(NoName)).toThrow(/must define its own static className/);
    class Clash extends Module {
      static override className = 'TestLinear';
      forward(x: Tensor): Tensor { return x; }
    }
    expect(() => registerModuleClass(Clash)).toThrow(/another class is already registered as "TestLinear"/);
    expect(registerModuleClass(TestLinear)).toBe(TestLinear);
  });

  it('does not resolve prototype names', () => {
    expect(() => moduleFromConfig({ className: 'constructor', config: {} })).toThrow(/unknown module class "constructor"/);
    expect(() => moduleFromConfig({ className: 'toString', config: {} })).toThrow(/unknown module class/);
    expect(() => moduleFromConfig({ className: 'TestReLU', config: [] })).toThrow(/config of TestReLU must be an object/);
    expect(() => moduleFromConfig(null)).toThrow(TypeError);
  });
});

describe('saveModel / loadModel with neurite layers', () => {
  it('round-trips Sequential(Linear, ReLU, Dropout, Linear, Softmax) with its options', () => {
    manualSeed(4);
    const model = new Sequential(new Linear(6, 5), new ReLU(), new Dropout(0.3), new Linear(5, 3, { bias: false }), new Softmax());
    const dir = tmp();
    saveModel(model, dir);
    manualSeed(5);
    const back = loadModel<Sequential>(dir).eval();
    model.eval();
    expect(back).toBeInstanceOf(Sequential);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).config).toEqual(JSON.parse(JSON.stringify(model.getConfig())));
    expect([...back.stateDict().keys()]).toEqual([...model.stateDict().keys()]);
    const x = randNormal([2, 6]);
    expect(back.forward(x).toArray()).toEqual(model.forward(x).toArray());
  });
});
