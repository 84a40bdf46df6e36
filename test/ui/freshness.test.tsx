import {describe, expect, it} from 'vitest';
import {plain, renderApp} from './render-app.js';

describe('the header says how fresh the facts are', () => {
	it('says live while the rounds come in time, and the age of the last one once they stop', async () => {
		const app = renderApp('healthy');
		try {
			expect(plain(await app.waitFor(' live')).split('\n')[0]).toMatch(/ OK +live\s*$/);
			// Both probes stop answering, as on a controller whose every probe is stuck.
			const never = () => new Promise<never>(() => {});
			Object.assign(app.world, {probeDatadir: never, probeContainer: never});
			expect(plain(await app.waitFor(/\d+s ago/)).split('\n')[0]).toMatch(/ OK +\d+s ago\s*$/);
		} finally {
			await app.close();
		}
	});
});
