/**
 * The binding fuzzer, run in a child process by fuzz.test.ts so that a crash in the addon
 * shows up as a failed test naming the call, not as a dead test runner.
 *
 * Environment: NEURITE_ROOT (package directory), NEURITE_FUZZ_LAST (file that holds the call
 * in progress), NEURITE_FUZZ_RUNS (runs per spec and mode), NEURITE_FUZZ_SEED (optional).
 * Prints one JSON line of per-function counts and exits 0, or prints the failure and exits 1.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import fc from 'fast-check';
import { BINDING_SPECS, MAX_DIM, MAX_RANK, type ArgSpec, type BindingSpec, type Named } from './binding-specs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const addon = require('node-gyp-build')(process.env.NEURITE_ROOT) as Record<string, unknown>;
const runs = Number(process.env.NEURITE_FUZZ_RUNS ?? 300);
const seed = process.env.NEURITE_FUZZ_SEED ? Number(process.env.NEURITE_FUZZ_SEED) : undefined;
const lastFd = process.env.NEURITE_FUZZ_LAST ? openSync(process.env.NEURITE_FUZZ_LAST, 'w') : -1;
const timing = process.env.NEURITE_FUZZ_TIMING === '1';

interface Call { spec: BindingSpec; named: Named; args: unknown[]; label: string; expect: Expectation }
/** What a call must do: succeed, throw a specific error naming `arg`, or either. */
type Expectation =
  | { kind: 'succeed' }
  | { kind: 'throw'; error: 'TypeError' | 'RangeError'; arg?: string }
  | { kind: 'succeed-or-throw' };

