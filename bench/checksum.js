// Verify speed against the by-hand path (`sha512sum`), and the inventory join at 50,000 images.
// Usage: npm run build && node bench/checksum.js [sizeMiB] [directory]
//   sizeMiB defaults to 1024; the file lives in a temp dir under `directory` (default the system's tmp),
//   e.g. /srv/glance-lab/share/bench-scratch to measure through the share (run it under the lab lock).
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, open, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {buildInventory, filterRows, sortRows} from '../dist/model/inventory.js';
import {verifyChecksum} from '../dist/world/real/checksum.js';
// The tests' fixture itself: Node 24 strips its types, so bench and tests share one GlanceImage.
import {glanceImage, imageUuid} from '../test/support/glance-images.ts';

const run = promisify(execFile);
const sizeMiB = Number(process.argv[2] ?? 1024);
const parent = process.argv[3] ?? os.tmpdir();
const runs = 3;
// Issue 9: verifying (sha512 + md5) takes at most this many times sha512sum on the same file, same mount.
const goalRatio = 1.1;

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function timed(action) {
	const started = performance.now();
	const result = await action();
	return {ms: performance.now() - started, result};
}

async function medianMs(action) {
	const times = [];
	for (let index = 0; index < runs; index++) times.push((await timed(action)).ms);
	return median(times);
}

async function createFile(file) {
	// A random 16 MiB block repeated: hashing cost does not depend on the bytes, and writing stays quick.
	const block = randomBytes(16 * 1024 * 1024);
	const handle = await open(file, 'w');
	let written = 0;
	while (written < sizeMiB * 1024 * 1024) {
		const length = Math.min(block.length, sizeMiB * 1024 * 1024 - written);
		await handle.write(block, 0, length);
		written += length;
	}
	await handle.close();
}

async function verifyOnce(file, image) {
	const outcome = await verifyChecksum(file, image, () => {}, new AbortController().signal);
	if (outcome.state !== 'ok') throw new Error(`verify did not match sha512sum/md5sum: ${JSON.stringify(outcome)}`);
	return outcome;
}

function rate(ms) {
	return `${((sizeMiB * 1000) / ms).toFixed(0).padStart(5)} MiB/s  (${(ms / 1000).toFixed(2)} s)`;
}

function versus(ms, sha512sumMs) {
	const ratio = ms / sha512sumMs;
	return `time vs sha512sum ${ratio.toFixed(2)}x (goal <= ${goalRatio}x: ${ratio <= goalRatio ? 'met' : 'missed'})`;
}

async function benchChecksum() {
	await mkdir(parent, {recursive: true});
	const directory = await mkdtemp(path.join(parent, 'glance-inspector-bench-'));
	const file = path.join(directory, '6f1c6e2e-0b7a-4a53-9b1d-3c2e8f0a9d11');
	try {
		await createFile(file);
		const size = sizeMiB * 1024 * 1024;
		// Learn the expected digests the by-hand way (and warm whatever cache the mount keeps).
		const sha512 = (await run('sha512sum', [file])).stdout.split(' ')[0];
		const md5 = (await run('md5sum', [file])).stdout.split(' ')[0];
		const sha512Only = glanceImage({id: path.basename(file), name: 'bench', size, checksum: null, osHashValue: sha512, diskFormat: 'raw'});
		const both = {...sha512Only, checksum: md5};
		await verifyOnce(file, both);

		const sha512sumMs = await medianMs(() => run('sha512sum', [file]));
		const md5sumMs = await medianMs(() => run('md5sum', [file]));
		const sha512Ms = await medianMs(() => verifyOnce(file, sha512Only));
		const bothMs = await medianMs(() => verifyOnce(file, both));

		console.log(`checksum of a ${sizeMiB} MiB file in ${parent}, median of ${runs} (${os.cpus().length} CPUs, Node ${process.version})`);
		console.log(`  sha512sum                      ${rate(sha512sumMs)}`);
		console.log(`  md5sum                         ${rate(md5sumMs)}`);
		console.log(`  verifyChecksum sha512          ${rate(sha512Ms)}   ${versus(sha512Ms, sha512sumMs)}`);
		console.log(`  verifyChecksum sha512 + md5    ${rate(bothMs)}   ${versus(bothMs, sha512sumMs)}`);
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}

function benchInventory() {
	const count = 50_000;
	const images = [];
	const files = [];
	for (let n = 0; n < count; n++) {
		images.push(glanceImage({id: imageUuid(n), name: `image-${n}`, owner: `project-${n % 40}`, size: 1_000_000 + n, checksum: null}));
		// Every 10th file missing, every 7th the wrong size, 1,000 orphans.
		if (n % 10 !== 0) files.push({name: imageUuid(n), size: n % 7 === 0 ? 1 : 1_000_000 + n, mtimeMs: Date.now(), kind: 'file'});
	}
	for (let n = count; n < count + 1000; n++) files.push({name: imageUuid(n), size: 5, mtimeMs: Date.now(), kind: 'file'});
	const glance = {at: Date.now(), state: 'ok', images, endpoint: 'bench', authSource: 'bench', pages: 50, tookMs: 0};
	const listing = {at: Date.now(), state: 'ok', directory: '/bench', files, tookMs: 0};
	const checks = new Map();

	buildInventory(glance, listing, checks);
	const times = {build: [], sort: [], filter: []};
	let inventory;
	for (let index = 0; index < 5; index++) {
		let started = performance.now();
		inventory = buildInventory(glance, listing, checks);
		times.build.push(performance.now() - started);
		started = performance.now();
		sortRows(inventory.rows, 'size', true);
		times.sort.push(performance.now() - started);
		started = performance.now();
		filterRows(inventory.rows, {text: 'project-7'});
		times.filter.push(performance.now() - started);
	}
	console.log(`inventory of ${count.toLocaleString('en')} images + 1,000 orphan files (${inventory.rows.length.toLocaleString('en')} rows), median of 5`);
	console.log(`  buildInventory                 ${median(times.build).toFixed(1)} ms`);
	console.log(`  sortRows by size               ${median(times.sort).toFixed(1)} ms`);
	console.log(`  filterRows by text             ${median(times.filter).toFixed(1)} ms`);
}

await benchChecksum();
benchInventory();
