/**
 * The parity suite shared by the recurrent cell families: forward against the float64 oracle,
 * backward against the oracle's finite differences, and native against js.
 */
import { describe, expect, it } from 'vitest';
import { cellOracle, gateCount, type CellKind } from '../oracle/cells';
import { BACKEND_NAMES, expectClose, kernels, pattern, withThreads } from './backends';
import { cellBackward, cellForward, cellInputs, lossWeights, oracleGrad } from './cells';

const SHAPES: [number, number][] = [[1, 1], [1, 5], [3, 4], [7, 13], [16, 32]];

export function describeCellParity(kinds: CellKind[]): void {
  describe.each(BACKEND_NAMES)('%s', (name) => {
    for (const kind of kinds) {
      for (const masked of [false, true]) {
        it.each(SHAPES)(`${kind}${masked ? ' masked' : ''} forward matches the oracle at B=%i H=%i`, (B, H) => {
          const p = cellInputs(kind, B, H, B * 31 + H, masked);
          const got = cellForward(kernels(name), kind, p);
          const want = cellOracle(kind, p);
          expectClose(got.h, want.h, 1e-5, 1e-5);
          if (kind.startsWith('lstm')) expectClose(got.c, want.c, 1e-5, 1e-5);
        });

        it.each(SHAPES.slice(0, 4))(`${kind}${masked ? ' masked' : ''} backward matches oracle differences at B=%i H=%i`, (B, H) => {
          const p = cellInputs(kind, B, H, B * 17 + H, masked);
          const { wh, wc } = lossWeights(B, H, 5);
          const fwd = cellForward(kernels(name), kind, p);
          const acc = { dhprev: pattern(B * H, 71), dcprev: pattern(B * H, 72), dpeep: pattern(3 * H, 73) };
          const g = cellBackward(kernels(name), kind, p, fwd, wh, kind.startsWith('lstm') ? wc : new Float32Array(B * H));
          const minus = (a: Float32Array, b: Float32Array) => a.map((v, i) => v - b[i]!);
          // dgates is the gradient with respect to the projection handed in through `gates`.
          expectClose(g.dgates, oracleGrad(kind, p, 'xproj', wh, wc), 1e-3, 1e-4);
          expectClose(minus(g.dhprev, acc.dhprev), oracleGrad(kind, p, 'hprev', wh, wc), 1e-3, 1e-4);
          if (kind.startsWith('lstm')) expectClose(minus(g.dcprev, acc.dcprev), oracleGrad(kind, p, 'cprev', wh, wc), 1e-3, 1e-4);
          if (kind === 'lstmPeephole') expectClose(minus(g.dpeep, acc.dpeep), oracleGrad(kind, p, 'peep', wh, wc), 1e-3, 1e-4);
          if (kind === 'gruAfter') {
            // daux is dL/d(W_hn h + b_hn): its column sums are the b_hn gradient.
            const dbn = oracleGrad(kind, p, 'bhh', wh, wc).slice(2 * H);
            const sums = new Float64Array(H);
            for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) sums[j] += g.daux[b * H + j]!;
            expectClose(sums, dbn, 1e-3, 1e-4);
          }
        });
      }
    }
  });

  describe('native vs js', () => {
    for (const kind of kinds) {
      it(`${kind}: forward and backward agree at B=33 H=70, and native is thread-count independent`, () => {
        const [B, H] = [33, 70];
        const p = cellInputs(kind, B, H, 99, true);
        const dh = pattern(B * H, 3), dc = pattern(B * H, 4);
        const run = (n: 'js' | 'native') => {
          const f = cellForward(kernels(n), kind, p);
          return { f, b: cellBackward(kernels(n), kind, p, f, dh, dc) };
        };
        const js = run('js');
        const nat = run('native');
        expectClose(nat.f.h, js.f.h, 1e-5, 1e-5);
        expectClose(nat.f.gates, js.f.gates, 1e-5, 1e-5);
        expectClose(nat.b.dgates, js.b.dgates, 1e-4, 1e-5);
        expectClose(nat.b.dhprev, js.b.dhprev, 1e-4, 1e-5);
        if (kind.startsWith('lstm')) {
          expectClose(nat.f.c, js.f.c, 1e-5, 1e-5);
          expectClose(nat.b.dcprev, js.b.dcprev, 1e-4, 1e-5);
        }
        if (kind === 'lstmPeephole') expectClose(nat.b.dpeep, js.b.dpeep, 1e-4, 1e-5);
        if (gateCount(kind) > 1 && !kind.startsWith('lstm')) expectClose(nat.b.daux, js.b.daux, 1e-4, 1e-5);
        const one = withThreads(1, () => run('native'));
        expect(Buffer.from(one.b.dhprev.buffer).equals(Buffer.from(nat.b.dhprev.buffer))).toBe(true);
        expect(Buffer.from(one.f.h.buffer).equals(Buffer.from(nat.f.h.buffer))).toBe(true);
      });
    }
  });
}
