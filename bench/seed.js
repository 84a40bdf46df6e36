// Seeds the bench Glance (lab/bench-glance.sh, no auth) with `bench-NNNNN` images of 4 KiB each, in parallel.
// Reusable across runs: only the names not yet active are created. `node bench/seed.js [TARGET] [AT_MOST]`.
import {randomBytes} from 'node:crypto';

export const benchGlanceUrl = 'http://127.0.0.1:9293';
const parallel = 8;

export function benchName(n) {
	return `bench-${String(n).padStart(5, '0')}`;
}

/** Names of the active images the bench Glance lists, and the ids of the rest (queued leftovers of a cut run). */
export async function benchImages(url = benchGlanceUrl) {
	const active = new Set();
	const broken = [];
	let next = '/v2/images?limit=1000';
	while (next) {
		const page = await (await fetch(`${url}${next}`)).json();
		for (const image of page.images) {
			if (image.status === 'active') active.add(image.name);
			else broken.push(image.id);
		}
		next = page.next ?? null;
	}
	return {active, broken};
}

async function uploadOne(url, name) {
	const created = await fetch(`${url}/v2/images`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name, disk_format: 'raw', container_format: 'bare'})});
	if (created.status !== 201) throw new Error(`POST /v2/images answered ${created.status}`);
	const {id} = await created.json();
	const put = await fetch(`${url}/v2/images/${id}/file`, {method: 'PUT', headers: {'Content-Type': 'application/octet-stream'}, body: randomBytes(4096)});
	if (put.status !== 204) throw new Error(`PUT /v2/images/${id}/file answered ${put.status}`);
}

/** Create up to `atMost` of the missing images 1..target; returns how many exist afterwards. */
export async function seedImages(target, atMost = Infinity, url = benchGlanceUrl) {
	const {active, broken} = await benchImages(url);
	for (const id of broken) await fetch(`${url}/v2/images/${id}`, {method: 'DELETE'});
	const missing = [];
	for (let n = 1; n <= target && missing.length < atMost; n++) if (!active.has(benchName(n))) missing.push(benchName(n));
	let done = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({length: parallel}, async () => {
			while (missing.length > 0) {
				await uploadOne(url, missing.shift());
				done++;
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	if (done > 0) process.stderr.write(`[seed] ${done} images in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(1)}/s)\n`);
	return active.size + done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const total = await seedImages(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? Infinity));
	console.log(total);
}
