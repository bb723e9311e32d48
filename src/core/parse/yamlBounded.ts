/**
 * YAML parsed with the `yaml` library, after its nesting is checked: the library's parser and composer
 * recurse once per level (the parser for compact nesting on one line, `a: : : :` or `- - - -`), so a
 * few thousand levels would exhaust the stack, and a stack overflow inside a regular expression
 * crashes the whole process. The library's lexer does not recurse: its tokens bound the nesting
 * before the parser sees the text, and the parsed document is checked again before it is composed.
 */
import { Composer, CST, isMap, isPair, isScalar, isSeq, Lexer, Parser, YAMLParseError, type Document, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from 'yaml';
import { LIMITS, LimitError } from './limits';

const tooDeep = () => new LimitError(`YAML collections are nested more than ${LIMITS.yamlDepth} deep`);

/** Where the documents of a YAML stream start, as the library's lexer splits it. */
export interface YamlOutline {
  /** The offset of each document: 0, then each `---` that starts another one. */
  starts: number[];
  /**
   * Whether each document reads the same alone (from its start to the next) as within the stream:
   * not when a directive (`%TAG`) or an end marker (`...`) is written.
   */
  separable: boolean;
}

/**
 * Throws when the text may nest deeper than the limit: an upper bound from the lexer's tokens (the
 * block indentation levels open, the indicators on the line, the flow collections open). Scalars,
 * quoted or block, are single tokens, so their content never counts. Returns where the documents
 * start, counting source offsets as the library's parser does (its control tokens take none).
 */
export function checkYamlNesting(text: string): YamlOutline {
  const check = new NestingCheck();
  for (const token of new Lexer().lex(text)) check.token(token);
  return check.outline;
}

/**
 * {@link checkYamlNesting} one lexer token at a time, so that a reader can check each token before
 * its parser sees it. `outline` grows as document starts are met.
 */
class NestingCheck {
  #offset = 0;
  readonly #indents: number[] = [];
  #flow = 0;
  #indicators = 0;
  #indent = 0;
  #lineStarted = false;
  #scalarSource = false;
  #inDocument = false;

  constructor(readonly outline: YamlOutline = { starts: [0], separable: true }) {}

  /** Counts the next token of the lexer; throws a LimitError when the nesting may exceed the limit. */
  token(token: string): void {
    const type = this.#scalarSource ? 'scalar-source' : CST.tokenType(token);
    this.#scalarSource = false;
    const at = this.#offset;
    if (type !== 'scalar' && type !== 'doc-mode' && type !== 'flow-error-end') this.#offset += token.length;
    switch (type) {
      case 'newline':
        this.#indent = 0;
        this.#indicators = 0;
        this.#lineStarted = false;
        return;
      case 'space':
        if (!this.#lineStarted) this.#indent = /^ */.exec(token)![0].length;
        return;
      case 'directive-line':
        this.outline.separable = false;
        return;
      case 'comment':
      case 'byte-order-mark':
      case 'doc-mode':
        return;
      case 'doc-start':
      case 'doc-end':
        // A marker after comments alone starts the first document; after content, another one.
        if (type === 'doc-end') this.outline.separable = false;
        else if (this.#inDocument) this.outline.starts.push(at);
        this.#inDocument = true;
        this.#indents.length = 0;
        this.#flow = 0;
        return;
      case 'scalar':
        // The marker of a scalar: the next token is its source, whatever its first character.
        this.#scalarSource = true;
        break;
      default:
        break;
    }
    this.#inDocument = true;
    const indents = this.#indents;
    if (!this.#lineStarted) {
      this.#lineStarted = true;
      if (this.#flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= this.#indent) indents.pop();
        indents.push(this.#indent);
      }
    }
    if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') this.#indicators += 1;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') this.#flow += 1;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && this.#flow > 0) this.#flow -= 1;
    else if (type === 'flow-error-end') this.#flow = 0;
    if (indents.length + this.#indicators + this.#flow > LIMITS.yamlDepth) throw tooDeep();
  }
}

/**
 * The library's CST of a YAML stream, its parser fed one lexer token at a time, each only after its
 * nesting is counted ({@link NestingCheck}): the parser never sees a token that was not checked, and
 * the text is lexed once, only as far as the caller takes documents.
 */
function* checkedTokens(text: string, outline?: YamlOutline): Generator<CST.Token> {
  const check = new NestingCheck(outline);
  const parser = new Parser();
  for (const token of new Lexer().lex(text)) {
    check.token(token);
    yield* parser.next(token);
  }
  yield* parser.end();
}

/** The deepest nesting of collections in a CST token, walked without recursion. */
function depthOf(token: CST.Token): number {
  let deepest = 0;
  const stack: [CST.Token, number][] = [[token, 0]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    const collection = t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
    const d = collection ? depth + 1 : depth;
    if (d > deepest) deepest = d;
    if (t.type === 'document' && t.value) stack.push([t.value, d]);
    if (collection) {
      for (const item of t.items) {
        if (item.key) stack.push([item.key, d]);
        if (item.value) stack.push([item.value, d]);
      }
    }
  }
  return deepest;
}

/**
 * Parses one YAML document as `parseDocument` does, refusing (with a LimitError) nesting deeper than
 * the limit before the recursive part of the library sees it.
 */
export function parseYaml(text: string, lines: LineCounter, options: DocumentOptions & ParseOptions & SchemaOptions = {}): Document.Parsed {
  checkYamlNesting(text);
  // A broken file makes the library create an error object per bad token: without stack traces they are cheap.
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return compose(text, lines, options);
  } finally {
    Error.stackTraceLimit = traces;
  }
}

/**
 * The documents of a multi-document YAML stream (`---`), composed one at a time as the caller takes
 * them, with the same bounds as {@link parseYaml}: the nesting of the text is checked as it is read,
 * before the parser sees it, so that taking the first documents costs no more than their text (and
 * the next document's, which the library composes before it hands over the one before). Each
 * document carries its own errors. `lines` holds every line of the text from the start, so that a
 * position is the same whenever it is asked for. `outline`, when given, gets the document starts as
 * they are met (all of them once every document is taken).
 *
 * With `first`, the caller takes only the first document, which ends at `first.end`: lines are
 * counted only that far.
 */
export function* parseYamlDocuments(
  text: string, lines: LineCounter, options: DocumentOptions & ParseOptions & SchemaOptions = {}, first?: { end: number }, outline?: YamlOutline,
): Generator<Document.Parsed> {
  const linesEnd = first?.end ?? text.length;
  lines.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0 && at < linesEnd; at = text.indexOf('\n', at + 1)) lines.addNewLine(at + 1);
  const composer = new Composer({ ...options, uniqueKeys: false });
  const docs = composer.compose(bounded(checkedTokens(text, outline)), true, text.length);
  for (;;) {
    const traces = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let step: IteratorResult<Document.Parsed>;
    try {
      step = docs.next();
    } finally {
      Error.stackTraceLimit = traces;
    }
    if (step.done) return;
    if (options.uniqueKeys !== false && step.value.errors.length === 0) checkUniqueKeys(step.value);
    yield step.value;
  }
}

function* bounded(tokens: Generator<CST.Token>): Generator<CST.Token> {
  for (const token of tokens) {
    if (token.type === 'document' && depthOf(token) > LIMITS.yamlDepth) throw tooDeep();
    yield token;
  }
}

function compose(text: string, lines: LineCounter, options: DocumentOptions & ParseOptions & SchemaOptions): Document.Parsed {
  const parser = new Parser(lines.addNewLine);
  // The library compares each key with every earlier one: unique keys are checked here instead, in one pass.
  const composer = new Composer({ ...options, uniqueKeys: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(bounded(parser.parse(text)), true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  if (options.uniqueKeys !== false && doc!.errors.length === 0) checkUniqueKeys(doc!);
  return doc!;
}

/** The library's `DUPLICATE_KEY` error, found with one set per map; merge keys (`<<`) may repeat. */
function checkUniqueKeys(doc: Document.Parsed): void {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isPair(node)) stack.push(node.key, node.value);
    else if (isSeq(node)) stack.push(...node.items);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        stack.push(pair.key, pair.value);
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'symbol' || (isScalar(pair.key) && pair.key.source === '<<')) continue;
        if (seen.has(key)) {
          const at = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          return;
        }
        seen.add(key);
      }
    }
  }
}

