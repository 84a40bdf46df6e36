import {describe, expect, it} from 'vitest';
import {escapeMountPath, parseMountinfo, unescapeMountPath} from '../../source/model/mountinfo.js';

// /proc/self/mountinfo on a Debian 12 kolla host running docker: an sshfs share stacked over a bind of the
// glance named volume at /var/lib/glance, an NFS share, a backup disk with a space in its name, a container's overlay.
const debianDockerHost = [
	'22 29 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
	'23 29 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw',
	'24 29 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=1986420k,nr_inodes=496605,mode=755,inode64',
	'25 24 0:23 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000',
	'26 29 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=401400k,mode=755,inode64',
	'29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
	'57 29 254:15 / /boot/efi rw,relatime shared:31 - vfat /dev/vda15 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro',
	'101 29 254:1 /var/lib/docker/volumes/glance/_data /var/lib/glance rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
	'112 101 0:52 / /var/lib/glance rw,nosuid,nodev,relatime shared:410 - fuse.sshfs root@127.0.0.1:/srv/glance-lab/export rw,user_id=0,group_id=0,allow_other',
	'118 29 0:58 / /mnt/glance-nfs rw,relatime shared:418 - nfs4 10.0.0.5:/export/glance rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.21,local_lock=none,addr=10.0.0.5',
	'124 29 8:17 / /media/ops/Glance\\040Backup rw,nosuid,nodev,relatime shared:424 - ext4 /dev/sdb1 rw',
	'655 29 0:61 / /var/lib/docker/overlay2/9f3c1e0b7d2a4c55b8e6a1f0c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6/merged rw,relatime shared:342 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/QW6ZK4YH3BTMZ7O2XJ5RLC4N2A:/var/lib/docker/overlay2/l/5TJ2WQ7M4R6GZK3L2YH5XC7V4B,upperdir=/var/lib/docker/overlay2/9f3c1e0b7d2a4c55b8e6a1f0c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6/diff,workdir=/var/lib/docker/overlay2/9f3c1e0b7d2a4c55b8e6a1f0c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6/work,nouserxattr',
	'712 26 0:4 net:[4026532285] /run/docker/netns/3a1f2b9c8d7e rw shared:350 - nsfs nsfs rw',
	'',
].join('\n');

// /proc/<pid>/mountinfo of the glance_api container: private mounts (no optional fields) except /run, a slave.
const glanceApiContainer = [
	'1203 1140 0:61 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/QW6ZK4YH3BTMZ7O2XJ5RLC4N2A:/var/lib/docker/overlay2/l/5TJ2WQ7M4R6GZK3L2YH5XC7V4B,upperdir=/var/lib/docker/overlay2/9f3c1e0b7d2a4c55b8e6a1f0c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6/diff,workdir=/var/lib/docker/overlay2/9f3c1e0b7d2a4c55b8e6a1f0c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6/work,nouserxattr',
	'1204 1203 0:64 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
	'1205 1203 0:65 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755,inode64',
	'1206 1205 0:66 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666',
	'1207 1203 0:67 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro',
	'1209 1203 254:1 /etc/kolla/glance-api /var/lib/kolla/config_files ro,relatime - ext4 /dev/vda1 rw,errors=remount-ro',
	'1210 1203 254:1 /var/lib/docker/volumes/kolla_logs/_data /var/log/kolla rw,relatime - ext4 /dev/vda1 rw,errors=remount-ro',
	'1211 1203 0:52 / /var/lib/glance rw,nosuid,nodev,relatime - fuse.sshfs root@127.0.0.1:/srv/glance-lab/export rw,user_id=0,group_id=0,allow_other',
	'1212 1203 254:1 /usr/share/zoneinfo/Etc/UTC /etc/localtime ro,relatime - ext4 /dev/vda1 rw,errors=remount-ro',
	'1213 1203 0:24 / /run rw,nosuid,nodev,noexec,relatime master:5 - tmpfs tmpfs rw,size=401400k,mode=755,inode64',
	'1214 1205 0:62 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k,inode64',
].join('\n');

function entryAt(text: string, mountPoint: string, index = 0) {
	const found = parseMountinfo(text).filter(entry => entry.mountPoint === mountPoint)[index];
	if (!found) throw new Error(`no mount at ${mountPoint}`);
	return found;
}

