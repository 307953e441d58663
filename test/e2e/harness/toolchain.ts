/**
 * Where the end-to-end toolchain is: Node 24 + code-server installed by scripts/e2e-setup.sh into
 * .cache/e2e/, the VSIX built by scripts/e2e-run.mjs. Missing pieces are an error naming the
 * command that makes them — the suite never skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root: the harness is bundled into each test, out/test/e2e/<name>.test.js. */
export const ROOT = join(__dirname, '..', '..', '..');

export const RESULTS_DIR = process.env.GL_E2E_RESULTS ?? join(ROOT, 'test-results', 'e2e');

export interface Toolchain {
  node: string;
  codeServer: string;
  codeServerDir: string;
  chromium: string;
  /** The extension under test, packaged by `npm run package`. */
  vsix: string;
  /** A test-only language pack that switches VS Code's display language to Korean. */
  koLanguagePack: string;
}

export function toolchain(): Toolchain {
  const envFile = process.env.GL_E2E_ENV ?? join(ROOT, '.cache', 'e2e', 'env.json');
  if (!existsSync(envFile)) {
    throw new Error(
      `The end-to-end toolchain is not installed (${envFile} is missing): run \`bash scripts/e2e-setup.sh\`, then \`npm run test:e2e\`.`,
    );
  }
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as Omit<Toolchain, 'vsix' | 'koLanguagePack'>;
  const vsix = process.env.GL_E2E_VSIX ?? '';
  const koLanguagePack = process.env.GL_E2E_KO_VSIX ?? '';
  for (const [what, path] of Object.entries({ ...env, vsix, koLanguagePack })) {
    if (!path || !existsSync(path)) {
      throw new Error(
        `End-to-end: ${what} not found at "${path}". Run the suite through \`npm run test:e2e\` (scripts/e2e-run.mjs packages the VSIX and sets GL_E2E_*).`,
      );
    }
  }
  return { ...env, vsix, koLanguagePack };
}
