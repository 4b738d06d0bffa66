/** `neurite charlm`: a character-level language model that samples text with a temperature. */
import { runCharLm } from '../index';
import { helpText, parseArgs, UsageError, type CommandSpec } from './args';
import { applyRuntimeOptions, BACKEND_OPTION, out, runtimeLine, THREADS_OPTION, type Command } from './common';

const spec = {
  name: 'charlm',
  summary: 'Train a character-level LSTM/GRU language model on a shipped text and sample from it.',
  options: {
    cell: { type: 'string', description: 'recurrent cell', choices: ['lstm', 'gru'], default: 'lstm' },
    hidden: { type: 'integer', description: 'hidden units', min: 1 },
    layers: { type: 'integer', description: 'stacked layers', min: 1 },
    'seq-len': { type: 'integer', description: 'truncated BPTT length k', min: 1 },
    batch: { type: 'integer', description: 'parallel streams through the text', min: 1 },
    steps: { type: 'integer', description: 'training steps', min: 1 },
    lr: { type: 'number', description: 'Adam learning rate', min: 0 },
    seed: { type: 'integer', description: 'random seed', min: 0 },
    temperature: { type: 'string', description: 'sampling temperatures, comma-separated (e.g. 0.5,1.0)', placeholder: 'list' },
    length: { type: 'integer', description: 'characters per sample', min: 1 },
    prime: { type: 'string', description: 'text the samples start from' },
    text: { type: 'string', description: 'training text (default: the shipped Book of Genesis, KJV)', placeholder: 'file' },
    backend: BACKEND_OPTION,
    threads: THREADS_OPTION,
  },
  examples: ['neurite charlm --steps 300 --temperature 0.5,1.0'],
} satisfies CommandSpec;

function temperatures(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map(Number);
  if (list.length === 0 || list.some((t) => !(t > 0))) {
    throw new UsageError(`neurite charlm: --temperature needs positive numbers separated by commas, got "${text}"`);
  }
  return list;
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, help } = parseArgs(spec, argv);
  if (help) return out(helpText(spec)), 0;
  applyRuntimeOptions(values);
  const temps = temperatures(values.temperature);
  out(`character-level ${values.cell} language model (${runtimeLine()})\n`);
  const r = runCharLm({
    cell: values.cell as 'lstm' | 'gru', hidden: values.hidden, layers: values.layers, seqLen: values['seq-len'],
    batch: values.batch, steps: values.steps, lr: values.lr, seed: values.seed, temperatures: temps,
    sampleLength: values.length, prime: values.prime, textPath: values.text, log: (line) => out(line + '\n'),
  });
  out(`held-out ${r.validBits.toFixed(3)} bits/char (uniform ${r.uniformBits.toFixed(3)}, unigram ${r.unigramBits.toFixed(3)}) after ${r.steps} steps (${r.seconds.toFixed(1)} s)\n`);
  return 0;
}

export const charlmCommand: Command = { spec, run };
