import type {ContainerProbe, DatadirProbe, HostProbe, MountEntry, PathHealth} from '../model/types.js';

export type WorldEvent = {at: number; kind: 'container'; text: string};

/**
 * The one port between the app and the machine. The real adapter touches /proc, a killable child,
 * dockerode and (later) Glance; the simulated one is the training controller. Every probe resolves:
 * failures and timeouts come back as values, never as rejections.
 */
export type World = {
	readonly kind: 'real' | 'simulated';
	/** Shown in the header: the host name, or "simulator: flapped". */
	readonly label: string;
	probeDatadir(): Promise<DatadirProbe>;
	/** The host's datadir mount and its health, so the container's view can be compared with them. */
	probeContainer(hostMount: MountEntry | null, hostHealth?: PathHealth | null): Promise<ContainerProbe>;
	probeHost(): Promise<HostProbe>;
	/** Live changes (Docker events); returns an unsubscribe function. */
	watch(listener: (event: WorldEvent) => void): () => void;
	close(): Promise<void>;
};
