import { composeValue, expand } from './expand';

/**
 * Parses a compose `.env` file: `KEY=VALUE` lines, optional `export `, `#` comments, single-quoted
 * values taken literally, double-quoted values with `\n`, `\t`, `\\`, `\"` escapes, unquoted values
 * with trailing ` #` comments removed. Values may refer to earlier keys and to `lookupOuter`.
 */
export function parseDotenv(text: string, lookupOuter: (name: string) => string | undefined = () => undefined): Map<string, string> {
  const vars = new Map<string, string>();
  const lookup = (name: string): string | undefined => lookupOuter(name) ?? vars.get(name);
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, rest] = m as unknown as [string, string, string];
    let value: string;
    if (rest.startsWith("'")) {
      const close = rest.indexOf("'", 1);
      value = close === -1 ? rest.slice(1) : rest.slice(1, close);
    } else if (rest.startsWith('"')) {
      const close = findClosingDoubleQuote(rest);
      const inner = rest.slice(1, close === -1 ? undefined : close)
        .replace(/\\([nt"\\$])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === '$' ? '$$' : c));
      value = expand(inner, composeValue(lookup)).value;
    } else {
      value = expand(rest.replace(/\s+#.*$/, '').trim(), composeValue(lookup)).value;
    }
    vars.set(key, value);
  }
  return vars;
}

function findClosingDoubleQuote(text: string): number {
  for (let i = 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
}
