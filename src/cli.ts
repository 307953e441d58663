import { join } from 'path';
import { IdxError } from './data/idx';
import { bundledDataDir } from './node/mnistFiles';
import { UsageError } from './cli/args';
import { runTrain } from './cli/train';
import { cliT } from './l10n/cli';
import { runBench } from './cli/bench';
import { runGradcheck } from './cli/gradcheck';
import { runCheckExercise } from './cli/checkExercise';
import { runLabFile } from './cli/labFile';
import { errorMessage } from './util/text';

/** Headless entry: `node dist/cli.js <command> [flags]` (npm run train / gradcheck / check-exercise / lab-file / bench). */

const COMMANDS: Record<string, (argv: string[], bundledDir: string) => Promise<number>> = {
  train: runTrain,
  bench: runBench,
  gradcheck: runGradcheck,
  'check-exercise': runCheckExercise,
  'lab-file': runLabFile,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const run = COMMANDS[command];
  if (!run)
    throw new UsageError(
      cliT("unknown command '{0}' (expected one of: {1})", command ?? '', Object.keys(COMMANDS).join(', ')),
    );
  // dist/cli.js → the extension root is one folder up.
  return run(rest, bundledDataDir(join(__dirname, '..')));
}

// `npm run train | head`: when the reader goes away, stop quietly as shell tools do, not with an EPIPE stack trace
// (the 'exit' handlers still end any child process, src/gradcheck/run/childRun.ts).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof IdxError) {
      process.stderr.write(`gradient-lab ${process.argv[2] ?? ''}: ${errorMessage(e)}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        cliT('gradient-lab: unexpected error: {0}', e instanceof Error && e.stack ? e.stack : errorMessage(e)) + '\n',
      );
      process.exitCode = 3;
    }
  },
);
