#!/usr/bin/env node
// Makes data/fashion-mnist/: a class-balanced subset of Fashion-MNIST as gzipped IDX files.
//
//   node scripts/make-fashion-mnist-subset.cjs [sourceDir] [outDir] [trainPerClass] [testPerClass]
//
// Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, MIT licence).
// Selection is deterministic: for each split, the first `perClass` images of every class in
// file order, kept in their original relative order. So the same source always gives the
// same bytes (gzip level 9, no file name or time stamp in the gzip header).
// This script is deliberately self-contained (no build step, no neurite import).
'use strict';
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const zlib = require('node:zlib');

const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = process.argv[3] ?? join(__dirname, '..', 'data', 'fashion-mnist');
const trainPerClass = Number(process.argv[4] ?? 1000);
const testPerClass = Number(process.argv[5] ?? 200);
const CLASSES = 10;

function readIdx(path, expectedMagic) {
  const bytes = zlib.gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) throw new Error(`${path}: magic 0x${magic.toString(16)}, expected 0x${expectedMagic.toString(16)}`);
  const rank = magic & 0xff;
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const header = 4 + 4 * rank;
  return { dims, header, bytes };
}

function writeIdx(path, magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, zlib.gzipSync(Buffer.concat([header, body]), { level: 9 }));
}

function subset(split, perClass) {
  const images = readIdx(join(sourceDir, `${split}-images-idx3-ubyte.gz`), 0x803);
  const labels = readIdx(join(sourceDir, `${split}-labels-idx1-ubyte.gz`), 0x801);
  const n = labels.dims[0];
  if (images.dims[0] !== n) throw new Error(`${split}: ${images.dims[0]} images but ${n} labels`);
  const taken = new Array(CLASSES).fill(0);
  const picked = [];
  for (let i = 0; i < n && picked.length < perClass * CLASSES; i++) {
    const c = labels.bytes[labels.header + i];
    if (taken[c] < perClass) {
      taken[c]++;
      picked.push(i);
    }
  }
  if (picked.length !== perClass * CLASSES) throw new Error(`${split}: not enough images for ${perClass} per class`);
  const pixels = images.dims[1] * images.dims[2];
  const body = Buffer.alloc(picked.length * pixels);
  const labelBody = Buffer.alloc(picked.length);
  picked.forEach((src, k) => {
    images.bytes.copy(body, k * pixels, images.header + src * pixels, images.header + (src + 1) * pixels);
    labelBody[k] = labels.bytes[labels.header + src];
  });
  const prefix = split === 'train' ? 'train' : 't10k';
  writeIdx(join(outDir, `${prefix}-images-idx3-ubyte.gz`), 0x803, [picked.length, images.dims[1], images.dims[2]], body);
  writeIdx(join(outDir, `${prefix}-labels-idx1-ubyte.gz`), 0x801, [picked.length], labelBody);
  console.log(`${split}: ${picked.length} images (${perClass} per class) from ${n}; last source index ${picked[picked.length - 1]}`);
}

mkdirSync(outDir, { recursive: true });
subset('train', trainPerClass);
subset('t10k', testPerClass);
