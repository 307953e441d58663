/**
 * The message protocol between the extension and its webviews, one file a panel (train.ts,
 * gradcheck.ts, tutorial.ts): each panel's messages are one discriminated union "to webview"
 * and one "from webview", with a validator for the latter (a webview is untrusted input).
 * Imported by the extension, the workers and the webview bundles; imports neither vscode nor the DOM.
 */
export * from './validate';
export * from './tutorial';
export * from './train';
export * from './gradcheck';
export * from './labFile';
export * from './studyNote';
