/**
 * `neurite bench`: kernels and whole training steps on the native and js backends side by
 * side: time per call (median of --repeat samples), GFLOP/s where the work is known, the
 * native/js ratio and the peak RSS. Each workload runs in its own child process (so its peak
 * RSS is its own), with the samples of the two backends interleaved so machine noise hits
 * both alike. Memory: rssMB is the process's peak RSS, allocKB the tensor buffers newly allocated
 * per call once warm (pool misses; 0 when a steady-state step reuses every buffer).
 * --json prints one array of { name, backend, threads, ms, gflops?, rssMB, allocKB }.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { backendInfo, getBackend, getIsa, getNumThreads, setBackend, setIsa, type BackendName } from '../index';
import { compareBackends, type Measurement } from '../bench/workload';
import { helpText, parseArgs, UsageError, type CommandSpec } from './args';
import { benchSuite, type BenchEntry } from './bench-suite';
import { applyRuntimeOptions, JSON_OPTION, out, THREADS_OPTION, type Command } from './common';

const spec = {
  name: 'bench',
  summary: 'Benchmark kernels and training steps on the native and js backends side by side.',
  options: {
    filter: { type: 'string', description: 'only workloads whose name contains this text (or matches /regex/)', placeholder: 'text' },
    backend: { type: 'string', description: 'backends to run', choices: ['both', 'native', 'js'], default: 'both', placeholder: 'name' },
    threads: THREADS_OPTION,
    isa: { type: 'string', description: 'SIMD path of the native kernels (default: the best this CPU has)', choices: ['avx512', 'avx2', 'neon', 'generic'], placeholder: 'name' },
    repeat: { type: 'integer', description: 'timed samples per workload and backend (the median is reported)', default: 5, min: 1, max: 1000 },
    clock: { type: 'string', description: 'wall time, or process CPU time (leaves out preemption; for 1 thread on a busy machine)', choices: ['wall', 'cpu'], default: 'wall', placeholder: 'name' },
    'min-time': { type: 'number', description: 'minimum length of one sample in ms (fast calls repeat inside it)', default: 50, min: 0, max: 60_000, placeholder: 'ms' },
    list: { type: 'boolean', description: 'list the workloads and exit' },
    'in-process': { type: 'boolean', description: 'run all workloads in this process (rssMB is then the peak of the whole run)' },
    json: JSON_OPTION,
  },
  details:
    'Workloads that would take too long on js (marked "native only" in --list) run on js only\n' +
    'with --backend js. The ratio is js time over native time: the native speed-up.',
  examples: [
    'neurite bench',
    'neurite bench --filter sgemm --threads 1',
    'neurite bench --filter "/^sgemm NN (64|256)x/" --json',
  ],
} satisfies CommandSpec;

export interface BenchRecord {
  name: string;
  backend: BackendName;
  threads: number;
  ms: number;
  gflops?: number;
  rssMB: number;
  /** KiB of new tensor buffers per call in the timed (steady-state) samples. */
  allocKB: number;
}

function matcher(filter: string | undefined): (name: string) => boolean {
  if (filter === undefined) return () => true;
  const m = /^\/(.*)\/([a-z]*)$/.exec(filter);
  if (m) {
    let re: RegExp;
    try {
      re = new RegExp(m[1]!, m[2]);
    } catch (err) {
      throw new UsageError(`neurite bench: --filter ${filter} is not a valid regular expression (${(err as Error).message})`);
    }
    return (name) => re.test(name);
  }
  const text = filter.toLowerCase();
  return (name) => name.toLowerCase().includes(text);
}

function backendsFor(entry: BenchEntry, choice: string, nativeAvailable: boolean): BackendName[] {
  if (choice === 'js') return ['js'];
  if (choice === 'native') return ['native'];
  const list: BackendName[] = nativeAvailable ? ['native'] : [];
  if (entry.js || !nativeAvailable) list.push('js');
  return list;
}

