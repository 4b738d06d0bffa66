/**
 * binding.gyp (release builds) and CMakeLists.txt (development builds, kernel tests) must
 * compile the same C++ files, on the same architectures, with the same per-file ISA flags
 * (GCC/Clang and MSVC); every .cpp under native/ (other than the standalone tests) must be
 * built; nothing may use -march=native. The two files are parsed here, conditions included.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

type Arch = 'any' | 'x64' | 'arm64';
interface FileBuild {
  arch: Arch;
  /** Extra compiler flags for GCC/Clang. */
  flags: string[];
  /** Extra compiler flags for MSVC. */
  msvc: string[];
}

function archOf(condition: string): Arch | undefined {
  if (/target_arch\s*==\s*'x64'/.test(condition)) return 'x64';
  if (/target_arch\s*==\s*'arm64'/.test(condition)) return 'arm64';
  return undefined;
}

type GypCondition = [string, Record<string, unknown>, Record<string, unknown>?];
interface GypTarget {
  sources?: string[];
  cflags?: string[];
  conditions?: GypCondition[];
  msvs_settings?: { VCCLCompilerTool?: { AdditionalOptions?: string[] } };
}

function msvcOptions(t: GypTarget): string[] {
  const out = [...(t.msvs_settings?.VCCLCompilerTool?.AdditionalOptions ?? [])];
  for (const [cond, body] of t.conditions ?? []) {
    if (/OS\s*==\s*'win'/.test(cond)) {
      out.push(...((body as GypTarget).msvs_settings?.VCCLCompilerTool?.AdditionalOptions ?? []));
    }
  }
  return out;
}

/** Every source binding.gyp compiles: file -> architecture and extra flags. */
function gypSources(text: string): Map<string, FileBuild> {
  const gyp = JSON.parse(text) as { targets: GypTarget[]; conditions?: GypCondition[] };
  const out = new Map<string, FileBuild>();
  const add = (files: string[] | undefined, build: FileBuild) => {
    for (const f of files ?? []) {
      if (out.has(f)) throw new Error(`binding.gyp lists ${f} twice`);
      out.set(f, build);
    }
  };
  const visit = (t: GypTarget, arch: Arch) => {
    const build = { arch, flags: t.cflags ?? [], msvc: msvcOptions(t) };
    add(t.sources, build);
    for (const [cond, body] of t.conditions ?? []) {
      const a = archOf(cond);
      if (a) add((body as GypTarget).sources, { ...build, arch: a });
    }
  };
  for (const t of gyp.targets) visit(t, 'any');
  for (const [cond, body] of gyp.conditions ?? []) {
    const a = archOf(cond);
    for (const t of (body.targets as GypTarget[] | undefined) ?? []) visit(t, a ?? 'any');
  }
  return out;
}

/**
 * The same from CMakeLists.txt: set(NEURITE_*_SOURCES ...) and list(APPEND ...) inside
 * if(CMAKE_SYSTEM_PROCESSOR MATCHES ...) blocks, and set_source_files_properties(... COMPILE_OPTIONS)
 * inside if(MSVC)/else() blocks.
 */
