/**
 * Seeded image augmentation on NCHW batches: random crop with zero padding and random
 * horizontal flip, the usual CIFAR-10 recipe. Every draw comes from the given Random (or the
 * global one), so a seed reproduces the same augmented batch on either backend.
 */
import { acquire } from '../memory';
import { defaultRandom, type Random } from '../random';
import { describe, formatShape, Tensor } from '../tensor';

function check4d(fn: string, x: Tensor): [number, number, number, number] {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: x must be a Tensor, got ${describe(x)}`);
  if (x.rank !== 4) throw new RangeError(`${fn}: x must be 4-D (N, C, H, W), got ${formatShape(x.shape)}`);
  return x.shape as [number, number, number, number];
}

/**
 * Pads every image by `padding` zeros on each side, then cuts an H x W window at a random
 * offset (one draw per image), as torchvision's RandomCrop(size, padding). Returns a new tensor.
 */
export function randomCrop(x: Tensor, padding: number, options: { rng?: Random } = {}): Tensor {
  const [N, C, H, W] = check4d('randomCrop', x);
  if (!Number.isInteger(padding) || padding < 0) throw new RangeError(`randomCrop: padding must be a non-negative integer, got ${describe(padding)}`);
  const rng = options.rng ?? defaultRandom;
  const out = acquire(x.size);
  const src = x.data;
  for (let n = 0; n < N; n++) {
    // Offsets into the padded image, in [0, 2*padding].
    const dy = rng.int(2 * padding + 1) - padding, dx = rng.int(2 * padding + 1) - padding;
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let h = 0; h < H; h++) {
        const sh = h + dy, row = plane + h * W;
        if (sh < 0 || sh >= H) {
          out.fill(0, row, row + W);
          continue;
        }
        for (let w = 0; w < W; w++) {
          const sw = w + dx;
          out[row + w] = sw >= 0 && sw < W ? src[plane + sh * W + sw]! : 0;
        }
      }
    }
  }
  return new Tensor(out, x.shape);
}

/** Mirrors each image left-right with probability p (default 0.5). Returns a new tensor. */
export function randomHorizontalFlip(x: Tensor, p = 0.5, options: { rng?: Random } = {}): Tensor {
  const [N, C, H, W] = check4d('randomHorizontalFlip', x);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${describe(p)}`);
  const rng = options.rng ?? defaultRandom;
  const out = acquire(x.size);
  const src = x.data;
  for (let n = 0; n < N; n++) {
    const flip = rng.uniform() < p;
    const base = n * C * H * W;
    if (!flip) {
      out.set(src.subarray(base, base + C * H * W), base);
      continue;
    }
    for (let r = 0; r < C * H; r++) {
      const row = base + r * W;
      for (let w = 0; w < W; w++) out[row + w] = src[row + W - 1 - w]!;
    }
  }
  return new Tensor(out, x.shape);
}

/** randomCrop then randomHorizontalFlip: the standard CIFAR-10 training augmentation. */
export function augmentCifar(x: Tensor, options: { padding?: number; flip?: number; rng?: Random } = {}): Tensor {
  const cropped = randomCrop(x, options.padding ?? 4, options);
  const flipped = randomHorizontalFlip(cropped, options.flip ?? 0.5, options);
  cropped.dispose();
  return flipped;
}
