/** The one handle a webview page has on VS Code: post messages, keep state across reloads. */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Outside VS Code (browser tests) messages go to window.__glPosted so a test can read them. */
function fallbackApi(): VsCodeApi {
  const w = window as unknown as { __glPosted?: unknown[]; __glState?: unknown };
  w.__glPosted = [];
  return {
    postMessage: (m) => w.__glPosted!.push(m),
    getState: () => w.__glState,
    setState: (s) => (w.__glState = s),
  };
}

export const vscode: VsCodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : fallbackApi();

export function post<T>(message: T): void {
  vscode.postMessage(message);
}

export function onMessage<T>(handler: (message: T) => void): void {
  window.addEventListener('message', (e: MessageEvent) => handler(e.data as T));
}
