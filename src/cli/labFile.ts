/**
 * `npm run lab-file -- FILE… [--json]`: checks lab files (`*.gradientlab.json`) as the extension
 * does before opening one — the same parser (src/protocol/labFile.ts), the same field-named
 * reasons in the language of LANG, and for a gradient check the function it names in the
 * learner's file (src/gradcheck/labTarget.ts) — so a teacher can check a class's files in CI.
 *   0  every file would open;  1  some file is refused;  2  usage (no file given, a bad flag)
 */
import { dirname, join, resolve } from 'path';
import { fileProblem, readRegularFile } from '../node/files';
import { LAB_FILE_MAX_BYTES, type LabFile, LabFileRefused, labFileErrorText, parseLabFile } from '../protocol/labFile';
import { labCheckTarget } from '../gradcheck/labTarget';
import { languageOf } from '../gradcheck/source/findFunctions';
import { cliT } from '../l10n/cli';
import { FlagSpec, UsageError, parseArgs } from './args';

const SPECS: Record<string, FlagSpec> = { json: { kind: 'bool' }, help: { kind: 'bool' } };
export const LAB_FILE_USAGE = 'usage: npm run lab-file -- FILE.gradientlab.json [FILE …] [--json]';
const LEARNER_FILE_MAX = 8_000_000;

export interface LabFileJson {
  file: string;
  ok: boolean;
  panel?: LabFile['panel'];
  errors: { field: string; message: string }[];
}

/** One file: what the extension would say when asked to open it. */
export function checkLabFileAt(path: string): LabFileJson {
  const refused = (e: LabFileRefused) => ({
    file: path,
    ok: false,
    errors: e.errors.map((x) => ({ field: x.field, message: labFileErrorText(x, cliT) })),
  });
  let lab: LabFile;
  try {
    lab = parseLabFile(new TextDecoder().decode(readRegularFile(path, LAB_FILE_MAX_BYTES)));
  } catch (e) {
    if (e instanceof LabFileRefused) return refused(e);
    return { file: path, ok: false, errors: [{ field: '', message: fileProblem(e) }] };
  }
  if (lab.panel === 'gradcheck') {
    const learner = join(dirname(path), ...lab.file.split('/'));
    const language = languageOf(learner);
    try {
      if (!language) throw new LabFileRefused([{ field: 'file', reason: 'oneOf', args: ['.py, .js, .ts'] }]);
      let source: string;
      try {
        source = new TextDecoder().decode(readRegularFile(learner, LEARNER_FILE_MAX));
      } catch (e) {
        // Why: missing, a folder, a FIFO, too large — the learner's file, named with the reason.
        throw new LabFileRefused([{ field: 'file', reason: 'unreadableFile', args: [lab.file, fileProblem(e)] }]);
      }
      labCheckTarget(lab, source, language);
    } catch (e) {
      if (e instanceof LabFileRefused) return { ...refused(e), panel: lab.panel };
      throw e;
    }
  }
  return { file: path, ok: true, panel: lab.panel, errors: [] };
}

export async function runLabFile(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, SPECS, 1000);
  if (flags.help) {
    process.stdout.write(`${LAB_FILE_USAGE}\n`);
    return 0;
  }
  if (positional.length === 0) throw new UsageError(cliT(LAB_FILE_USAGE));
  const results = positional.map((f) => checkLabFileAt(resolve(f)));
  if (flags.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else
    for (const r of results)
      process.stdout.write(
        r.ok
          ? `${cliT('{0}: opens ({1})', r.file, r.panel ?? '')}\n`
          : `${cliT('{0}: refused', r.file)}\n${r.errors.map((e) => `  ${e.message}\n`).join('')}`,
      );
  return results.every((r) => r.ok) ? 0 : 1;
}
