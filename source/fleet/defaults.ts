// The fleet's defaults, named once for the flags' help and the fleet's run.
export const fleetDefaults = {
	group: 'control',
	command: 'glance-inspector',
	/** Each refresh runs the tool on every controller: seconds apart, not the dashboard's two. */
	refreshSeconds: 15,
	/** The tool's own --json takes a few seconds (a probe timeout of 3 s, Glance's listing); a minute is a hang. */
	timeoutSeconds: 60,
	connectTimeoutSeconds: 10,
} as const;
