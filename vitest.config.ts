import {defineConfig} from 'vitest/config';

// No test reads the operator's own config files: they are moved to paths that do not exist (a test that
// wants a config file names its own).
const noOperatorConfig = {GLANCE_INSPECTOR_SYSTEM_CONFIG: '/nonexistent/glance-inspector-tests/config.yaml', XDG_CONFIG_HOME: '/nonexistent/glance-inspector-tests'};

// Three suites: pure model code, the UI on the simulator, and real parts (the lab, and the real binary in a pty).
export default defineConfig({
	test: {
		projects: [
			{test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], env: noOperatorConfig, testTimeout: 20_000}},
			// Colors forced on, so the NO_COLOR tests can tell colors being dropped from colors never being drawn.
			// The UI tests wait for content; on a loaded 2-core machine a whole scenario can take more than 5 s.
			{test: {name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'], env: {...noOperatorConfig, FORCE_COLOR: '1'}, testTimeout: 20_000}},
			{
				test: {
					name: 'lab',
					env: noOperatorConfig,
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
