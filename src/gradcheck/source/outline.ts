/**
 * What the outliners (outlinePython.ts, outlineJs.ts) find in a file: its functions and classes, with
 * their parameters and lines. Types only, so the outliners and findFunctions.ts share them without
 * importing each other.
 */

export type Language = 'python' | 'javascript' | 'typescript';

export interface FunctionInfo {
  name: string;
  className?: string;
  /** Parameters in call order, without self/this. */
  params: string[];
  /** 1-based lines of the definition and of its last line. */
  line: number;
  endLine: number;
  /** Parameters with a default value → its text (Python: eps=1e-8 → "1e-8"). */
  defaults?: Record<string, string>;
}

export interface ClassInfo {
  name: string;
  line: number;
  endLine: number;
  /** Fields assigned in the constructor (self.W = ..., this.W = ...). */
  attributes: string[];
  /** The constructor's parameters (without self) and their defaults, when known (Python). */
  initParams?: string[];
  initDefaults?: Record<string, string>;
}

export interface Outline {
  language: Language;
  functions: FunctionInfo[];
  classes: ClassInfo[];
}
