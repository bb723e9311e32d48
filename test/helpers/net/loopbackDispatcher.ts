import { Agent, type Dispatcher } from 'undici';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { secureContextFor, type TlsMaterial } from '../../../src/core/net/tlsMaterial';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dispatcher factory for UndiciHttpClient that resolves every host name to 127.0.0.1, so tests can
 * use distinct names (`registry.test`, `auth.elsewhere.test`) for servers that all listen on loopback,
 * and no request can ever leave the machine.
 */
export function loopbackDispatcherFactory(_origin: string, tls: TlsMaterial): Dispatcher {
  const lookup = (_hostname: string, options: LookupOneOptions & { all?: boolean }, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const secureContext = secureContextFor(tls);
  return new Agent({ connect: { lookup, ...(secureContext ? { secureContext } : {}) } as object });
}
