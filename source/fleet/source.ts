// Where the fleet's reports come from: the controllers over ssh, or the training simulator's three.
import type {FleetHost} from '../model/fleet-inventory.js';
import type {HostAttempt} from '../model/fleet.js';
import {closeMaster, ControlSockets, fetchReport, sshCommand, type SshSettings} from './ssh.js';

export type FleetSource = {
	hosts: readonly FleetHost[];
	/** Where the hosts came from, for the header and the report (the inventory file and group, or --hosts). */
	origin: string;
	world: 'real' | 'simulated';
	/** One --json report from `host`, or why there is none; never rejects. */
	fetch(host: FleetHost): Promise<HostAttempt>;
	/** The program that shows `host`'s own dashboard on this terminal. */
	dashboard(host: FleetHost): {command: string; args: string[]};
	close(): Promise<void>;
};

/** The real fleet: each host over the system's ssh, with its own multiplexed connection. */
export function sshFleetSource(hosts: readonly FleetHost[], origin: string, settings: SshSettings): FleetSource {
	const sockets = new ControlSockets();
	return {
		hosts,
		origin,
		world: 'real',
		fetch: host => fetchReport(host, settings, sockets),
		dashboard: host => sshCommand(host, settings, sockets, [], true),
		async close() {
			await Promise.all(hosts.map(host => closeMaster(host, settings, sockets)));
			sockets.remove();
		},
	};
}
