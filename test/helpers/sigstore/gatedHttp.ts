/**
 * An HttpClient that lets a test hold chosen requests until an event, to force one interleaving of
 * concurrent writers deterministically (no sleeps): `gate(method, url)` returns a promise the request
 * waits for before it is sent, and `sent(method, url, status)` hears each answer.
 */
import { HttpClientBase, type HttpClient, type HttpMethod, type HttpResponse, type RequestOptions } from '../../../src/core/net/http';

export interface Gates {
  /** Awaited before the request is sent. */
  before?(method: HttpMethod, url: string): Promise<void> | void;
  /** Called once the answer is in. */
  after?(method: HttpMethod, url: string, status: number): void;
}

export class GatedHttp extends HttpClientBase {
  constructor(private readonly inner: HttpClient, private readonly gates: Gates) {
    super();
  }

  async request(method: HttpMethod, url: string, options?: RequestOptions): Promise<HttpResponse> {
    await this.gates.before?.(method, url);
    const response = await this.inner.request(method, url, options);
    this.gates.after?.(method, url, response.status);
    return response;
  }
}

/** A promise with its resolve function, to await an event another callback signals. */
export function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}
