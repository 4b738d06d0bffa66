/**
 * 2-D scatter plots coloured by class (for example the 2-D codes of an autoencoder), drawn
 * point by point onto a pixel buffer, with a frame, the axis ranges and a legend.
 */
import { describe, formatShape, Tensor } from '../tensor';
import { RgbaImage, textHeight, textWidth, type Rgb } from './image';

/** Matplotlib's tab10 colours; classes past 10 cycle through them. */
export const CLASS_COLORS: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export interface ScatterPlotOptions {
  /** Figure width in pixels (default 640). */
  width?: number;
  /** Figure height in pixels (default 480). */
  height?: number;
  /** Legend text per class index (default the index). */
  classNames?: readonly string[];
  /** Title drawn above the plot. */
  title?: string;
  /** Point radius in pixels (default 1.5). */
  radius?: number;
}

/**
 * Plots N points (a tensor (N, 2) or a flat Float32Array of x, y pairs), point i in the colour
 * of class labels[i] (a non-negative integer).
 */
export function scatterPlot(points: Tensor | Float32Array, labels: ArrayLike<number>, options: ScatterPlotOptions = {}): RgbaImage {
  if (points instanceof Tensor && (points.rank !== 2 || points.shape[1] !== 2)) {
    throw new RangeError(`scatterPlot: points must have shape [N, 2], got ${formatShape(points.shape)}`);
  }
  const xy = points instanceof Tensor ? points.data : points;
  if (!(xy instanceof Float32Array)) throw new TypeError(`scatterPlot: points must be a Tensor or a Float32Array, got ${describe(points)}`);
  if (xy.length % 2 !== 0) throw new RangeError(`scatterPlot: points must hold x, y pairs, got ${xy.length} values`);
  const n = xy.length / 2;
  if (labels?.length !== n) throw new RangeError(`scatterPlot: need one label per point (${n}), got ${describe(labels)}`);
  let classes = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`scatterPlot: labels[${i}] must be a non-negative integer, got ${c}`);
    classes = Math.max(classes, c + 1);
  }
  const width = options.width ?? 640, height = options.height ?? 480;
  const radius = options.radius ?? 1.5;
  const names = Array.from({ length: classes }, (_, c) => options.classNames?.[c] ?? String(c));
  const image = new RgbaImage(width, height);

  // Layout: title on top, legend on the right, the plot frame in the rest.
  const margin = 12;
  const top = margin + (options.title ? textHeight(2) + 8 : 0);
  const legendWidth = classes > 0 ? Math.max(...names.map((s) => textWidth(s))) + 24 : 0;
  const frame = { x: margin, y: top, w: width - 2 * margin - legendWidth - 8, h: height - top - margin - textHeight() - 6 };
  if (frame.w < 20 || frame.h < 20) throw new RangeError(`scatterPlot: ${width}x${height} is too small for the plot`);
  if (options.title) image.drawText(options.title, margin, margin, [0, 0, 0], 2);

  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!, y = xy[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
  }
  if (!(xMax >= xMin)) { xMin = -1; xMax = 1; yMin = -1; yMax = 1; }
  const pad = (lo: number, hi: number): [number, number] => {
    const s = hi - lo || 1;
    return [lo - 0.04 * s, hi + 0.04 * s];
  };
  [xMin, xMax] = pad(xMin, xMax);
  [yMin, yMax] = pad(yMin, yMax);

  const inner = radius + 1;
  const px = (x: number) => frame.x + inner + ((x - xMin) / (xMax - xMin)) * (frame.w - 2 * inner);
  const py = (y: number) => frame.y + frame.h - inner - ((y - yMin) / (yMax - yMin)) * (frame.h - 2 * inner);
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!, y = xy[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    image.fillDisc(px(x), py(y), radius, CLASS_COLORS[labels[i]! % CLASS_COLORS.length]!);
  }
  image.strokeRect(frame.x, frame.y, frame.w, frame.h, [0, 0, 0]);

  // Axis ranges under the frame and at its left edge.
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  const below = frame.y + frame.h + 4;
  image.drawText(fmt(xMin), frame.x, below, [80, 80, 80]);
  const xMaxText = fmt(xMax);
  image.drawText(xMaxText, frame.x + frame.w - textWidth(xMaxText), below, [80, 80, 80]);
  image.drawText(`Y ${fmt(yMin)} TO ${fmt(yMax)}`, frame.x + frame.w / 2 - textWidth(`Y ${fmt(yMin)} TO ${fmt(yMax)}`) / 2, below, [80, 80, 80]);

  const lx = frame.x + frame.w + 12;
  names.forEach((name, c) => {
    const ly = frame.y + 4 + c * (textHeight() + 6);
    image.fillRect(lx, ly, 8, 8, CLASS_COLORS[c % CLASS_COLORS.length]!);
    image.drawText(name, lx + 12, ly + 1, [0, 0, 0]);
  });
  return image;
}
