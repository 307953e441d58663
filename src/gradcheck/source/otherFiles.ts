import { readFile, readdir, stat } from 'fs/promises';
import { basename, dirname, join } from 'path';
import { languageOf, outline, qualifiedName } from './findFunctions';

/**
 * Gradients in other files, for the panel's and the command's pickers: the functions of the
 * JavaScript/TypeScript files beside the loss's file, as `./grad.ts:gradient` (what
 * `--grad` takes). Bounded: at most MAX_FILES files of at most MAX_BYTES each, none of
 * node_modules, so a large folder costs little.
 */

const MAX_FILES = 40;
const MAX_BYTES = 200_000;

export interface OtherFunction {
  /** `./file.ts:name`, as --grad takes it. */
  ref: string;
  file: string;
  name: string;
  params: string[];
}

export async function functionsBeside(file: string): Promise<OtherFunction[]> {
  const language = languageOf(file);
  if (!language || language === 'python') return [];
  const folder = dirname(file);
  let names: string[];
  try {
    names = (await readdir(folder))
      .filter((n) => n !== basename(file) && /\.(m|c)?(j|t)s$/i.test(n) && languageOf(n) !== undefined)
      .sort();
  } catch {
    return [];
  }
  const out: OtherFunction[] = [];
  for (const name of names.slice(0, MAX_FILES)) {
    const path = join(folder, name);
    try {
      if ((await stat(path)).size > MAX_BYTES) continue;
      const o = outline(await readFile(path, 'utf8'), languageOf(name)!);
      for (const f of o.functions)
        out.push({ ref: `./${name}:${qualifiedName(f)}`, file: name, name: qualifiedName(f), params: f.params });
    } catch {
      // unreadable or mid-edit: skipped
    }
  }
  return out;
}
