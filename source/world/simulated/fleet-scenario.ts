// The fleet's training scenario by name, title and lesson: what --help, --demo and the fleet's choice need,
// without loading the simulated fleet itself (fleet-demo.ts) into a run that never starts it.
export const fleetScenario = {
	name: 'fleet-flapped',
	title: 'Three controllers; the share flapped on one, its glance_api is stale',
	lesson:
		'Behind HAProxy every controller serves images. The share flapped on sim-ctrl2 only: its glance_api kept the dead mount while the two others are fine, so one boot in three gets a 0-byte image. The fleet names the odd host; Enter opens its dashboard, where R walks the remount on that host alone.',
} as const;
