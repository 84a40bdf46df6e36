// Node/V8 flags for the tool's own process: bin/glance-inspector.js starts Node with them (a single executable
// bakes in the dashboard's). Measured with bench/scale.js at 10,000 images: V8's 16 MiB semi-spaces and its old
// space grown to several times what is live (the image table's key presses promote Ink's per-frame garbage) took
// the RSS to 180-240 MiB; 2 MiB semi-spaces and an old space grown by 20 % past what is live brought it to
// 128 / 133 / 144-149 MiB (start / table open / after 200 keys): 151-156 MB after the keys, against a goal of
// 150 MB. --heap-growing-percent=10 in place of 20 changed nothing (145 MiB after the keys).
// The dashboard, open for hours, adds V8's own memory-over-speed trade, --optimize-for-size: 124-126 / 126-130 /
// 131-132 MiB, with the keys inside their goal (j p95 36-38 ms, max 55-66 ms, against 21-26 / 40-48 ms without)
// and idle CPU unmoved. A report (--json, --once) is over in seconds and goes without it: the flag made Node's
// first fetch 62-76 ms instead of 36-54, on the path to Glance's first page.
// The probe and listing children get none: their ~45 MiB is Node's own floor, which no flag tried cut
// (--jitless, --lite-mode, --max-semi-space-size).

/** Every run's flags. */
export const runtimeFlags: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=20'];

/** The dashboard's (and the single executable's, whose code cache is built under one set of flags). */
export const dashboardFlags: readonly string[] = [...runtimeFlags, '--optimize-for-size'];

/** The flags for a run with these arguments: a report's, or the dashboard's. */
export function runtimeFlagsFor(args: readonly string[]): readonly string[] {
	return args.includes('--json') || args.includes('--once') ? runtimeFlags : dashboardFlags;
}