function lcg(s: number): () => number {
  let state = s >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function validScalar(a: ArgSpec): fc.Arbitrary<unknown> {
  switch (a.kind) {
    case 'bool': return fc.boolean();
    case 'op': return fc.integer({ min: 0, max: a.count - 1 });
    case 'dim': return fc.integer({ min: a.min, max: a.validMax });
    case 'number': return fc.oneof(fc.double(), fc.double({ min: -4, max: 4, noNaN: true }));
    case 'dims': return fc.array(fc.integer({ min: a.min, max: a.min + 5 }), { minLength: a.minLen, maxLength: Math.min(a.maxLen, 5) });
    case 'choice': return fc.constantFrom(...a.values);
    case 'f32': throw new Error('f32 arguments are sized, not drawn');
  }
}

const SPECIAL_DATA = [NaN, Infinity, -Infinity, 0, -0, 3e38, 1e-40];
function buffer(n: number, rnd: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rnd() < 0.05 ? SPECIAL_DATA[Math.floor(rnd() * SPECIAL_DATA.length)]! : 8 * rnd() - 4;
  return out;
}

/** A valid call: scalars drawn, made consistent by spec.fix, buffers sized from the length rules. */
function validCall(spec: BindingSpec): fc.Arbitrary<Call> {
  const scalars = spec.args.filter((a) => a.kind !== 'f32');
  return fc.tuple(fc.tuple(...scalars.map(validScalar)), fc.integer()).map(([values, s]) => {
    const rnd = lcg(s);
    const named: Named = {};
    scalars.forEach((a, i) => (named[a.name] = values[i]));
    spec.fix?.(named, rnd);
    const args = spec.args.map((a) => {
      if (a.kind !== 'f32') return named[a.name];
      const buf = buffer(a.length(named) + Math.floor(rnd() * 4), rnd);
      a.fill?.(buf, named, rnd);
      return (named[a.name] = buf);
    });
    return { spec, named, args, label: 'valid', expect: { kind: 'succeed' } as Expectation };
  });
}

const WRONG_COMMON: [string, () => unknown][] = [
  ['undefined', () => undefined], ['null', () => null], ['string', () => '1'], ['object', () => ({})],
  ['empty Array', () => []], ['symbol', () => Symbol('s')], ['bigint', () => 1n], ['function', () => () => 0],
  ['Date', () => new Date(0)],
];
const NOT_NUMBER: [string, () => unknown][] = [...WRONG_COMMON, ['true', () => true], ['Number object', () => new Number(3)]];

function detached(n: number): Float32Array {
  const f = new Float32Array(n);
  structuredClone(f.buffer, { transfer: [f.buffer] });
  return f;
}

interface Mutation { label: string; value: (need: number, current: unknown) => unknown; expect: (a: ArgSpec, need: number) => Expectation }

const typeError = (a: ArgSpec): Expectation => ({ kind: 'throw', error: 'TypeError', arg: a.name });
const rangeError = (a: ArgSpec): Expectation => ({ kind: 'throw', error: 'RangeError', arg: a.name });
const either: Expectation = { kind: 'succeed-or-throw' };

function mutations(a: ArgSpec): Mutation[] {
  const wrong = (list: [string, () => unknown][]): Mutation[] =>
    list.map(([label, v]) => ({ label, value: v, expect: typeError }));
  switch (a.kind) {
    case 'f32':
      return [
        ...wrong([
          ...WRONG_COMMON, ['NaN', () => NaN], ['number', () => 4],
          ['Array of numbers', () => [1, 2, 3]], ['ArrayBuffer', () => new ArrayBuffer(64)],
          ['DataView', () => new DataView(new ArrayBuffer(64))],
        ]),
        ...(['Float64Array', 'Int32Array', 'Uint8Array', 'Float32Array-like object'] as const).map((kind): Mutation => ({
          label: kind,
          value: (need) => {
            const n = need + 4;
            if (kind === 'Float64Array') return new Float64Array(n);
            if (kind === 'Int32Array') return new Int32Array(n);
            if (kind === 'Uint8Array') return new Uint8Array(4 * n);
            return { length: n, buffer: new ArrayBuffer(4 * n), BYTES_PER_ELEMENT: 4 };
          },
          expect: typeError,
        })),
        // An optional buffer (emptyOk) takes an empty array as "absent".
        { label: 'one element short', value: (need) => new Float32Array(Math.max(0, need - 1)), expect: (x, need) => (need > 1 || (need === 1 && !a.emptyOk) ? rangeError(x) : either) },
        { label: 'empty', value: () => new Float32Array(0), expect: (x, need) => (need > 0 && !a.emptyOk ? rangeError(x) : either) },
        { label: 'detached', value: (need) => detached(need + 2), expect: (x, need) => (need > 0 && !a.emptyOk ? rangeError(x) : either) },
        {
          label: 'offset view', value: (need, cur) => {
            const base = new Float32Array((cur as Float32Array).length + 3);
            base.set(cur as Float32Array, 3);
            return base.subarray(3);
          },
          expect: () => ({ kind: 'succeed' }),
        },
        {
          label: 'SharedArrayBuffer view', value: (need, cur) => {
            const f = new Float32Array(new SharedArrayBuffer(4 * (cur as Float32Array).length));
            f.set(cur as Float32Array);
            return f;
          },
          expect: () => ({ kind: 'succeed' }),
        },
      ];
    case 'dim':
    case 'op': {
      const lo = a.kind === 'op' ? 0 : a.min, hi = a.kind === 'op' ? a.count - 1 : a.max;
      const bad: [string, number][] = [
        ['below min', lo - 1], ['-1', -1], ['fraction', lo + 0.5], ['above max', hi + 1], ['2^53', 2 ** 53],
        ['1e308', 1e308], ['Infinity', Infinity], ['-Infinity', -Infinity], ['NaN', NaN], ['-2^31', -(2 ** 31)],
      ];
      return [
        ...wrong(NOT_NUMBER),
        ...bad.map(([label, v]): Mutation => ({ label, value: () => v, expect: rangeError })),
        // The largest accepted value: buffers are then too short, unless another size is 0.
        { label: 'max', value: () => hi, expect: () => either },
        { label: '-0', value: () => -0, expect: (x) => (lo === 0 ? either : rangeError(x)) },
      ];
    }
    case 'number':
      return wrong(NOT_NUMBER);
    case 'choice':
      return [
        ...wrong(NOT_NUMBER.filter(([label]) => label !== 'string')),
        ...wrong([['number', () => 1]]),
        ...([['unknown name', 'no-such-choice'], ['empty string', ''], ['wrong case', a.values[0]!.toUpperCase()]] as const)
          .map(([label, v]): Mutation => ({ label, value: () => v, expect: rangeError })),
      ];
    case 'bool':
      return wrong([...WRONG_COMMON, ['0', () => 0], ['1', () => 1], ['"true"', () => 'true'], ['Boolean object', () => new Boolean(true)]]);
    case 'dims':
      return [
        ...wrong([['undefined', () => undefined], ['null', () => null], ['string', () => 'abc'], ['number', () => 3],
          ['Float32Array', () => new Float32Array(2)], ['array-like object', () => ({ length: 1, 0: 1 })]]),
        ...([['[NaN]', [NaN]], ['[-1]', [-1]], ['[0.5]', [0.5]], ['[2^31]', [2 ** 31]], ['[Infinity]', [Infinity]]] as const)
          .map(([label, v]): Mutation => ({ label, value: () => [...v], expect: rangeError })),
        ...([['["1"]', ['1']], ['[null]', [null]], ['[1n]', [1n]], ['[{}]', [{}]], ['holes', new Array(3)]] as const)
          .map(([label, v]): Mutation => ({ label, value: () => [...(v as unknown[])], expect: (x) => (a.maxLen >= 1 ? typeError(x) : rangeError(x)) })),
        { label: 'too long', value: () => new Array(a.maxLen + 1).fill(1), expect: rangeError },
        { label: 'huge entries', value: () => [MAX_DIM, MAX_DIM, MAX_DIM], expect: () => either },
        { label: 'another length', value: (_n, cur) => [...(cur as number[]), 2], expect: () => either },
      ];
  }
}

function invalidCall(spec: BindingSpec): fc.Arbitrary<Call> {
  const arity: { label: string; change: (args: unknown[]) => unknown[] }[] = [
    { label: 'no arguments', change: () => [] },
    { label: 'one argument too few', change: (args) => args.slice(0, -1) },
    { label: 'one argument too many', change: (args) => [...args, 0] },
    { label: 'extra undefined', change: (args) => [...args, undefined] },
  ];
  const perArg = spec.args.flatMap((a, i) => mutations(a).map((m) => ({ i, a, m })));
  return fc.tuple(validCall(spec), fc.nat(), fc.boolean()).map(([call, pick, arityOnly]): Call => {
    if (arityOnly || perArg.length === 0) {
      const change = arity[pick % arity.length]!;
      const args = change.change(call.args);
      if (args.length === call.args.length) return call;
      return {
        ...call, args, label: change.label,
        expect: { kind: 'throw', error: 'TypeError', arg: 'arguments' },
      };
    }
    const { i, a, m } = perArg[pick % perArg.length]!;
    const need = a.kind === 'f32' ? a.length(call.named) : 0;
    const args = [...call.args];
    args[i] = m.value(need, args[i]);
    return { ...call, args, label: `argument ${i} (${a.name}) ${m.label}`, expect: m.expect(a, need) };
  });
}

const CODES: Record<string, string> = { TypeError: 'ERR_INVALID_ARG_TYPE', RangeError: 'ERR_OUT_OF_RANGE' };
const counts: Record<string, { ok: number; TypeError: number; RangeError: number }> = {};

function check(call: Call): void {
  const { spec, args, label, expect } = call;
  if (lastFd >= 0) {
    ftruncateSync(lastFd, 0);
    writeSync(lastFd, `${spec.fn} ${label}\n`, 0);
  }
  const fn = addon[spec.fn] as (...a: unknown[]) => unknown;
  const c = (counts[spec.fn] ??= { ok: 0, TypeError: 0, RangeError: 0 });
  let error: unknown;
  try {
    fn(...args);
  } catch (e) {
    error = e;
  }
  const where = `${spec.fn}, ${label}`;
  if (error === undefined) {
    if (expect.kind === 'throw') throw new Error(`${where}: expected a ${expect.error}, but the call succeeded`);
    c.ok++;
    return;
  }
  if (!(error instanceof TypeError || error instanceof RangeError)) {
    throw new Error(`${where}: threw ${String(error)}, not a TypeError or RangeError`);
  }
  if (expect.kind === 'succeed') throw new Error(`${where}: a valid call threw ${error.name}: ${error.message}`);
  const code = (error as { code?: string }).code;
  if (code !== CODES[error.name]) throw new Error(`${where}: ${error.name} has code ${code}, expected ${CODES[error.name]}`);
  if (!error.message.startsWith(`${spec.fn}: `)) throw new Error(`${where}: message does not name the function: ${error.message}`);
  const names = [...spec.args.map((a) => a.name), 'arguments'];
  if (!names.some((n) => error.message.includes(n))) throw new Error(`${where}: message names no argument: ${error.message}`);
  if (expect.kind === 'throw') {
    if (error.name !== expect.error) throw new Error(`${where}: expected ${expect.error}, got ${error.name}: ${error.message}`);
    const named = expect.arg === 'arguments' ? 'arguments' : `(${expect.arg})`;
    const bufferNamed = `${expect.arg} has`;
    if (!error.message.includes(named) && !error.message.includes(bufferNamed)) {
      throw new Error(`${where}: message does not name ${expect.arg}: ${error.message}`);
    }
  }
  c[error.name as 'TypeError' | 'RangeError']++;
}

const exported = Object.keys(addon).filter((k) => typeof addon[k] === 'function').sort();
const specified = BINDING_SPECS.map((s) => s.fn);
const missing = exported.filter((k) => !specified.includes(k));
const stale = specified.filter((k) => !exported.includes(k));
if (missing.length > 0 || stale.length > 0) {
  console.log(JSON.stringify({ missing, stale }));
  process.exit(1);
}

const threadsBefore = (addon.getNumThreads as () => number)();
try {
  for (const spec of BINDING_SPECS) {
    const t0 = performance.now();
    for (const [arb, numRuns] of [[validCall(spec), Math.max(20, runs >> 2)], [invalidCall(spec), runs]] as const) {
      const r = fc.check(fc.property(arb, (c) => check(c)), { numRuns, seed });
      if (r.failed) {
        const why = r.errorInstance instanceof Error ? r.errorInstance.message : String(r.errorInstance);
        console.log(JSON.stringify({ failure: `${why} (fast-check seed ${r.seed}, path ${r.counterexamplePath})` }));
        process.exitCode = 1;
        break;
      }
    }
    if (process.exitCode) break;
    if (timing) console.error(`${spec.fn}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
} finally {
  (addon.setNumThreads as (n: number) => void)(threadsBefore);
  if (lastFd >= 0) closeSync(lastFd);
}
void MAX_RANK;
if (!process.exitCode) console.log(JSON.stringify({ counts }));
