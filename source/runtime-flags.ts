// Node/V8 flags for the tool's own process: bin/glance-inspector.js starts Node with them (a single executable
// bakes them in). Measured with bench/scale.js at 10,000 images: V8's 16 MiB semi-spaces and its old space grown
// to several times what is live (the image table's key presses promote Ink's per-frame garbage) took the RSS to
// 180-240 MiB; 2 MiB semi-spaces and an old space grown by 20 % past what is live brought it to 128 / 133 / 144-149
// MiB (start / table open / after 200 keys), 151-156 MB after the keys against a goal of 150 MB. With
// --optimize-for-size besides (V8's own memory-over-speed trade) 126 / 130 / 131 MiB, and the keys stay inside
// their goal (j p95 38 ms, max 66 ms, against 21-26 / 40-48 ms without); idle CPU did not move (0.63-0.75 %).
// --heap-growing-percent=10 in place of 20 changed nothing (145 MiB after the keys).
// The probe and listing children get none: their ~45 MiB is Node's own floor, which no flag tried cut
// (--jitless, --lite-mode, --max-semi-space-size).
export const runtimeFlags: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=20', '--optimize-for-size'];