describe('parseMountinfo on a Debian docker host', () => {
	it('reads every mount line and skips the trailing blank line', () => {
		expect(parseMountinfo(debianDockerHost)).toHaveLength(13);
	});

	it('reads the ext4 root with its ids, device and super options', () => {
		expect(entryAt(debianDockerHost, '/')).toEqual({
			mountId: 29,
			parentId: 1,
			majorMinor: '254:1',
			root: '/',
			mountPoint: '/',
			mountOptions: ['rw', 'relatime'],
			optionalFields: ['shared:1'],
			fsType: 'ext4',
			source: '/dev/vda1',
			superOptions: ['rw', 'errors=remount-ro'],
		});
	});

	it('reads the sshfs share with its user@host:path source and fuse super options', () => {
		const sshfs = entryAt(debianDockerHost, '/var/lib/glance', 1);
		expect(sshfs.fsType).toBe('fuse.sshfs');
		expect(sshfs.source).toBe('root@127.0.0.1:/srv/glance-lab/export');
		expect(sshfs.majorMinor).toBe('0:52');
		expect(sshfs.parentId).toBe(101);
		expect(sshfs.superOptions).toEqual(['rw', 'user_id=0', 'group_id=0', 'allow_other']);
		expect(sshfs.mountOptions).toEqual(['rw', 'nosuid', 'nodev', 'relatime']);
	});

	it('keeps the subdirectory root of a bind mount of the glance named volume', () => {
		const bind = entryAt(debianDockerHost, '/var/lib/glance', 0);
		expect(bind.root).toBe('/var/lib/docker/volumes/glance/_data');
		expect(bind.majorMinor).toBe('254:1');
		expect(bind.source).toBe('/dev/vda1');
	});

	it('reads the NFS server address and version from the super options', () => {
		const nfs = entryAt(debianDockerHost, '/mnt/glance-nfs');
		expect(nfs.fsType).toBe('nfs4');
		expect(nfs.source).toBe('10.0.0.5:/export/glance');
		expect(nfs.superOptions).toContain('addr=10.0.0.5');
		expect(nfs.superOptions).toContain('vers=4.2');
		expect(nfs.superOptions).toContain('hard');
	});

	it('decodes \\040 in a mount point to a space', () => {
		const backup = entryAt(debianDockerHost, '/media/ops/Glance Backup');
		expect(backup.source).toBe('/dev/sdb1');
		expect(backup.majorMinor).toBe('8:17');
	});

	it('splits the overlay super options so lowerdir, upperdir and workdir are separate', () => {
		const overlay = parseMountinfo(debianDockerHost).find(entry => entry.fsType === 'overlay');
		expect(overlay?.mountPoint).toMatch(/^\/var\/lib\/docker\/overlay2\/9f3c[0-9a-f]+\/merged$/);
		expect(overlay?.superOptions.map(option => option.split('=')[0])).toEqual(['rw', 'lowerdir', 'upperdir', 'workdir', 'nouserxattr']);
		expect(overlay?.superOptions[1]).toBe(
			'lowerdir=/var/lib/docker/overlay2/l/QW6ZK4YH3BTMZ7O2XJ5RLC4N2A:/var/lib/docker/overlay2/l/5TJ2WQ7M4R6GZK3L2YH5XC7V4B',
		);
	});

	it('keeps a namespace root that is not a path', () => {
		const netns = entryAt(debianDockerHost, '/run/docker/netns/3a1f2b9c8d7e');
		expect(netns.root).toBe('net:[4026532285]');
		expect(netns.fsType).toBe('nsfs');
	});
});

describe('parseMountinfo on a container', () => {
	const mounts = parseMountinfo(glanceApiContainer);

	it('sees its own root as overlay', () => {
		expect(entryAt(glanceApiContainer, '/').fsType).toBe('overlay');
		expect(entryAt(glanceApiContainer, '/').parentId).toBe(1140);
	});

	it('sees /var/lib/glance as the host sshfs filesystem, same major:minor', () => {
		const glance = entryAt(glanceApiContainer, '/var/lib/glance');
		expect(glance.majorMinor).toBe(entryAt(debianDockerHost, '/var/lib/glance', 1).majorMinor);
		expect(glance.source).toBe('root@127.0.0.1:/srv/glance-lab/export');
		expect(glance.optionalFields).toEqual([]);
	});

	it('reads a master: optional field of a slave mount', () => {
		expect(entryAt(glanceApiContainer, '/run').optionalFields).toEqual(['master:5']);
	});

	it('keeps the host directory a file bind comes from as its root', () => {
		expect(entryAt(glanceApiContainer, '/etc/localtime').root).toBe('/usr/share/zoneinfo/Etc/UTC');
		expect(entryAt(glanceApiContainer, '/var/lib/kolla/config_files').mountOptions[0]).toBe('ro');
	});

	it('reads every line', () => {
		expect(mounts.map(mount => mount.mountId)).toEqual([1203, 1204, 1205, 1206, 1207, 1209, 1210, 1211, 1212, 1213, 1214]);
	});
});

