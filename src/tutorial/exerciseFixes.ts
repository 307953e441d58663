/**
 * The line an exercise hint prescribes, derived from the learner's own function — what they
 * wrote, changed by exactly what the recognised mistake says (a ½ missing: their sum halved;
 * no δ: δ inside their log; h = 10e-4: h = 1e-4). The hint prints it and the hint audit
 * (test/unit/tutorialHintAudit.test.ts) writes it over their line and checks again.
 * No vscode import.
 */
import { deltaInLogFix, returnOf, type Fix, type FixContext } from '../gradcheck/analysis/formulas';
import { findFunction, outline } from '../gradcheck/source/findFunctions';
import { EXERCISE_STRINGS as S } from './exerciseStrings';
import { functionName, type Diagnosis, type ExerciseLanguage } from './exerciseSpec';
import type { Verdict } from './exerciseVerdict';

const WITH_FIX: Partial<Record<Diagnosis, string>> = {
  missingHalf: S.fixMissingHalf,
  missingDelta: S.fixMissingDelta,
  missingMinus: S.fixMissingMinus,
  notAveraged: S.fixNotAveraged,
  forwardDifference: S.fixForwardDifference,
  hTypo: S.fixHTypo,
  precedence: S.fixPrecedence,
  hTooSmall: S.fixHTooSmall,
};

export function exerciseFix(d: Diagnosis, v: Verdict, source: string, language: ExerciseLanguage): Fix | undefined {
  const fn = findFunction(outline(source, language), functionName(v.exercise, language));
  if (!fn) return undefined;
  const span = { line: fn.line, endLine: fn.endLine, params: fn.params };
  const ctx: FixContext = { language, lines: source.split('\n'), loss: span, gradient: span };
  const body = ctx.lines.slice(fn.line - 1, fn.endLine);
  const ret = returnOf(ctx, span);
  const asReturn = (text: string): Fix | undefined =>
    ret ? { target: 'loss', line: ret.line, text: `return ${text}` } : undefined;
  const [y, ,] = fn.params;
  const hLine = body.findIndex((l) => /^\s*(?:(?:const|let|var)\s+)?h\s*=[^=]/.test(l));
  switch (d) {
    case 'missingHalf':
      return ret && asReturn(`0.5 * (${ret.expr})`);
    case 'missingMinus':
      return ret && asReturn(`-(${ret.expr})`);
    case 'notAveraged': {
      if (!ret || !y) return undefined;
      const own = /^\s*(?:(?:const|let|var)\s+)?batch_?size\s*=/im.exec(body.join('\n'));
      const n = own
        ? own[0].replace(/^\s*(?:(?:const|let|var)\s+)?/, '').replace(/\s*=$/, '')
        : language === 'python'
          ? `(${y}.shape[0] if ${y}.ndim == 2 else 1)`
          : `(Array.isArray(${y}[0]) ? ${y}.length : 1)`;
      return asReturn(`(${ret.expr}) / ${n}`);
    }
    case 'missingDelta':
      return deltaInLogFix(ctx);
    case 'hTypo':
    case 'hTooSmall': {
      if (hLine < 0) return undefined;
      const decl = /^\s*((?:(?:const|let|var)\s+)?)h\s*=/.exec(body[hLine])![1];
      return { target: 'loss', line: fn.line + hLine, text: `${decl}h = 1e-4` };
    }
    case 'forwardDifference':
    case 'precedence': {
      const [f, x] = fn.params;
      if (!f || !x) return undefined;
      const h = hLine >= 0 ? 'h' : '1e-4';
      return asReturn(`(${f}(${x} + ${h}) - ${f}(${x} - ${h})) / (2 * ${h})`);
    }
    default:
      return undefined;
  }
}

/** Verdicts whose hint names a line: the hint with that line, the fix attached. */
export function withFixes(verdicts: Verdict[], source: string, language: ExerciseLanguage): Verdict[] {
  return verdicts.map((v) => {
    const template = v.diagnosis && WITH_FIX[v.diagnosis];
    if (v.status !== 'fail' || !v.diagnosis || !template) return v;
    const fix = exerciseFix(v.diagnosis, v, source, language);
    return fix ? { ...v, fix, hint: { key: template, args: [fix.text] } } : v;
  });
}
