/** `neurite info`: version, backend and why, SIMD path, threads, where the addon came from. */
import { availableParallelism } from 'node:os';
import { backendInfo, supportedIsas } from '../index';
import { helpText, parseArgs, type CommandSpec } from './args';
import { applyRuntimeOptions, BACKEND_OPTION, backendReason, JSON_OPTION, out, THREADS_OPTION, type Command } from './common';

const spec = {
  name: 'info',
  summary: 'Show the version, the active backend and why, the SIMD path, threads and the addon source.',
  options: { json: JSON_OPTION, backend: BACKEND_OPTION, threads: THREADS_OPTION },
  details:
    'The SIMD path is the one the native kernels chose at load time for this CPU\n' +
    '(avx512, avx2, neon or generic); "none" when the js backend is active.',
  examples: ['neurite info', 'neurite info --json', 'NEURITE_BACKEND=js neurite info'],
} satisfies CommandSpec;

function simdLine(isa: string, isas: string[]): string {
  if (isas.length === 0) return isa;
  const forced = process.env.NEURITE_ISA ? `, forced with NEURITE_ISA=${process.env.NEURITE_ISA}` : '';
  return `${isa} (this CPU: ${isas.join(', ')}${forced})`;
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  applyRuntimeOptions(values);
  const info = backendInfo();
  const reason = backendReason();
  const isas = supportedIsas();
  if (values.json) {
    out(JSON.stringify({ ...info, reason, supportedIsas: isas, hardwareThreads: availableParallelism() }, null, 2) + '\n');
    return 0;
  }
  const rows: [string, string][] = [
    ['version', info.version],
    ['backend', `${info.backend} (${reason})`],
    ['simd', simdLine(info.isa, isas)],
    ['threads', `${info.threads} (${availableParallelism()} hardware threads)`],
    [
      'addon',
      info.nativeAvailable ? `${info.addonSource} (${info.addonPath})` : `not loaded${info.nativeError ? `: ${info.nativeError}` : ''}`,
    ],
    ['platform', `${info.platform}-${info.arch}, Node ${info.node}`],
  ];
  out(`neurite ${info.version}\n` + rows.slice(1).map(([k, v]) => `  ${k.padEnd(9)}${v}`).join('\n') + '\n');
  return 0;
}

export const infoCommand: Command = { spec, run };
