// Whether a run is the fleet's: decided from the flags alone, so a run of this host never loads the fleet.
import type {CliArgs} from '../cli-args.js';
import {fleetScenario} from '../world/simulated/fleet-scenario.js';

/** Whether the flags ask for the fleet rather than this host. */
export function wantsFleet(flags: CliArgs): boolean {
	const fleetOnly = [flags.fleet, flags.hosts, flags.fleetGroup, flags.fleetCommand, flags.fleetRefresh, flags.fleetTimeout, flags.sshConfig];
	return fleetOnly.some(value => value !== undefined) || flags.demo === fleetScenario.name;
}
