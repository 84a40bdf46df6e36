// How the mount step mounts the share again: from its fstab line, else from the current mount or the last one
// the audit log recorded; and that command as an operator would type it.
import type {FstabEntry, MountEntry} from '../model/types.js';
import {shellQuote} from '../model/shell.js';
import type {MountSpec} from '../world/world.js';
import type {ShareLocation} from './share-location.js';

export type MountSource =
	| {kind: 'fstab'; entry: FstabEntry}
	| {kind: 'spec'; spec: MountSpec; from: 'current-mount' | 'audit-log'; note: string | null}
	| {kind: 'unknown'; reason: string};

/** What `mount -o` needs again from a mount as mountinfo shows it: rw/ro, and the NFS version. */
export function specFromMount(mount: MountEntry): MountSpec {
	const options = [mount.mountOptions.includes('ro') ? 'ro' : 'rw'];
	if (mount.fsType.startsWith('nfs')) {
		const version = mount.superOptions.find(option => option.startsWith('vers='));
		if (version) options.push(version);
	}
	return {source: mount.source, fsType: mount.fsType, options};
}

export function mountSourceFor(location: ShareLocation, lastKnown: {spec: MountSpec; time: string} | null): MountSource {
	if (location.fstab) return {kind: 'fstab', entry: location.fstab};
	const mountpoint = location.mountpoint ?? 'the mount point';
	const fuseNote = (fsType: string) =>
		fsType.startsWith('fuse.')
			? `mountinfo does not keep ${fsType.slice(5)} options such as port or IdentityFile: add an fstab line for ${mountpoint} to be sure it mounts the same way`
			: null;
	if (location.currentMount) {
		const spec = specFromMount(location.currentMount);
		return {kind: 'spec', spec, from: 'current-mount', note: fuseNote(spec.fsType)};
	}
	if (lastKnown) {
		return {kind: 'spec', spec: lastKnown.spec, from: 'audit-log', note: fuseNote(lastKnown.spec.fsType) ?? `as recorded in the audit log at ${lastKnown.time}`};
	}
	return {
		kind: 'unknown',
		reason: `There is no fstab line for ${mountpoint}, nothing is mounted there now, and no earlier run recorded how it was mounted: the mount step would not know what to mount. Add the share to /etc/fstab.`,
	};
}


export function mountCommand(mountpoint: string, source: MountSource): string {
	if (source.kind !== 'spec') return `mount ${shellQuote(mountpoint)}`;
	const {spec} = source;
	const options = spec.options.length > 0 ? ` -o ${spec.options.join(',')}` : '';
	return `mount -t ${spec.fsType}${options} ${shellQuote(spec.source)} ${shellQuote(mountpoint)}`;
}

export function fstabLine(entry: FstabEntry): string {
	return `${entry.spec} ${entry.file} ${entry.vfsType} ${entry.options.join(',')} ${entry.freq} ${entry.passno}`;
}

/** The source mountinfo should show after the mount, or null when it cannot be compared (UUID=, LABEL=...). */
export function expectedSource(source: MountSource): string | null {
	const raw = source.kind === 'fstab' ? source.entry.spec : source.kind === 'spec' ? source.spec.source : null;
	if (raw === null || /^[A-Z]+=/.test(raw)) return null;
	return raw;
}