describe('parseMountinfo field rules (man 5 proc)', () => {
	it('parses the man page example, including its optional field', () => {
		expect(parseMountinfo('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue')).toEqual([
			{
				mountId: 36,
				parentId: 35,
				majorMinor: '98:0',
				root: '/mnt1',
				mountPoint: '/mnt2',
				mountOptions: ['rw', 'noatime'],
				optionalFields: ['master:1'],
				fsType: 'ext3',
				source: '/dev/root',
				superOptions: ['rw', 'errors=continue'],
			},
		]);
	});

	it('keeps several optional fields in order', () => {
		const [entry] = parseMountinfo('36 35 98:0 /mnt1 /mnt2 rw,noatime shared:9 master:1 propagate_from:2 - ext3 /dev/root rw');
		expect(entry?.optionalFields).toEqual(['shared:9', 'master:1', 'propagate_from:2']);
		expect(entry?.fsType).toBe('ext3');
	});

	it('decodes tab, newline and backslash escapes in root, mount point and source', () => {
		const [entry] = parseMountinfo(
			'40 29 0:60 /exports/a\\011b /srv/one\\012two rw - fuse.sshfs ops@nas:/glance\\134images\\040old rw,user_id=0,group_id=0',
		);
		expect(entry?.root).toBe('/exports/a\tb');
		expect(entry?.mountPoint).toBe('/srv/one\ntwo');
		expect(entry?.source).toBe('ops@nas:/glance\\images old');
	});

	it('keeps an empty source as an empty string rather than shifting the fields', () => {
		const [entry] = parseMountinfo('41 29 0:70 / /mnt/scratch rw,relatime - tmpfs  rw,size=1024k');
		expect(entry?.fsType).toBe('tmpfs');
		expect(entry?.source).toBe('');
		expect(entry?.superOptions).toEqual(['rw', 'size=1024k']);
	});

	it('accepts CRLF line endings', () => {
		const mounts = parseMountinfo('29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\r\n30 29 0:24 / /run rw shared:5 - tmpfs tmpfs rw\r\n');
		expect(mounts.map(mount => [mount.mountPoint, mount.superOptions])).toEqual([
			['/', ['rw']],
			['/run', ['rw']],
		]);
	});

	it('skips malformed lines and keeps the good ones around them', () => {
		const text = [
			'29 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
			'112 29 0:52 / /var/lib/glance rw,nosuid,nodev,relatime shared:410 - fuse.sshfs',
			'113 29 0:53 / /mnt/no-separator rw,relatime shared:411 fuse.sshfs root@h:/x rw',
			'x 29 0:54 / /mnt/bad-id rw - ext4 /dev/vdb rw',
			'115 29 254 / /mnt/bad-device rw - ext4 /dev/vdb rw',
			'116 29 0:56 / relative/mount rw - ext4 /dev/vdb rw',
			'garbage',
			'118 29 0:58 / /mnt/glance-nfs rw,relatime shared:418 - nfs4 10.0.0.5:/export/glance rw,vers=4.2,addr=10.0.0.5',
		].join('\n');
		expect(parseMountinfo(text).map(mount => mount.mountPoint)).toEqual(['/', '/mnt/glance-nfs']);
	});

	it('returns nothing for empty text', () => {
		expect(parseMountinfo('')).toEqual([]);
	});
});

describe('escapeMountPath', () => {
	it('escapes exactly the characters the kernel escapes', () => {
		expect(escapeMountPath('/media/ops/Glance Backup')).toBe('/media/ops/Glance\\040Backup');
		expect(escapeMountPath('a\tb\nc\\d')).toBe('a\\011b\\012c\\134d');
		expect(escapeMountPath('/var/lib/glance')).toBe('/var/lib/glance');
	});

	it('round-trips through parseMountinfo', () => {
		const awkward = '/srv/glance images\\2024\tQ1\nold';
		const line = `50 29 0:80 ${escapeMountPath('/data dir')} ${escapeMountPath(awkward)} rw - ext4 /dev/vdc rw`;
		const [entry] = parseMountinfo(line);
		expect(entry?.mountPoint).toBe(awkward);
		expect(entry?.root).toBe('/data dir');
		expect(unescapeMountPath(escapeMountPath(awkward))).toBe(awkward);
	});
});
