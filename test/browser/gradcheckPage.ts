/** A real check turned into the messages the extension sends the gradient check page. */
import { prepare, runCheck } from '../../src/gradcheck/check';
import { inputsToText, presetsFor } from '../../src/gradcheck/run/inputs';
import { qualifiedName } from '../../src/gradcheck/source/findFunctions';
import { english, toResultView } from '../../src/panels/gradcheck/resultView';
import type { GradcheckToWebview, SetupView } from '../../src/protocol/gradcheck';
import { testRunners } from '../unit/gradcheckHelpers';
import { fixture as fixturePath } from '../unit/fixtureFiles';

export async function recordedMessages(fixture: string, functionName: string): Promise<GradcheckToWebview[]> {
  const file = fixturePath(`gradcheck/${fixture}`);
  const p = prepare({ file, functionName });
  if (!('request' in p)) throw new Error(`cannot prepare ${fixture}`);
  const setup: SetupView = {
    fileName: fixture.split('/').pop()!,
    language: p.language,
    signature: `${qualifiedName(p.loss)}(${p.loss.params.join(', ')})`,
    line: p.loss.line,
    gradient: p.gradient ? qualifiedName(p.gradient) : '',
    gradientChoices: [
      { value: '', label: '(none: numerical gradient only)' },
      ...p.functions.filter((f) => f !== p.loss).map((f) => ({ value: qualifiedName(f), label: qualifiedName(f) })),
    ],
    wrt: p.request.wrt,
    wrtChoices: p.wrtChoices,
    h: p.request.h,
    batchSize: 4,
    seed: 0,
    inputsText: inputsToText(p.request.inputs),
    presets: presetsFor(p.loss, p.cls).map((x) => ({ id: x.id, label: x.id })),
  };
  const report = await runCheck({ file, functionName }, testRunners());
  return [
    { type: 'setup', setup },
    { type: 'result', result: toResultView(report, english) },
  ];
}
