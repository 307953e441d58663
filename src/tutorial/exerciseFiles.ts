/**
 * The exercise file: which template to copy, what to call the copy without overwriting anything,
 * how to recognise an exercise file, and where its functions are (for the CodeLenses).
 * No vscode import.
 */
import { EXERCISES, EXERCISE_NAMES, type ExerciseLanguage, type ExerciseName } from './exerciseSpec';

/** A line every template carries; a renamed copy is still recognised by it. */
export const EXERCISE_MARKER = 'gradient-lab-exercise: ch4';
export const EXERCISE_FILE: Record<ExerciseLanguage, string> = {
  python: 'gradient_lab_ch4.py',
  javascript: 'gradient_lab_ch4.js',
};

export type TemplateLocale = 'en' | 'ko';

/** Korean comments for a Korean display language (vscode.env.language: "ko", "ko-KR"), else English. */
export function templateLocale(displayLanguage: string): TemplateLocale {
  return displayLanguage.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** The forms the exercise comes in: a file in each language, or a Jupyter notebook (Python). */
export type ExerciseForm = ExerciseLanguage | 'notebook';
export const EXERCISE_NOTEBOOK = 'gradient_lab_ch4.ipynb';
export const exerciseFileName = (form: ExerciseForm): string =>
  form === 'notebook' ? EXERCISE_NOTEBOOK : EXERCISE_FILE[form];

/** Path segments of the template under the extension root. */
export function templateSegments(form: ExerciseForm, locale: TemplateLocale): string[] {
  return ['media', 'exercises', locale, exerciseFileName(form)];
}

/** `name` if free, else name-2.ext, name-3.ext, …: a new file never replaces an old one. */
export function nextFreeName(fileName: string, taken: (name: string) => boolean): string {
  if (!taken(fileName)) return fileName;
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  for (let i = 2; ; i++) {
    const candidate = `${stem}-${i}${ext}`;
    if (!taken(candidate)) return candidate;
  }
}

/** The marker within the first lines (a header comment), not anywhere in the file. */
export function isExerciseText(text: string): boolean {
  return text.split('\n', 12).some((l) => l.includes(EXERCISE_MARKER));
}

export function exerciseLanguage(languageIdOrPath: string): ExerciseLanguage | undefined {
  if (languageIdOrPath === 'python' || /\.py$/i.test(languageIdOrPath)) return 'python';
  if (languageIdOrPath === 'javascript' || /\.(c|m)?js$/i.test(languageIdOrPath)) return 'javascript';
  return undefined;
}

export interface FunctionLocation {
  exercise: ExerciseName;
  /** 0-based line of the `def` / `function`. */
  line: number;
}

/** Where each exercise function is defined, in file order. */
export function exerciseFunctions(text: string, language: ExerciseLanguage): FunctionLocation[] {
  const byName = new Map<string, ExerciseName>(EXERCISE_NAMES.map((e) => [EXERCISES[e][language], e]));
  const pattern =
    language === 'python'
      ? /^def\s+([A-Za-z_]\w*)\s*\(/
      : /^(?:export\s+)?(?:(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=)/;
  const found: FunctionLocation[] = [];
  text.split('\n').forEach((line, i) => {
    const m = line.match(pattern);
    const exercise = m && byName.get(m[1] ?? m[2]);
    if (exercise && !found.some((f) => f.exercise === exercise)) found.push({ exercise, line: i });
  });
  return found;
}
