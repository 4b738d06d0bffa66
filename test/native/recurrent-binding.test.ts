// The recurrent cell bindings turn bad arguments into TypeError / RangeError naming the
// function, the argument, what was expected and what came in; they never crash the process.
import { describe, expect, it } from 'vitest';
import { kernels } from '../helpers/backends';

const K = () => kernels('native') as unknown as Record<string, (...args: unknown[]) => void>;
const f = (n: number) => new Float32Array(n);
const E = f(0);
const [B, H] = [2, 3];

// A valid call per kernel, as an argument list, and the index of each Float32Array argument.
const VALID: Record<string, unknown[]> = {
  rnnCellForward: [B, H, 0, f(B * H), f(B * H), f(H * H), E, f(B * H)],
  rnnCellBackward: [B, H, 0, f(B * H), f(H * H), E, f(B * H), f(B * H), f(B * H)],
  lstmCellForward: [B, H, true, true, f(4 * B * H), f(B * H), f(B * H), f(4 * H * H), f(3 * H), E, f(B * H), f(B * H)],
  lstmCellBackward: [B, H, true, true, f(4 * B * H), f(B * H), f(B * H), f(4 * H * H), f(3 * H), E, f(B * H), f(B * H), f(4 * B * H), f(B * H), f(B * H), f(3 * H)],
  gruCellForward: [B, H, true, f(3 * B * H), f(B * H), f(3 * H * H), f(3 * H), E, f(B * H), f(B * H)],
  gruCellBackward: [B, H, false, f(3 * B * H), f(B * H), f(B * H), f(3 * H * H), E, f(B * H), f(3 * B * H), f(B * H), f(B * H)],
  mguCellForward: [B, H, f(2 * B * H), f(B * H), f(2 * H * H), f(2 * H), E, f(B * H), f(B * H)],
  mguCellBackward: [B, H, f(2 * B * H), f(B * H), f(2 * H * H), E, f(B * H), f(2 * B * H), f(B * H), f(B * H)],
};

describe('recurrent cell bindings', () => {
  for (const [name, args] of Object.entries(VALID)) {
    describe(name, () => {
      it('accepts a valid call, with and without a mask', () => {
        expect(() => K()[name]!(...args)).not.toThrow();
        const maskAt = args.indexOf(E);
        const withMask = [...args];
        withMask[maskAt] = new Float32Array([1, 0]);
        expect(() => K()[name]!(...withMask)).not.toThrow();
      });

      it('rejects a wrong argument count', () => {
        expect(() => K()[name]!(...args.slice(0, -1))).toThrow(new RegExp(`${name}: expected ${args.length} arguments, got ${args.length - 1}`));
      });

      it('rejects non-integer and zero sizes', () => {
        expect(() => K()[name]!(1.5, ...args.slice(1))).toThrow(RangeError);
        expect(() => K()[name]!(B, 0, ...args.slice(2))).toThrow(/argument 1 \(H\) must be an integer in \[1,/);
        expect(() => K()[name]!('2', ...args.slice(1))).toThrow(TypeError);
      });

      it('rejects each array argument when of the wrong type or too short', () => {
        args.forEach((a, i) => {
          if (!(a instanceof Float32Array) || a === E) return;
          const wrongType = [...args];
          wrongType[i] = new Float64Array(a.length);
          expect(() => K()[name]!(...wrongType)).toThrow(/must be a Float32Array, got Float64Array/);
          if (a.length === 0) return;
          const short = [...args];
          short[i] = f(a.length - 1);
          expect(() => K()[name]!(...short)).toThrow(new RegExp(`${name}: \\w+ has ${a.length - 1} elements, needs at least ${a.length}`));
        });
      });

      it('rejects a mask shorter than B', () => {
        const bad = [...args];
        bad[args.indexOf(E)] = f(1);
        expect(() => K()[name]!(...bad)).toThrow(/mask has 1 elements, needs 0 \(no mask\) or at least B \(2\)/);
      });
    });
  }

  it('rnn activation codes are checked', () => {
    const args = [...VALID.rnnCellForward!];
    args[2] = 2;
    expect(() => K().rnnCellForward!(...args)).toThrow(/argument 2 \(activation\) must be an integer in \[0, 1\]/);
  });

  it('flags must be booleans', () => {
    const args = [...VALID.lstmCellForward!];
    args[2] = 1;
    expect(() => K().lstmCellForward!(...args)).toThrow(/argument 2 \(forgetGate\) must be a boolean, got number 1/);
  });

  it('peephole arrays are only required with peephole', () => {
    const args = [...VALID.lstmCellForward!];
    args[3] = false;
    args[8] = E;
    expect(() => K().lstmCellForward!(...args)).not.toThrow();
  });
});
