// node:http and node:https, required rather than imported: the ESM face of a built-in reads its every export,
// and node:http's `WebSocket` loads all of undici (~25 ms alone, ~90 ms of CPU beside Glance's first page), which
// neither the Engine probe nor the Keystone/Glance client needs.
import type HttpModule from 'node:http';
import type HttpsModule from 'node:https';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof HttpModule;

let httpsModule: typeof HttpsModule | null = null;
/** node:https (and node:tls under it), loaded only for an https:// endpoint. */
export function https(): typeof HttpsModule {
	httpsModule ??= require('node:https') as typeof HttpsModule;
	return httpsModule;
}
