// Which mount point the remount works on: never a local filesystem found by accident (remounting /var would
// be a disaster), only the share the settings, the fstab or the current network mount name.
import {normalizeMountPath} from '../model/mount.js';
import type {FstabEntry, MountEntry, Snapshot} from '../model/types.js';

export type ShareLocation = {
	mountpoint: string | null;
	from: 'flag' | 'fstab' | 'current-mount' | null;
	/** What is mounted at the mount point now, null when nothing is. */
	currentMount: MountEntry | null;
	fstab: FstabEntry | null;
};

/** Nowhere: no mount point is known. */
export const unknownLocation: ShareLocation = {mountpoint: null, from: null, currentMount: null, fstab: null};

/** Filesystems that come from another machine: the only kind a remount can fix. */
const networkFsType = /^(nfs4?|cifs|smb3|ceph|glusterfs|lustre|9p|beegfs)$|^fuse\./;

function isNetworkFilesystem(fsType: string): boolean {
	return networkFsType.test(fsType);
}

/** The mount point to remount: --mountpoint, else the fstab line holding the datadir, else the network share the datadir is on now. */
export function locateShare(snapshot: Snapshot, settings: {mountpoint: string | null; datadir: string}): ShareLocation {
	const probe = snapshot.datadir;
	let mountpoint: string | null = null;
	let from: ShareLocation['from'] = null;
	if (settings.mountpoint) {
		mountpoint = normalizeMountPath(settings.mountpoint);
		from = 'flag';
	} else if (probe?.expectedMountpoint) {
		mountpoint = probe.expectedMountpoint;
		from = probe.expectedFrom === 'flag' ? 'flag' : 'fstab';
	} else if (probe?.mount && probe.mount.mountPoint !== '/' && isNetworkFilesystem(probe.mount.fsType)) {
		mountpoint = probe.mount.mountPoint;
		from = 'current-mount';
	}
	if (mountpoint === '/') return unknownLocation;
	const currentMount = mountpoint && probe?.mount?.mountPoint === mountpoint ? probe.mount : null;
	const fstab = mountpoint && probe?.fstab && normalizeMountPath(probe.fstab.file) === mountpoint ? probe.fstab : null;
	return {mountpoint, from, currentMount, fstab};
}
