/**
 * The CLI's argument parser: `--name value`, `--name=value`, `-n value`, boolean `--flag`,
 * `--` ends options. Each command declares its options once (a CommandSpec); the same table
 * gives the parsed, typed values and the `--help` text. Bad input is a UsageError, which
 * main.ts turns into one line on stderr and exit code 2.
 *
 * Deliberately small: no sub-sub-commands, no option groups, no config files.
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionType = 'string' | 'number' | 'integer' | 'boolean';

export interface OptionSpec {
  type: OptionType;
  description: string;
  short?: string;
  /** Shown in help as `--name <placeholder>`. */
  placeholder?: string;
  default?: string | number | boolean;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** Inclusive bounds of a number/integer option. */
  min?: number;
  max?: number;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Extra paragraphs printed after the options in --help. */
  details?: string;
  positionals?: readonly PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples?: readonly string[];
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'string'
    ? string
    : number;

/** Parsed option values: undefined when neither given nor defaulted (booleans default to false). */
export type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { default: unknown } | { type: 'boolean' } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export interface Parsed<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  positionals: string[];
  help: boolean;
}

function convert(command: string, name: string, spec: OptionSpec, raw: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new UsageError(`${command}: --${name} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
    }
    return raw;
  }
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
    throw new UsageError(`${command}: --${name} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    const range = spec.max === undefined ? `>= ${spec.min}` : spec.min === undefined ? `<= ${spec.max}` : `in [${spec.min}, ${spec.max}]`;
    throw new UsageError(`${command}: --${name} must be ${range}, got ${raw}`);
  }
  return n;
}

/** Parses `argv` (the arguments after the command name) against `spec`. */
export function parseArgs<O extends Record<string, OptionSpec>>(
  spec: CommandSpec & { options: O },
  argv: readonly string[],
): Parsed<O> {
  const command = `neurite ${spec.name}`;
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(spec.options)) if (o.short) byShort.set(o.short, name);

  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = byShort.get(arg.slice(1));
      if (long === undefined) throw new UsageError(`${command}: unknown option ${arg}`);
      name = long;
    }
    const o = spec.options[name];
    if (!o) throw new UsageError(`${command}: unknown option --${name}`);
    if (o.type === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UsageError(`${command}: --${name} takes no value, got "${inline}"`);
      }
      values[name] = inline !== 'false';
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) {
        throw new UsageError(`${command}: --${name} needs a value`);
      }
      raw = next;
      i++;
    }
    values[name] = convert(command, name, o, raw);
  }
  if (!help) {
    const declared = spec.positionals ?? [];
    const required = declared.filter((p) => p.required).length;
    if (positionals.length < required) {
      throw new UsageError(`${command}: missing <${declared[positionals.length]!.name}>`);
    }
    if (positionals.length > declared.length) {
      throw new UsageError(`${command}: unexpected argument "${positionals[declared.length]}"`);
    }
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (values[name] === undefined) {
      if (o.default !== undefined) values[name] = o.default;
      else if (o.type === 'boolean') values[name] = false;
    }
  }
  return { values: values as Values<O>, positionals, help };
}

/** The --help text of a command. */
export function helpText(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ');
  const lines = [`Usage: neurite ${spec.name}${pos ? ' ' + pos : ''} [options]`, '', spec.summary, ''];
  if (spec.positionals?.length) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)}${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'boolean' ? '' : ` <${o.placeholder ?? (o.type === 'string' ? 'value' : 'n')}>`}`;
    let text = o.description;
    if (o.choices) text += ` (${o.choices.join(', ')})`;
    if (o.default !== undefined && o.type !== 'boolean') text += ` [default: ${String(o.default)}]`;
    return [flag, text];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}${text}`);
  if (spec.details) lines.push('', spec.details);
  if (spec.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n') + '\n';
}
