import type {ChecksumOutcome, ContainerProbe, DatadirListing, DatadirProbe, GlanceImage, GlanceListing, HostProbe, MountEntry, PathHealth} from '../model/types.js';

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
	/** Every image Glance lists (all pages, hidden ones too), or why it could not. */
	listGlanceImages(): Promise<GlanceListing>;
	/** The datadir's entries with size and mtime, listed in a child process that is abandoned on timeout. */
	listDatadir(): Promise<DatadirListing>;
	/**
	 * Read one image file and compare it with Glance's os_hash_value (and md5 checksum when set). The only
	 * place image contents are read, and only when the operator asks. Progress arrives as `running` outcomes.
	 */
	verifyChecksum(image: GlanceImage, onProgress: (outcome: ChecksumOutcome) => void, signal: AbortSignal): Promise<ChecksumOutcome>;
	/** Live changes (Docker events); returns an unsubscribe function. */
	watch(listener: (event: WorldEvent) => void): () => void;
	close(): Promise<void>;
};
