/** A small flag parser for the headless CLI: `--name value`, `--name=value`, `--flag`. */
import { cliT } from '../l10n/cli';

export type FlagKind = 'int' | 'number' | 'string' | 'bool';

export interface FlagSpec {
  kind: FlagKind;
  /** For numbers: smallest allowed value. */
  min?: number;
  /** For numbers: whether min itself is excluded. */
  exclusiveMin?: boolean;
  /** For numbers: largest allowed value (stated in the message). */
  max?: number;
  choices?: readonly string[];
}

export class UsageError extends Error {}

export type Parsed = { flags: Record<string, string | number | boolean>; positional: string[] };

export function parseArgs(argv: string[], specs: Record<string, FlagSpec>, maxPositional = 0): Parsed {
  const flags: Parsed['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (positional.length >= maxPositional) throw new UsageError(cliT("unexpected argument '{0}'", arg));
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) throw new UsageError(cliT("unknown flag '--{0}'", name));
    if (spec.kind === 'bool') {
      if (eq >= 0) throw new UsageError(cliT('--{0} takes no value', name));
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(cliT('--{0} needs a value', name));
    flags[name] = parseValue(name, raw, spec);
  }
  return { flags, positional };
}

function parseValue(name: string, raw: string, spec: FlagSpec): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(raw))
      throw new UsageError(cliT("--{0} must be one of {1} (got '{2}')", name, spec.choices.join(', '), raw));
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new UsageError(cliT("--{0} must be a number (got '{1}')", name, raw));
  if (spec.kind === 'int' && !Number.isInteger(value))
    throw new UsageError(cliT("--{0} must be a whole number (got '{1}')", name, raw));
  if (spec.min !== undefined && (value < spec.min || (spec.exclusiveMin && value === spec.min))) {
    throw new UsageError(
      spec.exclusiveMin
        ? cliT('--{0} must be greater than {1} (got {2})', name, spec.min, raw)
        : cliT('--{0} must be at least {1} (got {2})', name, spec.min, raw),
    );
  }
  if (spec.max !== undefined && value > spec.max)
    throw new UsageError(cliT('--{0} must be at most {1} (got {2})', name, spec.max, raw));
  return value;
}
