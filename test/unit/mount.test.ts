import {describe, expect, it} from 'vitest';
import {assessContainerView, containerVerdict, describeContainerVerdict, describeMount, expectedMount, findMountFor, fstabEntryFor, mountVerdict, reassessContainerView} from '../../source/model/mount.js';
import {parseFstab} from '../../source/model/fstab.js';
import {parseMountinfo} from '../../source/model/mountinfo.js';
import type {ContainerProbe, DatadirProbe, MountEntry, PathHealth} from '../../source/model/types.js';

// The host after an sshfs flap: the operator mounted the share again (0:57) over the old, dead one (0:52),
// which itself sits on a bind of the glance named volume at /var/lib/glance.
const hostAfterFlap = parseMountinfo(
	[
		'29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
		'26 29 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=401400k,mode=755,inode64',
		'101 29 254:1 /var/lib/docker/volumes/glance/_data /var/lib/glance rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
		'112 101 0:52 / /var/lib/glance rw,nosuid,nodev,relatime shared:410 - fuse.sshfs root@127.0.0.1:/srv/glance-lab/export rw,user_id=0,group_id=0,allow_other',
		'130 112 0:57 / /var/lib/glance rw,nosuid,nodev,relatime shared:433 - fuse.sshfs root@127.0.0.1:/srv/glance-lab/export rw,user_id=0,group_id=0,allow_other',
		'118 29 0:58 / /mnt/glance-nfs rw,relatime shared:418 - nfs4 10.0.0.5:/export/glance rw,vers=4.2,hard,proto=tcp,timeo=600,sec=sys,addr=10.0.0.5',
		'119 118 0:59 / /mnt/glance-nfs/cache rw,relatime shared:419 - nfs4 10.0.0.6:/export/cache rw,vers=4.2,addr=10.0.0.6',
		'124 29 8:17 / /media/ops/Glance\\040Backup rw,nosuid,nodev,relatime shared:424 - ext4 /dev/sdb1 rw',
	].join('\n'),
);

// The glance_api container kept the filesystem it started with: the old sshfs, 0:52.
const containerAfterFlap = parseMountinfo(
	[
		'1203 1140 0:61 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/QW6ZK4YH3BTMZ7O2XJ5RLC4N2A,upperdir=/var/lib/docker/overlay2/9f3c/diff,workdir=/var/lib/docker/overlay2/9f3c/work,nouserxattr',
		'1211 1203 0:52 / /var/lib/glance rw,nosuid,nodev,relatime - fuse.sshfs root@127.0.0.1:/srv/glance-lab/export rw,user_id=0,group_id=0,allow_other',
	].join('\n'),
);

const fstab = parseFstab(
	[
		'UUID=2f6d1c1e-3b6f-4c7a-9a55-6f0e8b1d2c3a /               ext4    errors=remount-ro 0       1',
		'UUID=9d8c7b6a-5f4e-3d2c-1b0a-9f8e7d6c5b4a none            swap    sw              0       0',
		'10.0.0.5:/export/glance\t/mnt/glance-nfs/\tnfs4\t_netdev,noauto,vers=4.2\t0\t0',
		'10.0.0.6:/export/cache /mnt/glance-nfs/cache nfs4 _netdev,noauto 0 0',
		'root@127.0.0.1:/srv/glance-lab/export /var/lib/glance fuse.sshfs _netdev,allow_other,reconnect 0 0',
	].join('\n'),
).entries;

function mountAt(mounts: readonly MountEntry[], mountId: number): MountEntry {
	const found = mounts.find(mount => mount.mountId === mountId);
	if (!found) throw new Error(`no mount ${mountId}`);
	return found;
}

const root = mountAt(hostAfterFlap, 29);
const oldSshfs = mountAt(hostAfterFlap, 112);
const newSshfs = mountAt(hostAfterFlap, 130);
const containerGlance = mountAt(containerAfterFlap, 1211);

const responsive = (device: string): PathHealth => ({state: 'responsive', latencyMs: 4, entries: 12, device});
const notConnected: PathHealth = {state: 'dead', errno: 'ENOTCONN', message: 'Transport endpoint is not connected'};
const hung: PathHealth = {state: 'unresponsive', afterMs: 3000};

