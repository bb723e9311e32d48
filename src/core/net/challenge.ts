/**
 * Parsing of `WWW-Authenticate` headers (RFC 9110 §11.6.1). One header may hold several challenges
 * (`Basic realm="a", Bearer realm="b",service="s"`), and undici joins repeated headers with `, `,
 * so the parser splits challenges itself and understands quoted strings with commas and escapes.
 */

/** One challenge. `scheme` is lower-case; parameter names are lower-case. */
export interface Challenge {
  /** e.g. `bearer`, `basic`. */
  scheme: string;
  /** e.g. `{ realm: 'https://auth.docker.io/token', service: 'registry.docker.io' }`. */
  params: Record<string, string>;
  /** A token68 credential blob, when the challenge has one instead of parameters. */
  token68?: string;
}

/** A Bearer challenge as the docker token protocol uses it. */
export interface BearerChallenge {
  /** Token endpoint, e.g. `https://auth.docker.io/token`. */
  realm: string;
  /** e.g. `registry.docker.io`. */
  service?: string;
  /** The scope the server asked for, e.g. `repository:library/alpine:pull`. */
  scope?: string;
  /** `invalid_token` or `insufficient_scope` when a sent token was refused. */
  error?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && TCHAR.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(): string | undefined {
    if (this.peek() !== '"') return undefined;
    this.pos++;
    let out = '';
    while (!this.done) {
      const c = this.peek();
      this.pos++;
      if (c === '"') return out;
      if (c === '\\' && !this.done) {
        out += this.peek();
        this.pos++;
      } else {
        out += c;
      }
    }
    return undefined; // unterminated
  }
}

// At the cursor: `name = value` (a parameter) rather than the start of the next challenge?
function atParameter(c: Cursor): boolean {
  const saved = c.pos;
  const name = c.token();
  c.skipSpaces();
  const isParam = name !== '' && c.peek() === '=';
  c.pos = saved;
  return isParam;
}

function readToken68(c: Cursor): string | undefined {
  const start = c.pos;
  while (!c.done && TOKEN68_CHAR.test(c.peek())) c.pos++;
  if (c.pos === start) return undefined;
  while (c.peek() === '=') c.pos++;
  const after = c.pos;
  c.skipSpaces();
  // token68 must stand alone: followed by the end or by a comma.
  if (!c.done && c.peek() !== ',') {
    c.pos = start;
    return undefined;
  }
  c.pos = after;
  return c.text.slice(start, after);
}

/**
 * Parses every challenge in a `WWW-Authenticate` value. Malformed parts are skipped rather than
 * guessed at; an empty or hopeless header yields `[]`.
 * @example parseWwwAuthenticate('Bearer realm="https://a/token",scope="repository:x:pull,push"')
 *   // [{ scheme: 'bearer', params: { realm: 'https://a/token', scope: 'repository:x:pull,push' } }]
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const c = new Cursor(header);
  const challenges: Challenge[] = [];
  while (true) {
    c.skipSeparators();
    if (c.done) break;
    const scheme = c.token();
    if (scheme === '') {
      c.pos++; // an unexpected character: skip it and resynchronise
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    c.skipSpaces();
    if (!atParameter(c)) {
      const token68 = readToken68(c);
      if (token68 !== undefined) challenge.token68 = token68;
    }
    // Parameters, separated by commas, until the next `scheme` that is not followed by `=`.
    while (true) {
      const saved = c.pos;
      c.skipSeparators();
      if (c.done || !atParameter(c)) {
        c.pos = saved;
        break;
      }
      const name = c.token().toLowerCase();
      c.skipSpaces();
      c.pos++; // '='
      c.skipSpaces();
      const value = c.peek() === '"' ? c.quoted() : c.token();
      if (value === undefined) break;
      if (!(name in challenge.params)) challenge.params[name] = value;
    }
  }
  return challenges;
}

/** The first Bearer challenge with a realm, as the token flow needs it, or undefined. */
export function findBearerChallenge(challenges: readonly Challenge[]): BearerChallenge | undefined {
  for (const { scheme, params } of challenges) {
    if (scheme !== 'bearer' || !params['realm']) continue;
    const bearer: BearerChallenge = { realm: params['realm'] };
    if (params['service'] !== undefined) bearer.service = params['service'];
    if (params['scope'] !== undefined) bearer.scope = params['scope'];
    if (params['error'] !== undefined) bearer.error = params['error'];
    return bearer;
  }
  return undefined;
}

/** True when one of the challenges asks for HTTP Basic authentication. */
export function hasBasicChallenge(challenges: readonly Challenge[]): boolean {
  return challenges.some((ch) => ch.scheme === 'basic');
}
