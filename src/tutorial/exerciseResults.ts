/**
 * The last verdict of every check, per exercise file: feeds the CodeLens titles ("3/3 checks
 * pass") and the Problems panel, and survives checking one function at a time.
 */
import * as vscode from 'vscode';
import type { ExerciseName } from './exerciseSpec';
import type { Verdict } from './exerciseVerdict';

export class ExerciseResults implements vscode.Disposable {
  private readonly byFile = new Map<string, Map<string, Verdict>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  update(uri: vscode.Uri, verdicts: readonly Verdict[]): void {
    const key = uri.toString();
    const map = this.byFile.get(key) ?? new Map<string, Verdict>();
    for (const v of verdicts) map.set(v.id, v);
    this.byFile.set(key, map);
    this.changed.fire(uri);
  }

  clear(uri: vscode.Uri): void {
    if (this.byFile.delete(uri.toString())) this.changed.fire(uri);
  }

  all(uri: vscode.Uri): Verdict[] {
    return [...(this.byFile.get(uri.toString())?.values() ?? [])];
  }

  forExercise(uri: vscode.Uri, exercise: ExerciseName): Verdict[] {
    return this.all(uri).filter((v) => v.exercise === exercise);
  }

  dispose(): void {
    this.changed.dispose();
    this.byFile.clear();
  }
}