describe('findMountFor', () => {
	it('finds the top of a stack of mounts on the datadir: the fresh sshfs', () => {
		expect(findMountFor('/var/lib/glance', hostAfterFlap)).toBe(newSshfs);
		expect(findMountFor('/var/lib/glance/images/4f7d3a1e', hostAfterFlap)).toBe(newSshfs);
	});

	it('takes the deepest nested mount that holds the path', () => {
		expect(findMountFor('/mnt/glance-nfs/cache/partial', hostAfterFlap)?.mountId).toBe(119);
		expect(findMountFor('/mnt/glance-nfs/images', hostAfterFlap)?.mountId).toBe(118);
	});

	it('does not mistake a sibling with a common prefix for a parent', () => {
		expect(findMountFor('/var/lib/glance-old', hostAfterFlap)).toBe(root);
		expect(findMountFor('/mnt/glance-nfs-backup', hostAfterFlap)).toBe(root);
	});

	it('falls back to / and finds / itself', () => {
		expect(findMountFor('/', hostAfterFlap)).toBe(root);
		expect(findMountFor('/srv/glance', hostAfterFlap)).toBe(root);
	});

	it('normalizes the path it is given', () => {
		expect(findMountFor('/var/lib/glance/', hostAfterFlap)).toBe(newSshfs);
		expect(findMountFor('/var/lib/kolla/../glance//images', hostAfterFlap)).toBe(newSshfs);
		expect(findMountFor('/media/ops/Glance Backup/2024', hostAfterFlap)?.source).toBe('/dev/sdb1');
	});

	it('finds nothing without mounts or for a relative path', () => {
		expect(findMountFor('/var/lib/glance', [])).toBeNull();
		expect(findMountFor('var/lib/glance', hostAfterFlap)).toBeNull();
	});
});

describe('fstabEntryFor', () => {
	it('finds the share whose mount point holds the datadir', () => {
		expect(fstabEntryFor('/var/lib/glance', fstab)?.vfsType).toBe('fuse.sshfs');
		expect(fstabEntryFor('/var/lib/glance/images', fstab)?.line).toBe(5);
	});

	it('takes the deepest entry, and one written with a trailing slash', () => {
		expect(fstabEntryFor('/mnt/glance-nfs/cache/x', fstab)?.spec).toBe('10.0.0.6:/export/cache');
		expect(fstabEntryFor('/mnt/glance-nfs/images', fstab)?.spec).toBe('10.0.0.5:/export/glance');
	});

	it('never offers / or swap as the share for a datadir', () => {
		expect(fstabEntryFor('/srv/glance', fstab)).toBeNull();
		expect(fstabEntryFor('/var/lib/glance-old', fstab)).toBeNull();
	});
});

describe('expectedMount', () => {
	it('takes the --mountpoint flag over fstab, tidied, with its fstab line if there is one', () => {
		expect(expectedMount('/var/lib/glance', '/mnt/glance-nfs/', fstab)).toEqual({
			mountpoint: '/mnt/glance-nfs',
			from: 'flag',
			fstab: fstab[2],
		});
	});

	it('keeps a flag that fstab does not know', () => {
		expect(expectedMount('/var/lib/glance', '/srv/share', fstab)).toEqual({mountpoint: '/srv/share', from: 'flag', fstab: null});
	});

	it('falls back to the fstab entry holding the datadir', () => {
		expect(expectedMount('/var/lib/glance', null, fstab)).toEqual({mountpoint: '/var/lib/glance', from: 'fstab', fstab: fstab[4]});
		expect(expectedMount('/mnt/glance-nfs/images', null, fstab).mountpoint).toBe('/mnt/glance-nfs');
	});

	it('expects nothing when neither says', () => {
		expect(expectedMount('/srv/glance', null, fstab)).toEqual({mountpoint: null, from: null, fstab: null});
	});
});