function peakRssMB(): number {
  // maxRSS is in kilobytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

function toRecord(m: Measurement, threads: number): Omit<BenchRecord, 'rssMB'> {
  return {
    allocKB: Number((m.allocatedBytesPerCall / 1024).toFixed(1)),
    name: m.name,
    backend: m.backend,
    threads: m.backend === 'js' ? 1 : threads,
    ms: Number(m.medianMs.toPrecision(4)),
    ...(m.gflops !== undefined ? { gflops: Number(m.gflops.toPrecision(4)) } : {}),
  };
}

/** Runs one entry in this process. */
function runEntry(entry: BenchEntry, backends: BackendName[], repeat: number, minTimeMs: number, clock: 'wall' | 'cpu'): BenchRecord[] {
  const threads = getNumThreads();
  const c = compareBackends(entry.workload, { backends, repeat, minTimeMs, clock });
  const rssMB = peakRssMB();
  return c.results.map((m) => ({ ...toRecord(m, threads), rssMB }));
}

/** Runs one entry in a child process (this same command with --in-process and an exact filter). */
function runChild(entry: BenchEntry, argvBase: string[]): BenchRecord[] {
  const exact = `/^${entry.workload.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/`;
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'bench', ...argvBase, '--in-process', '--json', '--filter', exact], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`bench: "${entry.workload.name}" failed in its child process (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout) as BenchRecord[];
}

function fmt(x: number | undefined, digits: number): string {
  if (x === undefined) return '-';
  if (x >= 1000) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** `nameWidth`: the longest name the table will hold, so rows printed one at a time line up. */
function table(records: BenchRecord[], nameWidth = 0): string {
  const names = [...new Set(records.map((r) => r.name))];
  const width = Math.max(24, nameWidth, ...names.map((n) => n.length)) + 2;
  const head = `${'workload'.padEnd(width)}${'native ms'.padStart(11)}${'GFLOP/s'.padStart(9)}${'js ms'.padStart(11)}${'GFLOP/s'.padStart(9)}${'native/js'.padStart(11)}${'rss MB'.padStart(8)}${'alloc KB'.padStart(10)}`;
  const lines = [head];
  for (const name of names) {
    const n = records.find((r) => r.name === name && r.backend === 'native');
    const j = records.find((r) => r.name === name && r.backend === 'js');
    const ratio = n && j ? `${(j.ms / n.ms).toFixed(1)}x` : '-';
    const rss = Math.max(...records.filter((r) => r.name === name).map((r) => r.rssMB));
    const alloc = Math.max(...records.filter((r) => r.name === name).map((r) => r.allocKB ?? 0));
    lines.push(
      name.padEnd(width) +
        fmt(n?.ms, 4).padStart(11) + fmt(n?.gflops, 3).padStart(9) +
        fmt(j?.ms, 4).padStart(11) + fmt(j?.gflops, 3).padStart(9) +
        ratio.padStart(11) + rss.toFixed(0).padStart(8) + alloc.toFixed(1).padStart(10),
    );
  }
  return lines.join('\n') + '\n';
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  const info = backendInfo();
  if (values.backend === 'native' && !info.nativeAvailable) {
    throw new Error(`bench: --backend native, but the native addon did not load: ${info.nativeError}`);
  }
  applyRuntimeOptions({ threads: values.threads });
  if (values.isa !== undefined) {
    if (!info.nativeAvailable) throw new Error(`bench: --isa needs the native addon, which did not load: ${info.nativeError}`);
    setIsa(values.isa);
  }
  const entries = benchSuite().filter((e) => matcher(values.filter)(e.workload.name));
  if (values.list) {
    for (const e of benchSuite()) out(`${e.workload.name}${e.js ? '' : '  (native only)'}\n`);
    return 0;
  }
  if (entries.length === 0) throw new UsageError(`neurite bench: no workload matches --filter ${values.filter} (see --list)`);

  const started = getBackend();
  if (!values.json && !values['in-process']) {
    out(`neurite ${info.version}  ${new Date().toISOString()}\n`);
    out(`cpu ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}  isa ${info.nativeAvailable ? getIsa() : 'none'}  threads ${getNumThreads()}  node ${process.version}  ${process.platform}-${process.arch}\n`);
    out(`median of ${values.repeat} samples of >= ${values['min-time']} ms (${values.clock} clock); native and js interleaved; one process per workload\n\n`);
  }
  const childArgs = ['--repeat', String(values.repeat), '--min-time', String(values['min-time']), '--backend', values.backend, '--clock', values.clock];
  if (values.threads !== undefined) childArgs.push('--threads', String(values.threads));
  if (values.isa !== undefined) childArgs.push('--isa', values.isa);
  const records: BenchRecord[] = [];
  const nameWidth = Math.max(...entries.map((e) => e.workload.name.length));
  try {
    for (const entry of entries) {
      const backends = backendsFor(entry, values.backend, info.nativeAvailable);
      if (backends.length === 0) continue;
      const got = values['in-process'] ? runEntry(entry, backends, values.repeat, values['min-time'], values.clock as 'wall' | 'cpu') : runChild(entry, childArgs);
      records.push(...got);
      if (!values.json && !values['in-process']) {
        const [head, row] = table(got, nameWidth).split('\n');
        if (records.length === got.length) out(head + '\n');
        out(row + '\n');
      }
    }
  } finally {
    setBackend(started);
  }
  if (values.json) out(JSON.stringify(records) + '\n');
  else if (values['in-process']) out(table(records));
  return 0;
}

export const benchCommand: Command = { spec, run };
