// Text from outside (an image name any user chose, a bind source, a mount path) never reaches the terminal raw,
// and the container panel says what the findings say.
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {deriveFindings} from '../../source/model/findings.js';
import {buildInventory} from '../../source/model/inventory.js';
import type {ContainerProbe, DatadirFile, DatadirProbe, GlanceListing, MountEntry, PathHealth, Snapshot} from '../../source/model/types.js';
import {ContainerPanel} from '../../source/ui/components/container-panel.js';
import {FindingsPanel} from '../../source/ui/components/findings-panel.js';
import {ImageDetail} from '../../source/ui/components/image-detail.js';
import {ImagesTable} from '../../source/ui/components/images-view.js';
import {initialImagesState} from '../../source/ui/images-state.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';
import {plain} from './render-app.js';

const hostileName = 'ubuntu\u001b[31mRED\u001b]0;pwned\u0007';
const visibleName = 'ubuntu\\x1b[31mRED\\x1b]0;pwned\\x07';
const hostileId = imageUuid(1);

/** Every escape in the frame is one of Ink's own colour codes (SGR), and the name's own never went out raw. */
function expectNoRawEscapes(frame: string): void {
	expect(frame).not.toContain('\u001b[31mRED');
	expect(frame).not.toContain('\u001b]');
	expect(frame).not.toContain('\u0007');
	// eslint-disable-next-line no-control-regex
	expect(plain(frame)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
}

function hostileInventory() {
	// The image is active, its file is missing: the name shows in the table, the detail and a finding's example.
	const glance: GlanceListing = {at: 0, state: 'ok', images: [glanceImage({id: hostileId, name: hostileName, owner: 'own\u001b[2Jer'})], endpoint: 'http://127.0.0.1:9292', authSource: 'test', pages: 1, tookMs: 1};
	const files: DatadirFile[] = [];
	return {glance, files: {at: 0, state: 'ok' as const, directory: '/srv/glance/images', files, tookMs: 1}};
}

describe('nothing from outside reaches the terminal raw', () => {
	const {glance, files} = hostileInventory();
	const inventory = buildInventory(glance, files, new Map());

	it('shows an image name with escape sequences visibly in the table, which keeps its columns', () => {
		const {lastFrame} = render(<ImagesTable inventory={inventory} rows={inventory.rows} state={initialImagesState} outcomes={new Map()} queued={[]} width={120} height={12} />);
		const frame = lastFrame() ?? '';
		expectNoRawEscapes(frame);
		const row = plain(frame).split('\n').find(line => line.includes('missing-file ') && line.includes('ubuntu'));
		expect(row).toContain('ubuntu\\x1b[31mRED');
		// The columns after the name stay where they belong: the id's head is in its column.
		expect(row).toContain(hostileId.slice(0, 8));
	});

	it('shows it visibly in the image detail, its title and the owner', () => {
		const {lastFrame} = render(<ImageDetail row={inventory.rows[0]!} outcome={undefined} queued={false} paths={{datadir: '/srv/glance/images', containerDatadir: '/var/lib/glance/images'}} scroll={0} width={100} height={30} />);
		const frame = lastFrame() ?? '';
		expectNoRawEscapes(frame);
		expect(plain(frame)).toContain(`Image ${visibleName}`);
		expect(plain(frame)).toContain('own\\x1b[2Jer');
	});

	it('shows it visibly in the findings', () => {
		const snapshot: Snapshot = {datadir: null, container: null, host: null, history: [], lastEvent: null, glance, files};
		const findings = deriveFindings(snapshot, {warnPercent: 80, critPercent: 90, container: 'glance_api', now: 0});
		expect(findings.map(finding => finding.id)).toContain('image-missing-file');
		const {lastFrame} = render(<FindingsPanel findings={findings} scroll={0} focused width={100} height={20} ready />);
		const frame = lastFrame() ?? '';
		expectNoRawEscapes(frame);
		expect(plain(frame)).toContain(visibleName);
	});
});

describe('the container panel follows the findings', () => {
	const share: MountEntry = {mountId: 812, parentId: 27, majorMinor: '0:52', root: '/', mountPoint: '/srv/glance', mountOptions: ['rw'], optionalFields: [], fsType: 'fuse.sshfs', source: 'root@127.0.0.1:/export', superOptions: ['rw']};
	const gone: PathHealth = {state: 'dead', errno: 'ENOTCONN', message: 'Transport endpoint is not connected'};
	const answers: PathHealth = {state: 'responsive', latencyMs: 2, entries: 4, device: '0:52'};
	const datadir: DatadirProbe = {at: 0, datadir: '/srv/glance/images', mount: share, expectedMountpoint: '/srv/glance', expectedFrom: 'fstab', fstab: null, fstabProblem: null, health: answers, verdict: 'responsive', stats: null};
	const container: Extract<ContainerProbe, {state: 'present'}> = {
		at: 0, state: 'present', name: 'glance_api', id: 'c0ffee', image: 'kolla/glance-api', status: 'running', running: true, health: 'healthy', healthOutput: null,
		startedAt: null, finishedAt: null, exitCode: null, restartCount: 0, restartPolicy: 'unless-stopped', pid: 42, mounts: [], glanceSource: '/srv/glance',
		view: {state: 'same', mount: {...share, mountPoint: '/var/lib/glance'}, health: answers},
	};
	const panel = (probe: ContainerProbe, host: DatadirProbe) => plain(render(<ContainerPanel probe={probe} datadir={host} containerDatadir="/var/lib/glance/images" focused={false} width={80} />).lastFrame() ?? '');

	it('calls a share that died on both sides down, not "HEALTHY … same mount ✔", while the finding says dead', () => {
		const droppedHost: DatadirProbe = {...datadir, health: gone, verdict: 'dead'};
		const dropped = {...container, view: {...container.view, health: gone}};
		const findings = deriveFindings({datadir: droppedHost, container: dropped, host: null, history: [], lastEvent: null, glance: null, files: null}, {warnPercent: 80, critPercent: 90, container: 'glance_api', now: 0});
		expect(findings[0]?.id).toBe('mount-dead');
		const frame = panel(dropped, droppedHost);
		expect(frame).not.toContain('HEALTHY');
		expect(frame).not.toContain('✔');
		expect(frame).toContain('SHARE DOWN');
		expect(frame).toContain('ENOTCONN');
		expect(panel(container, datadir)).toContain('same mount as the host (dev 0:52) ✔');
	});

	it('says the container keeps its images elsewhere when --datadir is not its directory', () => {
		const frame = panel(container, {...datadir, datadir: '/var/tmp/images'});
		expect(frame).toContain('OTHER DATADIR');
		expect(frame).toContain('--datadir /srv/glance/images');
		expect(frame).not.toContain('✔');
	});
});
