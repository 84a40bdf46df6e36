// Node/V8 flags for the tool's own process: bin/glance-inspector.js starts Node with them (a single executable
// bakes them in). Measured with bench/scale.js at 10,000 images: V8's 16 MiB semi-spaces and its old space grown
// to several times what is live (the image table's key presses promote Ink's per-frame garbage) took the RSS to
// 180-240 MiB; 2 MiB semi-spaces and an old space grown by 20 % past what is live keep it under 150 MiB
// (4 MiB / 30 %: 150-153 MiB after 200 keys). The price: idle, GC takes ~0.2 % of a core (40-90 ms in 34 s, from
// 7 ms without the flags; more frequent scavenges), and ~10 % more CPU while keys are pressed.
// The probe and listing children get none: their ~45 MiB is Node's own floor, which no flag tried cut
// (--jitless, --lite-mode, --max-semi-space-size).
export const runtimeFlags: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=20'];
