import {defineConfig} from 'vitest/config';

// Three suites: pure model code, the UI on the simulator, and real parts (the lab, and the real binary in a pty).
export default defineConfig({
	test: {
		projects: [
			{test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}']}},
			// Colors forced on, so the NO_COLOR tests can tell colors being dropped from colors never being drawn.
			{test: {name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'], env: {FORCE_COLOR: '1'}}},
			{
				test: {
					name: 'lab',
					// The lab and the pty tests share one set of real parts, so they run one file at a time.
					include: ['test/lab/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
					globalSetup: ['test/lab/global-setup.ts'],
					testTimeout: 120_000,
					hookTimeout: 600_000,
					fileParallelism: false,
				},
			},
		],
	},
});
