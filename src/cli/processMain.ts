/** The CLI as a process: runs the command line and sets the exit code. Started by `launcher.ts`. */
import { run } from './main';
import { ttyTerminal } from './terminal';

void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  // Passphrases are asked for only on a terminal; otherwise they come from the environment.
  ...(process.stdin.isTTY ? { terminal: ttyTerminal(process.stdin, process.stderr) } : {}),
}).then((code) => {
  process.exitCode = code;
});
