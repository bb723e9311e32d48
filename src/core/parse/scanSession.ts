import { ComposeMemo } from './compose';
import { DockerfileReader } from './dockerfile';
import { YamlDocumentMemo } from './yamlDocumentMemo';

/**
 * What reading one document leaves for reading it again after an edit (the editor's case): the
 * Dockerfile's parsed instructions and references, the compose file's references per service, or a
 * Kubernetes file's findings per YAML document.
 * Reading through a session gives the same results as reading afresh, only faster. It holds about
 * one copy of the document and what was read from it.
 */
export class ScanSession {
  #dockerfile: DockerfileReader | undefined;
  #compose: ComposeMemo | undefined;
  #kubernetes: YamlDocumentMemo | undefined;
  #chars = 0;

  get dockerfile(): DockerfileReader {
    this.#compose = undefined;
    this.#kubernetes = undefined;
    return (this.#dockerfile ??= new DockerfileReader());
  }

  get compose(): ComposeMemo {
    this.#dockerfile = undefined;
    this.#kubernetes = undefined;
    return (this.#compose ??= new ComposeMemo());
  }

  get kubernetes(): YamlDocumentMemo {
    this.#dockerfile = undefined;
    this.#compose = undefined;
    return (this.#kubernetes ??= new YamlDocumentMemo());
  }

  /** The length of the text last read, as a measure of the memory the session holds. */
  get chars(): number {
    return this.#chars;
  }

  set chars(n: number) {
    this.#chars = n;
  }
}
