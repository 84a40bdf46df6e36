import {describe, expect, it} from 'vitest';
import {parseFstab} from '../../source/model/fstab.js';

// /etc/fstab of a Debian 12 kolla host as the installer wrote it, plus the shares an operator added by hand.
const debianFstab = [
	'# /etc/fstab: static file system information.',
	'#',
	"# Use 'blkid' to print the universally unique identifier for a",
	'# device; this may be used with UUID= as a more robust way to name devices',
	'# that works even if disks are added and removed. See fstab(5).',
	'#',
	'# systemd generates mount units based on this file, see systemd.mount(5).',
	"# Please run 'systemctl daemon-reload' after making changes here.",
	'#',
	'# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
	'# / was on /dev/vda1 during installation',
	'UUID=2f6d1c1e-3b6f-4c7a-9a55-6f0e8b1d2c3a /               ext4    errors=remount-ro 0       1',
	'# /boot/efi was on /dev/vda15 during installation',
	'UUID=7A1B-3C2D  /boot/efi       vfat    umask=0077      0       1',
	'# swap was on /dev/vda5 during installation',
	'UUID=9d8c7b6a-5f4e-3d2c-1b0a-9f8e7d6c5b4a none            swap    sw              0       0',
	'',
	'# Glance image share (kolla: glance_file_datadir_volume)',
	'10.0.0.5:/export/glance\t/mnt/glance-nfs\tnfs4\t_netdev,noauto,vers=4.2,hard,timeo=600\t0\t0',
	'root@127.0.0.1:/srv/glance-lab/export /var/lib/glance fuse.sshfs _netdev,allow_other,reconnect,ServerAliveInterval=15,IdentityFile=/root/.ssh/glance_lab 0 0',
	'   /dev/sdb1 /media/ops/Glance\\040Backup ext4 defaults,nofail',
	'/swapfile none swap sw 0 0',
	'tmpfs /tmp tmpfs',
	'',
].join('\n');

describe('parseFstab on a Debian host', () => {
	const {entries, problems} = parseFstab(debianFstab);

	it('reads every entry, skipping comments and blank lines, with no problems', () => {
		expect(problems).toEqual([]);
		expect(entries.map(entry => entry.file)).toEqual([
			'/',
			'/boot/efi',
			'none',
			'/mnt/glance-nfs',
			'/var/lib/glance',
			'/media/ops/Glance Backup',
			'none',
			'/tmp',
		]);
	});

	it('keeps a UUID= spec as written and records the 1-based line number', () => {
		expect(entries[0]).toEqual({
			spec: 'UUID=2f6d1c1e-3b6f-4c7a-9a55-6f0e8b1d2c3a',
			file: '/',
			vfsType: 'ext4',
			options: ['errors=remount-ro'],
			freq: 0,
			passno: 1,
			line: 12,
		});
	});

	it('splits tab-separated NFS options, keeping _netdev and noauto', () => {
		const nfs = entries.find(entry => entry.vfsType === 'nfs4');
		expect(nfs?.spec).toBe('10.0.0.5:/export/glance');
		expect(nfs?.options).toEqual(['_netdev', 'noauto', 'vers=4.2', 'hard', 'timeo=600']);
		expect(nfs?.line).toBe(19);
	});

	it('reads the sshfs share with its user@host:path spec', () => {
		const sshfs = entries.find(entry => entry.vfsType === 'fuse.sshfs');
		expect(sshfs?.spec).toBe('root@127.0.0.1:/srv/glance-lab/export');
		expect(sshfs?.file).toBe('/var/lib/glance');
		expect(sshfs?.options).toContain('IdentityFile=/root/.ssh/glance_lab');
		expect(sshfs?.line).toBe(20);
	});

	it('reads swap entries with their none mount point', () => {
		expect(entries.filter(entry => entry.vfsType === 'swap').map(entry => entry.spec)).toEqual([
			'UUID=9d8c7b6a-5f4e-3d2c-1b0a-9f8e7d6c5b4a',
			'/swapfile',
		]);
	});

	it('decodes \\040 and defaults missing dump and pass fields to 0', () => {
		const backup = entries.find(entry => entry.spec === '/dev/sdb1');
		expect(backup).toMatchObject({file: '/media/ops/Glance Backup', options: ['defaults', 'nofail'], freq: 0, passno: 0, line: 21});
	});

	it('reads a line with only three fields as defaults, 0, 0', () => {
		expect(entries.find(entry => entry.file === '/tmp')).toMatchObject({
			spec: 'tmpfs',
			vfsType: 'tmpfs',
			options: ['defaults'],
			freq: 0,
			passno: 0,
			line: 23,
		});
	});
});

describe('parseFstab problems', () => {
	it('names the line of an entry with fewer than three fields and keeps reading', () => {
		const {entries, problems} = parseFstab(['# shares', '10.0.0.5:/export/glance /mnt/glance-nfs', '/dev/vdb /srv ext4 defaults 0 2'].join('\n'));
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(/^line 2: /);
		expect(problems[0]).toContain('10.0.0.5:/export/glance /mnt/glance-nfs');
		expect(entries.map(entry => [entry.file, entry.passno, entry.line])).toEqual([['/srv', 2, 3]]);
	});

	it('reports non-numeric dump or pass fields instead of guessing', () => {
		const {entries, problems} = parseFstab('/dev/vdb /srv ext4 defaults zero 2\n');
		expect(entries).toEqual([]);
		expect(problems).toEqual([expect.stringMatching(/^line 1: dump and pass fields must be numbers/)]);
	});

	it('ignores a trailing comment after the pass number but reports other extra fields', () => {
		const {entries, problems} = parseFstab(
			['/dev/vdb /srv ext4 defaults 0 2 # data disk', '/dev/vdc /backup ext4 defaults 0 2 stray'].join('\n'),
		);
		expect(entries.map(entry => entry.file)).toEqual(['/srv', '/backup']);
		expect(problems).toEqual([expect.stringMatching(/^line 2: ignored 1 extra field/)]);
	});

	it('treats indented comments and whitespace-only lines as nothing', () => {
		expect(parseFstab('   # indented comment\n \t \n')).toEqual({entries: [], problems: []});
	});

	it('accepts CRLF line endings', () => {
		const {entries} = parseFstab('/dev/vdb /srv ext4 defaults 0 2\r\n/dev/vdc /backup xfs noatime 0 0\r\n');
		expect(entries.map(entry => [entry.file, entry.passno])).toEqual([
			['/srv', 2],
			['/backup', 0],
		]);
	});
});
