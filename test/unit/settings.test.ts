import {describe, expect, it} from 'vitest';
import {resolveSettings, settingRows, type GlobalsInput, type Settings} from '../../source/settings.js';

const noGlobals: GlobalsInput = {path: '/etc/kolla/globals.yml', text: null, readError: null};

function globals(text: string): GlobalsInput {
	return {path: '/etc/kolla/globals.yml', text, readError: null};
}

function resolved(input: Parameters<typeof resolveSettings>[0]): Settings {
	const result = resolveSettings(input);
	if (!result.ok) throw new Error(`expected settings, got the problem: ${result.problem.reason}`);
	return result.value;
}

function problemOf(input: Parameters<typeof resolveSettings>[0]): string {
	const result = resolveSettings(input);
	if (result.ok) throw new Error('expected a problem, got settings');
	return result.problem.reason;
}

describe('settings: flags > env > globals.yml > container > defaults', () => {
	it('falls back to kolla defaults and says so', () => {
		const settings = resolved({flags: {}, env: {}, globals: noGlobals, containerGlanceSource: null});
		expect(settings.datadir).toEqual({value: '/var/lib/glance/images', source: 'default'});
		expect(settings.container.value).toBe('glance_api');
		expect(settings.refreshSeconds.value).toBe(2);
		expect(settings.probeTimeoutSeconds.value).toBe(3);
		expect(settings.mountpoint.value).toBeNull();
	});

	it('takes glance_file_datadir_volume from globals.yml, as a bind path or a named volume', () => {
		const bind = resolved({flags: {}, env: {}, globals: globals('glance_file_datadir_volume: /mnt/nfs/glance\n'), containerGlanceSource: '/elsewhere'});
		expect(bind.datadir).toMatchObject({value: '/mnt/nfs/glance/images', source: 'globals.yml'});
		const named = resolved({flags: {}, env: {}, globals: globals('glance_file_datadir_volume: glance\n'), containerGlanceSource: null});
		expect(named.datadir.value).toBe('/var/lib/docker/volumes/glance/_data/images');
		expect(named.datadir.detail).toContain('docker volume');
	});

	it('uses the container bind source when globals.yml says nothing', () => {
		const settings = resolved({flags: {}, env: {}, globals: globals('kolla_base_distro: ubuntu\n'), containerGlanceSource: '/srv/glance'});
		expect(settings.datadir).toMatchObject({value: '/srv/glance/images', source: 'container'});
	});

	it('lets env beat globals.yml and flags beat env', () => {
		const fromEnv = resolved({flags: {}, env: {GLANCE_INSPECTOR_DATADIR: '/env/images'}, globals: globals('glance_file_datadir_volume: /g\n'), containerGlanceSource: null});
		expect(fromEnv.datadir).toMatchObject({value: '/env/images', source: 'env'});
		const fromFlag = resolved({flags: {datadir: '/flag/images/'}, env: {GLANCE_INSPECTOR_DATADIR: '/env/images'}, globals: noGlobals, containerGlanceSource: null});
		expect(fromFlag.datadir).toMatchObject({value: '/flag/images', source: 'flag'});
	});

	it('reports a malformed globals.yml as a problem and keeps going', () => {
		const settings = resolved({flags: {}, env: {}, globals: globals('glance_file_datadir_volume: "/mnt/x\n  bad: [\n'), containerGlanceSource: null});
		expect(settings.datadir.source).toBe('default');
		expect(settings.problems).toHaveLength(1);
		expect(settings.problems[0]).toContain('/etc/kolla/globals.yml');
	});

	it('refuses a template it cannot resolve instead of guessing a path', () => {
		const settings = resolved({flags: {}, env: {}, globals: globals('glance_file_datadir_volume: "{{ node_config }}/glance"\n'), containerGlanceSource: null});
		expect(settings.datadir.source).toBe('default');
		expect(settings.problems.join()).toContain('--datadir');
	});

	it('rejects nonsense numbers with a message naming the setting', () => {
		expect(problemOf({flags: {refresh: 0}, env: {}, globals: noGlobals, containerGlanceSource: null})).toBe('--refresh must be a positive number of seconds, got 0');
		expect(problemOf({flags: {}, env: {GLANCE_INSPECTOR_PROBE_TIMEOUT: 'soon'}, globals: noGlobals, containerGlanceSource: null})).toBe('GLANCE_INSPECTOR_PROBE_TIMEOUT=soon is not a number');
		// A flag does not hide a broken variable: the operator learns of it before it bites without the flag.
		expect(problemOf({flags: {refresh: 5}, env: {GLANCE_INSPECTOR_REFRESH: '2s'}, globals: noGlobals, containerGlanceSource: null})).toBe('GLANCE_INSPECTOR_REFRESH=2s is not a number');
		expect(problemOf({flags: {warnPercent: 95, critPercent: 90}, env: {}, globals: noGlobals, containerGlanceSource: null})).toBe('thresholds must satisfy 0 < warn < crit <= 100, got warn 95 and crit 90');
	});

	it('reads the docker socket from DOCKER_HOST and lists every setting with its source', () => {
		const settings = resolved({flags: {readOnly: true}, env: {DOCKER_HOST: 'unix:///run/user/docker.sock'}, globals: noGlobals, containerGlanceSource: null});
		const rows = settingRows(settings);
		expect(rows.find(row => row.name === 'docker socket')).toEqual({name: 'docker socket', value: '/run/user/docker.sock', source: 'env: DOCKER_HOST'});
		expect(rows.find(row => row.name === 'read-only')).toEqual({name: 'read-only', value: 'true', source: 'flag'});
		expect(rows.find(row => row.name === 'mountpoint')?.value).toBe('(not set)');
	});
});

describe('the audit log setting', () => {
	const base = {flags: {}, globals: noGlobals, containerGlanceSource: null};
	const root = {uid: 0, home: '/root'};
	const bob = {uid: 1000, home: '/home/bob'};

	it('is the resolved path with why: the system log as root, the state directory otherwise, the variable over both', () => {
		expect(resolved({...base, env: {}, account: root}).auditLog).toEqual({value: '/var/log/glance-inspector/audit.jsonl', source: 'default', detail: 'as root'});
		expect(resolved({...base, env: {XDG_STATE_HOME: '/state/bob'}, account: bob}).auditLog.value).toBe('/state/bob/glance-inspector/audit.jsonl');
		expect(resolved({...base, env: {GLANCE_INSPECTOR_AUDIT_LOG: '/srv/audit.jsonl'}, account: root}).auditLog).toEqual({value: '/srv/audit.jsonl', source: 'env', detail: 'GLANCE_INSPECTOR_AUDIT_LOG'});
		expect(settingRows(resolved({...base, env: {}, account: root})).find(row => row.name === 'audit log')?.value).toBe('/var/log/glance-inspector/audit.jsonl');
	});

	it('in the simulator is its own file, as root too, whatever GLANCE_INSPECTOR_AUDIT_LOG says; only the flag moves it', () => {
		const demo = resolved({...base, env: {GLANCE_INSPECTOR_AUDIT_LOG: '/var/log/glance-inspector/audit.jsonl'}, account: root, demo: true}).auditLog;
		expect(demo).toEqual({value: '/root/.local/state/glance-inspector/demo-audit.jsonl', source: 'default', detail: "the training simulator's own log; GLANCE_INSPECTOR_AUDIT_LOG is for the real log"});
		expect(resolved({...base, flags: {auditLog: '/tmp/practice.jsonl'}, env: {}, account: root, demo: true}).auditLog).toEqual({value: '/tmp/practice.jsonl', source: 'flag'});
	});
});
