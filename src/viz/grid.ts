/**
 * Image grids: many small grayscale images (28x28 Fashion-MNIST items, reconstructions,
 * samples) tiled row by row into one figure, with optional labels to the left of each row.
 */
import { describe, Tensor } from '../tensor';
import { RgbaImage, textHeight, textWidth, type Rgb } from './image';

export interface ImageGridOptions {
  /** Images per grid row. */
  columns: number;
  /** Height of each image in pixels (default 28). */
  height?: number;
  /** Width of each image in pixels (default 28). */
  width?: number;
  /** Each image pixel becomes scale x scale figure pixels (default 2). */
  scale?: number;
  /** Gap between images, in figure pixels (default 2). */
  padding?: number;
  /** Values mapped to black and white; values outside are clamped (default [0, 1]). */
  range?: readonly [number, number];
  /** Text drawn left of each grid row (for example 'original', 'PCA'). */
  rowLabels?: readonly string[];
  /** Background between the images (default white). */
  background?: Rgb;
}

/**
 * Tiles images into a grid. `images` holds N images of height x width values each, row-major:
 * a tensor (N, H*W), (N, H, W) or (N, 1, H, W), or a flat Float32Array.
 */
export function imageGrid(images: Tensor | Float32Array, options: ImageGridOptions): RgbaImage {
  const data = images instanceof Tensor ? images.data : images;
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`imageGrid: images must be a Tensor or a Float32Array, got ${describe(images)}`);
  }
  const H = options.height ?? 28, W = options.width ?? 28;
  const scale = options.scale ?? 2, padding = options.padding ?? 2;
  const columns = options.columns;
  const [lo, hi] = options.range ?? [0, 1];
  for (const [name, v, min] of [['columns', columns, 1], ['height', H, 1], ['width', W, 1], ['scale', scale, 1], ['padding', padding, 0]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new RangeError(`imageGrid: ${name} must be an integer >= ${min}, got ${describe(v)}`);
    }
  }
  if (!(hi > lo)) throw new RangeError(`imageGrid: range must be [low, high] with high > low, got [${lo}, ${hi}]`);
  const pixels = H * W;
  if (data.length === 0 || data.length % pixels !== 0) {
    throw new RangeError(`imageGrid: ${data.length} values are not a whole number of ${H}x${W} images`);
  }
  const n = data.length / pixels;
  const rows = Math.ceil(n / columns);
  const labels = options.rowLabels ?? [];
  const labelScale = Math.max(1, Math.floor(scale));
  const labelWidth = labels.length ? Math.max(...labels.map((l) => textWidth(l, labelScale))) + 2 * padding + 4 : 0;
  const cell = W * scale + padding, cellH = H * scale + padding;
  const image = new RgbaImage(labelWidth + padding + columns * cell, padding + rows * cellH, options.background ?? [255, 255, 255]);
  const span = hi - lo;

  for (let k = 0; k < n; k++) {
    const x0 = labelWidth + padding + (k % columns) * cell;
    const y0 = padding + Math.floor(k / columns) * cellH;
    const base = k * pixels;
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const v = (data[base + r * W + c]! - lo) / span;
        const g = Math.round(255 * (v > 1 ? 1 : v > 0 ? v : 0));
        image.fillRect(x0 + c * scale, y0 + r * scale, scale, scale, [g, g, g]);
      }
    }
  }
  labels.forEach((label, r) => {
    if (r >= rows) return;
    const y = padding + r * cellH + (H * scale - textHeight(labelScale)) / 2;
    image.drawText(label, padding + 2, y, [0, 0, 0], labelScale);
  });
  return image;
}