describe('mountVerdict', () => {
	it('is responsive when the expected share holds the datadir and answers', () => {
		expect(mountVerdict(newSshfs, '/var/lib/glance', responsive('0:57'))).toBe('responsive');
	});

	it('is responsive when nothing is expected and the datadir answers', () => {
		expect(mountVerdict(root, null, responsive('254:1'))).toBe('responsive');
	});

	it('is unresponsive when the probe hangs, whatever is mounted', () => {
		expect(mountVerdict(newSshfs, '/var/lib/glance', hung)).toBe('unresponsive');
		expect(mountVerdict(root, '/var/lib/glance', hung)).toBe('unresponsive');
	});

	it('is dead when the share answers ENOTCONN', () => {
		expect(mountVerdict(oldSshfs, '/var/lib/glance', notConnected)).toBe('dead');
	});

	it('is not-mounted when the datadir sits on the root disk instead of the share, though it answers', () => {
		expect(mountVerdict(root, '/var/lib/glance', responsive('254:1'))).toBe('not-mounted');
		expect(mountVerdict(null, '/var/lib/glance', responsive('254:1'))).toBe('not-mounted');
	});

	it('is not-mounted rather than missing when the share is absent and the datadir with it', () => {
		expect(mountVerdict(root, '/var/lib/glance', {state: 'missing', errno: 'ENOENT', message: 'no such file or directory'})).toBe('not-mounted');
	});

	it('is missing when the datadir does not exist and no share is expected', () => {
		expect(mountVerdict(root, null, {state: 'missing', errno: 'ENOENT', message: 'no such file or directory'})).toBe('missing');
	});

	it('is error for anything else, such as permission denied', () => {
		expect(mountVerdict(newSshfs, '/var/lib/glance', {state: 'error', errno: 'EACCES', message: 'permission denied'})).toBe('error');
	});

	it('matches an expected mount point written with a trailing slash', () => {
		const {mountpoint} = expectedMount('/var/lib/glance', '/var/lib/glance/', fstab);
		expect(mountVerdict(newSshfs, mountpoint, responsive('0:57'))).toBe('responsive');
	});
});

describe('assessContainerView', () => {
	it('is same when the container holds the host\'s filesystem', () => {
		const health = responsive('0:52');
		expect(assessContainerView(oldSshfs, responsive('0:52'), containerGlance, health)).toEqual({
			state: 'same',
			mount: containerGlance,
			health,
		});
	});

	it('is stale when the host remounted the share and the container kept the old one', () => {
		expect(assessContainerView(newSshfs, responsive('0:57'), containerGlance, notConnected)).toEqual({
			state: 'stale',
			mount: containerGlance,
			health: notConnected,
			hostMajorMinor: '0:57',
		});
	});

	it('is stale even while the container\'s old mount still answers', () => {
		expect(assessContainerView(newSshfs, responsive('0:57'), containerGlance, responsive('0:52')).state).toBe('stale');
	});

	it('is dead when the same filesystem answers on the host but ENOTCONN inside the container', () => {
		expect(assessContainerView(oldSshfs, responsive('0:52'), containerGlance, notConnected)).toEqual({
			state: 'dead',
			mount: containerGlance,
			health: notConnected,
		});
	});

	it('is dead when the same filesystem hangs only inside the container', () => {
		expect(assessContainerView(oldSshfs, responsive('0:52'), containerGlance, hung).state).toBe('dead');
	});

	it('leaves a share that is dead on the host too to the host verdict', () => {
		expect(assessContainerView(oldSshfs, notConnected, containerGlance, notConnected).state).toBe('same');
	});

	it('is unknown when the container has no mount for its Glance directory', () => {
		const view = assessContainerView(newSshfs, responsive('0:57'), null, responsive('0:61'));
		expect(view.state).toBe('unknown');
		expect(view.state === 'unknown' && view.reason).toContain('no mount');
	});

	it('is dead without a mount when the container cannot even read its mount table', () => {
		expect(assessContainerView(newSshfs, responsive('0:57'), null, notConnected)).toEqual({state: 'dead', mount: null, health: notConnected});
	});
});

describe('describeMount', () => {
	it('names source, mount point, type, device and id for the operator', () => {
		expect(describeMount(newSshfs)).toBe('root@127.0.0.1:/srv/glance-lab/export on /var/lib/glance type fuse.sshfs (dev 0:57, id 130)');
	});
});

