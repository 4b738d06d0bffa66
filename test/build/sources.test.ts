/**
 * binding.gyp (release builds) and CMakeLists.txt (development builds, kernel tests) must
 * compile the same C++ files with the same ISA flags; every .cpp under native/ (other than
 * the standalone tests) must be in both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

interface GypTarget { target_name: string; sources?: string[]; cflags?: string[] }

function gypTargets(): GypTarget[] {
  return (JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8')) as { targets: GypTarget[] }).targets;
}

function gypSources(): string[] {
  return gypTargets().flatMap((t) => t.sources ?? []).filter((s) => s.endsWith('.cpp')).sort();
}

function cmakeSources(): string[] {
  const text = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/set\(NEURITE_\w+_SOURCES([^)]*)\)/g)) {
    out.push(...m[1]!.split(/\s+/).filter((s) => s.endsWith('.cpp')));
  }
  return out.sort();
}

/** CMake per-file ISA flags: file -> flags. */
function cmakeFileFlags(): Map<string, string[]> {
  const text = readFileSync(join(root, 'CMakeLists.txt'), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/set_source_files_properties\(([^)]*?)PROPERTIES\s+COMPILE_OPTIONS\s+"([^"]*)"\)/g)) {
    const flags = m[2]!.split(';').filter(Boolean);
    for (const f of m[1]!.split(/\s+/).filter((s) => s.endsWith('.cpp'))) out.set(f, flags);
  }
  return out;
}

function nativeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test') out.push(...nativeFiles(path));
    } else if (entry.name.endsWith('.cpp')) out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

describe('native source lists', () => {
  it('binding.gyp and CMakeLists.txt list the same files', () => {
    expect(gypSources()).toEqual(cmakeSources());
  });

  it('every C++ file under native/ is built', () => {
    expect(gypSources()).toEqual(nativeFiles(join(root, 'native')).sort());
  });

  it('per-ISA files get the same flags in both builds', () => {
    const cmake = cmakeFileFlags();
    const gyp = new Map<string, string[]>();
    for (const t of gypTargets()) {
      if (t.target_name === 'neurite') continue;
      for (const s of t.sources ?? []) gyp.set(s, [...(t.cflags ?? [])].sort());
    }
    expect(new Map([...cmake].map(([f, flags]) => [f, [...flags].sort()]))).toEqual(gyp);
  });

  it('no -march=native anywhere in what ships', () => {
    for (const file of ['binding.gyp', 'CMakeLists.txt']) {
      expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/march=native/);
    }
  });
});
