// Every parser of outside input, on arbitrary and adversarial text: no exception escapes, and what does parse
// keeps its invariants. fast-check shrinks any failure to the smallest input that shows it.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {parseFstab} from '../../source/model/fstab.js';
import {parseKollaGlobals} from '../../source/model/kolla.js';
import {escapeMountPath, parseMountinfo} from '../../source/model/mountinfo.js';
import {cloudFields} from '../../source/model/openstack/clouds.js';
import {imageFromJson} from '../../source/model/openstack/glance.js';
import {parseCatalog, selectEndpoint, tokenFromAnswer} from '../../source/model/openstack/keystone.js';
import {fieldsFromVariables, parseOpenrc} from '../../source/model/openstack/openrc.js';
import {readYaml} from '../../source/model/yaml.js';
import {resolveSettings} from '../../source/settings.js';

const runs = {numRuns: 300};

/** Text that looks like the format: its own separators and specials, mixed with anything. */
function textOf(...pieces: string[]): fc.Arbitrary<string> {
	return fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string(), fc.string({unit: 'grapheme'})), {maxLength: 60}).map(parts => parts.join(''));
}

const mountinfoText = textOf(' ', '\n', ' - ', '\\040', '\\', '0:53', '36 25 ', 'shared:1', 'rw,relatime', '/', 'nfs4', 'fuse.sshfs');
const fstabText = textOf(' ', '\t', '\n', '#', 'UUID=', '/srv/glance', 'nfs4', 'defaults,_netdev', '0', '\\040');
const yamlText = textOf(': ', '\n', '  ', '- ', '&a ', '*a', '[', ']', '{', '}', '"', "'", '!!binary ', '<<: *a', 'yes', '{{ x }}', 'glance_file_datadir_volume: ');
const openrcText = textOf('export ', 'OS_PASSWORD=', '=', "'", '"', '$', '$(', '`', '\\', '\n', '${OS_X}', ';', 'unset ');

describe('parsers on arbitrary input', () => {
	it('mountinfo: never throws, and every entry has numbers where the kernel puts them', () => {
		fc.assert(
			fc.property(mountinfoText, text => {
				for (const entry of parseMountinfo(text)) {
					expect(Number.isInteger(entry.mountId)).toBe(true);
					expect(Number.isInteger(entry.parentId)).toBe(true);
				}
			}),
			runs,
		);
	});

	it('mountinfo: a line the kernel would write comes back with the same mount point, whatever characters it holds', () => {
		fc.assert(
			fc.property(fc.string({minLength: 1}).filter(name => !name.includes('\n')), name => {
				const mountPoint = `/srv/${name}`;
				const [entry] = parseMountinfo(`36 25 0:53 / ${escapeMountPath(mountPoint)} rw,relatime shared:1 - nfs4 nfs01:/export rw,vers=4.2\n`);
				expect(entry?.mountPoint).toBe(mountPoint);
			}),
			runs,
		);
	});

	it('fstab: never throws, and line numbers point into the file', () => {
		fc.assert(
			fc.property(fstabText, text => {
				const lines = text.split('\n').length;
				for (const entry of parseFstab(text).entries) {
					expect(entry.line).toBeGreaterThanOrEqual(1);
					expect(entry.line).toBeLessThanOrEqual(lines);
				}
			}),
			runs,
		);
	});

	it('globals.yml and clouds.yaml: never throw; a result or a problem naming the file', () => {
		fc.assert(
			fc.property(yamlText, text => {
				const globals = parseKollaGlobals(text);
				if (!globals.ok) expect(globals.problem.reason).toMatch(/^globals\.yml /);
				const clouds = cloudFields({path: '/etc/openstack/clouds.yaml', text}, {path: '/etc/openstack/secure.yaml', text}, 'kolla');
				if (!clouds.ok) expect(clouds.problem.reason).toContain('clouds.yaml');
				readYaml(text, {what: 'x.yaml', version: '1.1', uniqueKeys: false});
			}),
			runs,
		);
	});

	it('openrc: never throws, never runs anything, and reports every value a shell would have to compute', () => {
		fc.assert(
			fc.property(openrcText, text => {
				const parsed = parseOpenrc(text);
				for (const name of parsed.computed) expect(parsed.variables[name]).toBeUndefined();
				fieldsFromVariables(parsed.variables);
			}),
			runs,
		);
	});

	it('openrc: a single-quoted value comes back exactly, whatever it holds', () => {
		fc.assert(
			fc.property(fc.string().filter(value => !value.includes("'") && !value.includes('\n') && !value.includes('\r')), value => {
				expect(parseOpenrc(`export OS_PASSWORD='${value}'\n`).variables['OS_PASSWORD']).toBe(value);
			}),
			runs,
		);
	});

	it('Glance and Keystone JSON: any JSON value is an image or null, a catalog, a token, an endpoint or a problem', () => {
		fc.assert(
			fc.property(fc.jsonValue(), raw => {
				const image = imageFromJson(raw);
				if (image) expect(typeof image.id).toBe('string');
				const catalog = parseCatalog(raw);
				expect(Array.isArray(catalog)).toBe(true);
				selectEndpoint(catalog, {type: 'image', interface: 'internal', region: null});
				tokenFromAnswer('token', (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Parameters<typeof tokenFromAnswer>[1]);
			}),
			runs,
		);
	});

	it('settings: arbitrary environment values are a Result, never an exception', () => {
		const names = ['GLANCE_INSPECTOR_REFRESH', 'GLANCE_INSPECTOR_PROBE_TIMEOUT', 'GLANCE_INSPECTOR_WARN_PERCENT', 'GLANCE_INSPECTOR_CRIT_PERCENT', 'GLANCE_INSPECTOR_DATADIR', 'GLANCE_INSPECTOR_READ_ONLY', 'DOCKER_HOST', 'KOLLA_GLOBALS'];
		fc.assert(
			fc.property(fc.dictionary(fc.constantFrom(...names), fc.string()), yamlText, (env, globalsText) => {
				const resolved = resolveSettings({flags: {}, env, globals: {path: '/etc/kolla/globals.yml', text: globalsText, readError: null}, containerGlanceSource: null});
				if (!resolved.ok) expect(resolved.problem.reason.length).toBeGreaterThan(0);
			}),
			runs,
		);
	});
});
