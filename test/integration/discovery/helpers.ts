// Builds RESTClients whose transport records every request.
import type { Dispatcher } from 'undici';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { RESTClient, type Transport, TransportCache } from '../../../src/client/rest/index.js';

/** A RESTClient whose every request (`GET /apis`) is appended to `requests`. */
export interface RecordingClient {
  readonly client: RESTClient;
  readonly requests: string[];
  close(): Promise<void>;
}

export function recordingClient(config: RestConfig): RecordingClient {
  const cache = new TransportCache();
  const requests: string[] = [];
  const composed = new Map<Dispatcher, Dispatcher>();
  const transport: Transport = {
    dispatcherFor(identity, logger) {
      const base = cache.dispatcherFor(identity, logger);
      let recording = composed.get(base);
      if (!recording) {
        recording = base.compose((dispatch) => (options, handler) => {
          requests.push(`${options.method} ${options.path}`);
          return dispatch(options, handler);
        });
        composed.set(base, recording);
      }
      return recording;
    },
  };
  return { client: RESTClient.forConfig(config, { transport }), requests, close: () => cache.close() };
}
