/**
 * The chapter-4 walkthrough as data: which lab each step opens and which context key ticks it
 * off. package.json's contributes.walkthroughs mirrors this (a unit test keeps them in step).
 * No vscode import, so tests and the webview can read it.
 */
import { type LabId, PROGRESS_KEYS, type ProgressKey } from '../protocol/tutorial';

/** `<publisher>.<name>#<walkthrough id>`, what workbench.action.openWalkthrough takes. */
export const EXTENSION_ID = 'gradient-lab.gradient-lab';
export const WALKTHROUGH_ID = 'chapter4';
export const WALKTHROUGH_REF = `${EXTENSION_ID}#${WALKTHROUGH_ID}`;

// The keys live beside the lab ids so that the panels can tick steps off without importing src/tutorial.
export { PROGRESS_KEYS, type ProgressKey };

export interface WalkthroughStep {
  /** Step id in package.json, also the media file name: media/walkthrough/<lang>/<id>.md. */
  id: string;
  /** The labs the step's description links to (first one is the step's main lab). */
  labs: LabId[];
  /** Other commands the step's description links to. */
  commands: string[];
  done: ProgressKey;
}

export const STEPS: readonly WalkthroughStep[] = [
  { id: 'lossFunctions', labs: ['loss'], commands: [], done: PROGRESS_KEYS.lossLab },
  { id: 'numericalDiff', labs: ['tangent', 'errorH'], commands: [], done: PROGRESS_KEYS.diffLab },
  { id: 'gradient', labs: ['field'], commands: [], done: PROGRESS_KEYS.gradientLab },
  { id: 'gradientDescent', labs: ['descent', 'saddle'], commands: [], done: PROGRESS_KEYS.descentLab },
  { id: 'simpleNet', labs: ['simpleNet'], commands: [], done: PROGRESS_KEYS.simpleNetLab },
  { id: 'trainTwoLayerNet', labs: [], commands: ['gradientLab.train'], done: PROGRESS_KEYS.trainingFinished },
  {
    id: 'checkGradient',
    labs: [],
    commands: ['gradientLab.createExercise', 'gradientLab.checkExercise', 'gradientLab.checkGradient'],
    done: PROGRESS_KEYS.gradientCheckPassed,
  },
];

/** The context key a lab sets when it is shown (labs not tied to a step set nothing). */
export function progressKeyForLab(lab: LabId): ProgressKey | undefined {
  return STEPS.find((s) => s.labs.includes(lab))?.done;
}

/** `command:gradientLab.openLab?["loss"]`, URI-encoded the way walkthrough links need it. */
export function openLabLink(lab: LabId): string {
  return `command:gradientLab.openLab?${encodeURIComponent(JSON.stringify([lab]))}`;
}
