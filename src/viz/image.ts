/**
 * A small RGBA pixel buffer for figures, written out as PNG with pngjs. Drawing is limited to
 * what the figures need: pixels, filled rectangles and discs, lines of 5x7 text.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe } from '../tensor';
import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './font';

/** [red, green, blue] in 0..255. */
export type Rgb = readonly [number, number, number];

export class RgbaImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA bytes, 4 per pixel. */
  readonly data: Uint8Array;

  /** A width x height image filled with `background` (white by default), fully opaque. */
  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    for (const [name, v] of [['width', width], ['height', height]] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 16384) {
        throw new RangeError(`RgbaImage: ${name} must be an integer in [1, 16384], got ${describe(v)}`);
      }
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; coordinates outside the image are ignored. */
  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = color[0];
    this.data[o + 1] = color[1];
    this.data[o + 2] = color[2];
    this.data[o + 3] = 255;
  }

  /** The [r, g, b] of one pixel. */
  getPixel(x: number, y: number): Rgb {
    const o = (y * this.width + x) * 4;
    return [this.data[o]!, this.data[o + 1]!, this.data[o + 2]!];
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w)), y1 = Math.min(this.height, Math.floor(y + h));
    for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) this.setPixel(i, j, color);
  }

  /** A one-pixel rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.fillRect(x, y, w, 1, color);
    this.fillRect(x, y + h - 1, w, 1, color);
    this.fillRect(x, y, 1, h, color);
    this.fillRect(x + w - 1, y, 1, h, color);
  }

  /** A filled disc centred at (cx, cy). */
  fillDisc(cx: number, cy: number, radius: number, color: Rgb): void {
    const r2 = radius * radius;
    const r = Math.ceil(radius);
    const x0 = Math.round(cx), y0 = Math.round(cy);
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r2) this.setPixel(x0 + dx, y0 + dy, color);
    }
  }

  /** One line of text with its top-left corner at (x, y); `scale` enlarges each font pixel. */
  drawText(text: string, x: number, y: number, color: Rgb, scale = 1): void {
    let cx = Math.round(x);
    for (const ch of text) {
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (rows[r]! & (1 << (GLYPH_WIDTH - 1 - c))) this.fillRect(cx + c * scale, Math.round(y) + r * scale, scale, scale, color);
        }
      }
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** The PNG file bytes (8-bit RGBA). */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }

  /** Writes the image as a PNG file. */
  writePng(path: string): void {
    writeFileSync(path, this.toPng());
  }
}

/** Width in pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Height in pixels of a line of text at `scale`. */
export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/** Reads a PNG file's bytes back into an image (for checks and tests). */
export function decodePng(bytes: Buffer): RgbaImage {
  const png = PNG.sync.read(bytes);
  const image = new RgbaImage(png.width, png.height);
  image.data.set(png.data);
  return image;
}
