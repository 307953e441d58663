/**
 * A gradient-check lab file (src/protocol/labFile.ts) against the learner's file: the function it
 * names, and the gradient if it names one, must be in the source — else it is refused with the
 * field named, like any other bad value. Pure (no vscode): the panel and a CLI share it.
 */
import { type GradcheckLabFile, LabFileRefused } from '../protocol/labFile';
import { type Language, findFunction, outline, qualifiedName } from './source/findFunctions';

export interface LabCheckTarget {
  functionName: string;
  /** undefined: by convention; null: none; else a function of the file. */
  gradientName?: string | null;
}

/** `fileLabel` names the file in the message (its path as the lab file gives it). */
export function labCheckTarget(
  lab: GradcheckLabFile,
  source: string,
  language: Language,
  fileLabel = lab.file,
): LabCheckTarget {
  const o = outline(source, language);
  const loss = findFunction(o, lab.function);
  const errors: LabFileRefused['errors'] = [];
  if (!loss) errors.push({ field: 'function', reason: 'unknownFunction', args: [lab.function, fileLabel] });
  // Another file's function (./grad.ts:name) is checked when the check prepares it.
  if (typeof lab.gradient === 'string' && !lab.gradient.includes(':') && !findFunction(o, lab.gradient))
    errors.push({ field: 'gradient', reason: 'unknownFunction', args: [lab.gradient, fileLabel] });
  if (errors.length || !loss) throw new LabFileRefused(errors);
  return {
    functionName: qualifiedName(loss),
    ...(lab.gradient !== undefined ? { gradientName: lab.gradient } : {}),
  };
}
