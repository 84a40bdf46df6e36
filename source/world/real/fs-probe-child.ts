// Runs in its own process: statfs, stat and readdir of one path. On a hung share these block forever,
// so the parent kills or abandons this process on timeout instead of losing one of its own threads.
// Self-contained (node: builtins only) so Node can run it straight from source or from dist.
import {opendir, stat, statfs} from 'node:fs/promises';

type ProbeRequest = {path: string; maxEntries: number};

function fail(error: unknown): never {
	const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
	const message = error instanceof Error ? error.message : String(error);
	process.stdout.write(JSON.stringify({ok: false, errno: code, message}) + '\n');
	process.exit(0);
}

// glibc's dev_t encoding, as /proc/<pid>/mountinfo prints major:minor.
function majorOf(dev: bigint): bigint {
	return ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
}

function minorOf(dev: bigint): bigint {
	return (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
}

async function probe(request: ProbeRequest): Promise<void> {
	const started = performance.now();
	const fsStats = await statfs(request.path).catch(fail);
	const pathStat = await stat(request.path, {bigint: true}).catch(fail);
	let entries = 0;
	const directory = await opendir(request.path).catch(fail);
	try {
		for await (const entry of directory) {
			if (entry) entries++;
			if (entries >= request.maxEntries) break;
		}
	} catch (error) {
		fail(error);
	}
	const device = `${majorOf(pathStat.dev)}:${minorOf(pathStat.dev)}`;
	process.stdout.write(
		JSON.stringify({
			ok: true,
			latencyMs: Math.round(performance.now() - started),
			entries,
			device,
			statfs: {
				bsize: Number(fsStats.bsize),
				blocks: Number(fsStats.blocks),
				bfree: Number(fsStats.bfree),
				bavail: Number(fsStats.bavail),
				files: Number(fsStats.files),
				ffree: Number(fsStats.ffree),
			},
		}) + '\n',
	);
}

await probe(JSON.parse(process.argv[2] ?? '{}') as ProbeRequest);
