/**
 * What every e2e file sets up the same way: one code-server and one workbench page for a `describe`
 * block, started before its tests; after them the extension host's log is saved, every page is
 * screenshot (the last state explains a failure) and both are stopped. Also the walkthrough's steps and
 * the training panel, which several journeys open.
 */
import { after, before, beforeEach } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { type CodeServer, type ServerOptions, startCodeServer } from './codeServer';
import {
  closeAllEditors,
  closeBrowser,
  openWorkbench,
  runCommand,
  saveText,
  webviewFrame,
  type Workbench,
} from './workbench';

export interface SessionOptions extends ServerOptions {
  /** The page's size, e.g. 700 × 900 for the learner's narrow window (openWorkbench's default otherwise). */
  viewport?: { width: number; height: number };
  /** Close the primary side bar first, as a learner at a narrow width does. */
  closeSideBar?: boolean;
  /** Close every editor before each test, so that a panel on screen is always this test's. */
  freshEditors?: boolean;
}

/**
 * Registers the `before`/`after` hooks of a code-server session in the calling `describe` and returns its
 * workbench. The object is filled in by the `before` hook: read its fields inside hooks and tests only.
 */
export function workbenchSession(options: SessionOptions): Workbench {
  const wb = {} as Workbench;
  let server: CodeServer | undefined;
  before(async () => {
    server = await startCodeServer(options);
    Object.assign(wb, await openWorkbench(server));
    if (options.viewport) await wb.page.setViewportSize(options.viewport);
    if (options.closeSideBar) await runCommand(wb.page, 'View: Close Primary Side Bar');
  });
  if (options.freshEditors) {
    beforeEach(async () => {
      if ((await wb.page.$$('.tabs-container .tab')).length) await closeAllEditors(wb.page);
    });
  }
  after(async () => {
    if (server) saveText(`${options.name}-exthost.log`, server.extensionHostLog());
    await closeBrowser(options.name);
    await server?.stop();
  });
  return wb;
}

/** Opens the training panel from the palette; its page's frame once the form is there. */
export async function openTrainPanel(page: Page): Promise<Frame> {
  await runCommand(page, 'Gradient Lab: Train TwoLayerNet');
  return webviewFrame(page, 'button[data-action="start"]');
}

/** The walkthrough's step, by its id in the manifest (VS Code renders data-step-id="<extension>#<walkthrough>#<step>"). */
export const walkthroughStep = (page: Page, id: string): Locator =>
  page.locator(`.getting-started-step[data-step-id$="#${id}"]`);

/** A step's tick: VS Code's checkbox in the step, role="checkbox" with data-done-step-id. */
export const walkthroughStepDone = async (page: Page, id: string): Promise<boolean> =>
  (await walkthroughStep(page, id).locator('[data-done-step-id]').first().getAttribute('aria-checked')) === 'true';
