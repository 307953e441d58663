/**
 * What a Python file imports from the learner's own modules, found on disk (Node only): the book's scripts
 * (ch05/gradient_check.py) import the network they exercise (from two_layer_net import TwoLayerNet), so a check
 * asked for there is run where the function is defined.
 */
import { dirname, join } from 'path';
import { readRegularFile } from '../../node/files';
import { FunctionInfo, Outline, findFunction, outline, qualifiedName } from './findFunctions';

/** The largest source file checked (or read to follow an import). */
export const SOURCE_MAX_BYTES = 16 * 1024 * 1024;

/** Parent folders an absolute import may resolve from (the book's sys.path.append(os.pardir)). */
const IMPORT_PARENTS = 3;

/** A name a Python source imports from a module of the learner's own, with that module's file and outline. */
interface LearnerImport {
  /** The name in the importing source (an alias), and in the module. */
  local: string;
  original: string;
  file: string;
  outline: Outline;
}

/**
 * What a Python source imports from the learner's own modules (`from two_layer_net import TwoLayerNet`,
 * `from common.layers import Affine as A`, `from common.functions import *`): the module's file beside the source
 * or in a parent folder (the book's sys.path.append(os.pardir)), read and outlined once each.
 */
function learnerImports(source: string, file: string): LearnerImport[] {
  const found: LearnerImport[] = [];
  const outlines = new Map<string, Outline | null>();
  const outlineOf = (candidate: string): Outline | null => {
    if (!outlines.has(candidate)) {
      try {
        outlines.set(
          candidate,
          outline(new TextDecoder().decode(readRegularFile(candidate, SOURCE_MAX_BYTES)), 'python'),
        );
      } catch {
        outlines.set(candidate, null);
      }
    }
    return outlines.get(candidate) ?? null;
  };
  for (const m of source.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+([^(\n#]+)/gm)) {
    const [, dots, module, list] = m;
    if (!module) continue;
    const path = module.split('.');
    let folder = dirname(file);
    for (let k = 1; k < dots.length; k++) folder = dirname(folder);
    let module_: { file: string; outline: Outline } | undefined;
    for (let k = 0; k <= (dots ? 0 : IMPORT_PARENTS) && !module_; k++, folder = dirname(folder)) {
      for (const candidate of [join(folder, ...path) + '.py', join(folder, ...path, '__init__.py')]) {
        const o = outlineOf(candidate);
        if (o) {
          module_ = { file: candidate, outline: o };
          break;
        }
      }
    }
    if (!module_) continue;
    for (const part of list.split(',')) {
      const [original, alias] = part.trim().split(/\s+as\s+/);
      if (original) found.push({ local: alias ?? original, original, ...module_ });
    }
  }
  return found;
}

/**
 * Where `name` (Class.method or function) is defined when a Python source imports its first part from one of the
 * learner's modules: that file, and its name there (an alias undone).
 */
export function importedDefinition(
  source: string,
  file: string,
  name: string,
): { file: string; name: string } | undefined {
  const [head, ...rest] = name.split('.');
  for (const i of learnerImports(source, file)) {
    if (i.local !== head && i.original !== '*') continue;
    const original = [i.original === '*' ? head : i.original, ...rest].join('.');
    if (findFunction(i.outline, original)) return { file: i.file, name: original };
  }
  return undefined;
}

/** The functions and methods a Python source imports from the learner's own modules, where they are defined. */
export function importedFunctions(source: string, file: string): { file: string; fn: FunctionInfo }[] {
  const out: { file: string; fn: FunctionInfo }[] = [];
  for (const i of learnerImports(source, file))
    for (const fn of i.outline.functions) {
      const head = qualifiedName(fn).split('.')[0];
      if ((i.original === '*' || head === i.original) && !out.some((o) => o.file === i.file && o.fn === fn))
        out.push({ file: i.file, fn });
    }
  return out;
}
