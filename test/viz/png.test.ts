import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/index';
import { imageGrid } from '../../src/viz/grid';
import { CLASS_COLORS, scatterPlot } from '../../src/viz/scatter';
import { decodePng, RgbaImage } from '../../src/viz/image';

const dir = mkdtempSync(join(tmpdir(), 'neurite-viz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('imageGrid', () => {
  it('tiles images row by row and decodes to the right size', () => {
    // 6 images of 4x3: image k is filled with k / 5.
    const data = new Float32Array(6 * 12).map((_, i) => Math.floor(i / 12) / 5);
    const grid = imageGrid(data, { columns: 3, height: 4, width: 3, scale: 2, padding: 1 });
    expect([grid.width, grid.height]).toEqual([1 + 3 * (3 * 2 + 1), 1 + 2 * (4 * 2 + 1)]);
    const file = join(dir, 'grid.png');
    grid.writePng(file);
    const png = PNG.sync.read(readFileSync(file));
    expect([png.width, png.height]).toEqual([grid.width, grid.height]);
    // Image 4 (row 1, column 1) is 0.8 gray; the padding is white.
    const back = decodePng(readFileSync(file));
    expect(back.getPixel(1 + 7 + 2, 1 + 9 + 3)).toEqual([204, 204, 204]);
    expect(back.getPixel(0, 0)).toEqual([255, 255, 255]);
    expect(back.getPixel(1, 1)).toEqual([0, 0, 0]);
  });

  it('clamps to the range and makes room for row labels', () => {
    const images = tensor(new Float32Array(2 * 28 * 28).fill(7), [2, 28, 28]);
    const plain = imageGrid(images, { columns: 2 });
    const labelled = imageGrid(images, { columns: 1, rowLabels: ['PCA', 'deep AE'] });
    expect(plain.getPixel(10, 10)).toEqual([255, 255, 255]);
    expect(labelled.width).toBeGreaterThan(28 * 2 + 4);
    expect(labelled.height).toBe(2 + 2 * (28 * 2 + 2));
    const png = PNG.sync.read(labelled.toPng());
    expect([png.width, png.height]).toEqual([labelled.width, labelled.height]);
  });

  it('rejects bad arguments', () => {
    expect(() => imageGrid(new Float32Array(10), { columns: 2 })).toThrow(/whole number of 28x28/);
    expect(() => imageGrid(new Float32Array(784), { columns: 0 })).toThrow(/columns/);
    expect(() => imageGrid([1, 2] as never, { columns: 1 })).toThrow(TypeError);
    expect(() => imageGrid(new Float32Array(784), { columns: 1, range: [1, 1] })).toThrow(/range/);
  });
});

describe('scatterPlot', () => {
  it('draws each class in its colour, and the PNG decodes to the requested size', () => {
    const points = tensor([[0, 0], [1, 1], [0, 1], [1, 0]]);
    const plot = scatterPlot(points, [0, 1, 2, 3], { width: 300, height: 200, title: 'codes', classNames: ['a', 'b', 'c', 'd'] });
    const png = PNG.sync.read(plot.toPng());
    expect([png.width, png.height]).toEqual([300, 200]);
    const count = (c: readonly number[]) => {
      let k = 0;
      for (let i = 0; i < plot.data.length; i += 4) if (plot.data[i] === c[0] && plot.data[i + 1] === c[1] && plot.data[i + 2] === c[2]) k++;
      return k;
    };
    // Each class colour appears (point plus legend swatch); an unused class colour does not.
    for (let c = 0; c < 4; c++) expect(count(CLASS_COLORS[c]!)).toBeGreaterThan(64);
    expect(count(CLASS_COLORS[5]!)).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(() => scatterPlot(tensor([[1, 2, 3]]), [0])).toThrow(/\[N, 2\]/);
    expect(() => scatterPlot(tensor([[1, 2]]), [0, 1])).toThrow(/one label per point/);
    expect(() => scatterPlot(tensor([[1, 2]]), [-1])).toThrow(/non-negative integer/);
    expect(() => new RgbaImage(0, 5)).toThrow(RangeError);
  });
});
