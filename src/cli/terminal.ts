/**
 * Questions on the controlling terminal: one line, with or without echo. Only used when stdin is a
 * TTY; prompts go to stderr so that stdout carries only the command's own output.
 */
import type { Terminal } from './dct/passphrases';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Reads one line from a TTY `input`; `echo` false keeps what is typed off the screen. */
function readLine(input: NodeJS.ReadStream, output: NodeJS.WritableStream, prompt: string, echo: boolean): Promise<string | undefined> {
  output.write(prompt);
  return new Promise((resolve) => {
    let text = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.setEncoding('utf8');
    const finish = (value: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(text);
        if (ch === CTRL_C || (ch === CTRL_D && text === '')) return finish(undefined);
        if (BACKSPACE.has(ch)) {
          if (text.length > 0 && echo) output.write('\b \b');
          text = [...text].slice(0, -1).join('');
        } else if (ch >= ' ') {
          text += ch;
          if (echo) output.write(ch);
        }
      }
      return undefined;
    };
    input.on('data', onData);
    input.resume();
  });
}

/** The terminal behind `input` (a TTY), writing prompts to `output`. */
export function ttyTerminal(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Terminal {
  return {
    secret: (prompt) => readLine(input, output, prompt, false),
    line: (prompt) => readLine(input, output, prompt, true),
  };
}
