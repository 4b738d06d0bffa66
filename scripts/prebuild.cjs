#!/usr/bin/env node
// `npm run prebuild [-- <prebuildify options>]`: builds the addon with prebuildify (Node-API,
// stripped) into prebuilds/<platform>-<arch>/, then deletes build/, because node-gyp-build
// prefers build/Release over prebuilds/ and the prebuild is what should load afterwards.
// Run it through npm: npm passes nodedir to node-gyp, which otherwise downloads headers.
// Extra options go to prebuildify, e.g. `--tag-libc` on Linux release builds, `--cwd <dir>`
// to build a staging copy of the package.
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const extra = process.argv.slice(2);
const cwdAt = extra.indexOf('--cwd');
const cwd = resolve(cwdAt >= 0 ? extra[cwdAt + 1] : join(__dirname, '..'));
const bin = require.resolve('prebuildify/bin.js');
const r = spawnSync(process.execPath, [bin, '--napi', '--strip', ...extra], { cwd, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
rmSync(join(cwd, 'build'), { recursive: true, force: true });