function cmakeSources(text: string): Map<string, FileBuild> {
  const out = new Map<string, FileBuild>();
  const options = new Map<string, { flags: string[]; msvc: string[] }>();
  let arch: Arch = 'any';
  let toolchain: 'any' | 'msvc' | 'gnu' = 'any';
  let collecting = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (collecting) {
      for (const f of line.replace(')', ' ').split(/\s+/).filter((s) => s.endsWith('.cpp'))) {
        if (out.has(f)) throw new Error(`CMakeLists.txt lists ${f} twice`);
        out.set(f, { arch, flags: [], msvc: [] });
      }
      if (line.includes(')')) collecting = false;
      continue;
    }
    if (/^if\(CMAKE_SYSTEM_PROCESSOR MATCHES .*x86_64/.test(line)) arch = 'x64';
    else if (/^elseif\(CMAKE_SYSTEM_PROCESSOR MATCHES .*aarch64/.test(line)) arch = 'arm64';
    else if (/^if\(MSVC\)/.test(line)) toolchain = 'msvc';
    else if (/^else\(\)/.test(line) && toolchain === 'msvc') toolchain = 'gnu';
    else if (/^endif\(\)/.test(line)) {
      if (toolchain !== 'any') toolchain = 'any';
      else arch = 'any';
    } else if (/^(set\(NEURITE_\w+_SOURCES|list\(APPEND NEURITE_\w+_SOURCES)\b/.test(line)) {
      collecting = !line.includes(')');
    }
    const props = /^set_source_files_properties\((\S+) PROPERTIES COMPILE_OPTIONS "([^"]*)"\)/.exec(line);
    if (props) {
      const o = options.get(props[1]!) ?? { flags: [], msvc: [] };
      const list = props[2]!.split(';').filter(Boolean);
      if (toolchain === 'msvc') o.msvc.push(...list);
      else o.flags.push(...list);
      options.set(props[1]!, o);
    }
  }
  for (const [f, o] of options) {
    const b = out.get(f);
    if (!b) throw new Error(`CMakeLists.txt sets options on ${f}, which it does not compile`);
    b.flags = o.flags;
    b.msvc = o.msvc;
  }
  return out;
}

function sorted(m: Map<string, FileBuild>): Array<[string, FileBuild]> {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function cppFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(root, dir, name);
    if (statSync(p).isDirectory()) out.push(...cppFiles(relative(root, p)));
    else if (name.endsWith('.cpp')) out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

describe('native source lists', () => {
  const gyp = gypSources(read('binding.gyp'));
  const cmake = cmakeSources(read('CMakeLists.txt'));

  it('binding.gyp and CMakeLists.txt compile the same files, on the same architectures, with the same flags', () => {
    expect(sorted(cmake)).toEqual(sorted(gyp));
  });

  it('every C++ file under native/ is built', () => {
    const all = cppFiles('native').filter((f) => !f.startsWith('native/test/'));
    expect(all.filter((f) => !gyp.has(f))).toEqual([]);
    expect([...gyp.keys()].filter((f) => !all.includes(f))).toEqual([]);
  });

  it('only the dispatched micro-kernels get ISA flags, each only on its architecture', () => {
    for (const [f, b] of gyp) {
      const isa = /ukernel_(avx2|avx512|neon)\.cpp$/.exec(f)?.[1];
      if (!isa) {
        expect({ f, ...b }).toEqual({ f, flags: [], msvc: [], arch: 'any' });
      } else if (isa === 'neon') {
        expect(b.arch).toBe('arm64');
      } else {
        expect(b.arch).toBe('x64');
        expect(b.flags).toContain(isa === 'avx2' ? '-mavx2' : '-mavx512f');
        expect(b.flags).toContain('-mfma');
        expect(b.msvc).toEqual([isa === 'avx2' ? '/arch:AVX2' : '/arch:AVX512']);
      }
    }
  });

  it('a divergence in flags or architecture is detected', () => {
    const flags = read('CMakeLists.txt').replace('COMPILE_OPTIONS "-mavx2;-mfma"', 'COMPILE_OPTIONS "-mavx2"');
    expect(sorted(cmakeSources(flags))).not.toEqual(sorted(gyp));
    const moved = read('CMakeLists.txt')
      .replace('  native/kernels/reduce.cpp\n', '')
      .replace('    native/kernels/gemm/ukernel_neon.cpp\n', '    native/kernels/gemm/ukernel_neon.cpp\n    native/kernels/reduce.cpp\n');
    expect(sorted(cmakeSources(moved))).not.toEqual(sorted(gyp));
  });

  it('no -march=native anywhere in what ships or in the benchmarks', () => {
    for (const file of ['binding.gyp', 'CMakeLists.txt', 'package.json', 'bench/peak/build.sh']) {
      expect(read(file)).not.toMatch(/march=native|\/arch:native/);
    }
  });
});