describe('reassessContainerView', () => {
	const container = mountAt(containerAfterFlap, 1211);
	const oldHost = mountAt(hostAfterFlap, 112);
	const newHost = mountAt(hostAfterFlap, 130);
	const dead = {state: 'dead', errno: 'ENOTCONN', message: 'socket is not connected'} as const;

	it('turns a view judged against the old host mount into stale once the host shows its new mount', () => {
		const judgedEarlier = assessContainerView(oldHost, {state: 'responsive', latencyMs: 1, entries: 1, device: '0:52'}, container, dead);
		expect(judgedEarlier.state).toBe('dead');
		const now = reassessContainerView(judgedEarlier, newHost, {state: 'responsive', latencyMs: 1, entries: 1, device: '0:57'});
		expect(now).toMatchObject({state: 'stale', hostMajorMinor: '0:57'});
	});

	it('keeps an unknown view unknown', () => {
		const unknown = {state: 'unknown', reason: 'the container is not running'} as const;
		expect(reassessContainerView(unknown, newHost, null)).toBe(unknown);
	});
});

describe('containerVerdict', () => {
	const share = hostAfterFlap.find(mount => mount.majorMinor === '0:57')!;
	const answers: PathHealth = {state: 'responsive', latencyMs: 2, entries: 3, device: '0:57'};
	const gone: PathHealth = {state: 'dead', errno: 'ENOTCONN', message: 'Transport endpoint is not connected'};
	const datadir = {at: 0, datadir: '/var/lib/glance/images', mount: share, expectedMountpoint: '/var/lib/glance', expectedFrom: 'fstab', fstab: null, fstabProblem: null, health: answers, verdict: 'responsive', stats: null} satisfies DatadirProbe;
	const running = {
		at: 0, state: 'present', name: 'glance_api', id: 'c0ffee', image: 'kolla/glance-api', status: 'running', running: true, health: 'healthy', healthOutput: null,
		startedAt: null, finishedAt: null, exitCode: null, restartCount: 0, restartPolicy: 'unless-stopped', pid: 42, mounts: [], glanceSource: '/var/lib/glance',
		view: {state: 'same', mount: share, health: answers},
	} satisfies Extract<ContainerProbe, {state: 'present'}>;

	it('is the same mount only while it answers inside the container', () => {
		expect(containerVerdict(running, datadir).state).toBe('same');
		const dropped = containerVerdict({...running, view: {state: 'same', mount: share, health: gone}}, {...datadir, health: gone, verdict: 'dead'});
		expect(dropped.state).toBe('share-down');
		expect(describeContainerVerdict(dropped)).not.toContain('✔');
		expect(describeContainerVerdict(dropped)).toContain('ENOTCONN');
	});

	it('is not the same mount once the host finds the share dead, even before the container is asked again', () => {
		const hostFirst = containerVerdict(running, {...datadir, health: gone, verdict: 'dead'});
		expect(hostFirst.state).toBe('share-down');
		expect(describeContainerVerdict(hostFirst)).toContain('ENOTCONN');
		expect(describeContainerVerdict(hostFirst)).not.toContain('✔');
	});

	it('says the container keeps its images elsewhere when its bind does not hold the datadir', () => {
		const verdict = containerVerdict({...running, glanceSource: '/srv/glance'}, datadir);
		expect(verdict).toEqual({state: 'elsewhere', containerSource: '/srv/glance', datadir: '/var/lib/glance/images', suggested: '/srv/glance/images'});
		expect(describeContainerVerdict(verdict)).toContain('--datadir /srv/glance/images');
		// A named volume's source is a host path too; a source that is not a path is not judged.
		expect(containerVerdict({...running, glanceSource: 'glance'}, datadir).state).toBe('same');
	});

	it('follows the view for stale, dead and unknown, and a stopped container is not running whatever its view', () => {
		expect(containerVerdict({...running, view: {state: 'stale', mount: share, health: gone, hostMajorMinor: '0:58'}}, datadir).state).toBe('stale');
		expect(containerVerdict({...running, view: {state: 'dead', mount: share, health: gone}}, datadir).state).toBe('dead');
		expect(containerVerdict({...running, view: {state: 'unknown', reason: 'no access'}}, datadir)).toEqual({state: 'unknown', reason: 'no access'});
		expect(containerVerdict({...running, running: false}, datadir).state).toBe('not-running');
	});
});
