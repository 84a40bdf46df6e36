import {describe, expect, it} from 'vitest';
import {defaultOpenrcPath, resolveGlanceAccess, type AccessInput, type AccessProblem, type FoundFile} from '../../source/model/openstack/access.js';
import {configSearchPaths, type ConfigFile} from '../../source/model/openstack/clouds.js';
import {normalizeAuthUrl, normalizeInterface, type GlanceAccess} from '../../source/model/openstack/credentials.js';
import {parseOpenrc} from '../../source/model/openstack/openrc.js';
import {redact} from '../../source/model/openstack/redact.js';
import {ok, type Result} from '../../source/model/result.js';

const adminPassword = 'Zq8#kolla$Adm1n"pw';
const appSecret = 'appcred-S3cret-value-9f8e7d';

// Rendered the way kolla-ansible's admin-openrc.sh.j2 writes it (comment, unset loop, single quotes).
const kollaOpenrc = `# Ansible managed

# Clear any old environment that may conflict.
for key in $( set | awk '{FS="="}  /^OS_/ {print $1}' ); do unset $key ; done
export OS_PROJECT_DOMAIN_NAME='Default'
export OS_USER_DOMAIN_NAME='Default'
export OS_PROJECT_NAME='admin'
export OS_TENANT_NAME='admin'
export OS_USERNAME='admin'
export OS_PASSWORD='${adminPassword}'
export OS_AUTH_URL='http://10.0.0.10:5000'
export OS_INTERFACE='internal'
export OS_ENDPOINT_TYPE='internalURL'
export OS_IDENTITY_API_VERSION='3'
export OS_REGION_NAME='RegionOne'
export OS_AUTH_PLUGIN='password'
export OS_CACERT='/etc/kolla/certificates/ca/root.crt'
`;

type Resolution = Result<GlanceAccess, AccessProblem>;

/** The files on a pretend disk, found the way the world finds them: the openrc at its path, the first clouds.yaml and secure.yaml. */
function resolve(input: Partial<AccessInput> & {disk?: Record<string, string>}): Resolution {
	const {disk = {}, ...rest} = input;
	const where = {env: {}, homeDir: '/home/op', cwd: '/work', ...rest};
	const first = (kind: 'clouds' | 'secure'): FoundFile<ConfigFile> => {
		const found = configSearchPaths(kind, where.env, where.homeDir, where.cwd).find(path => disk[path] !== undefined);
		return found ? ok({path: found, text: disk[found]!}) : null;
	};
	const openrc = disk[where.openrcPath ?? defaultOpenrcPath];
	return resolveGlanceAccess({openrc: openrc === undefined ? null : ok(openrc), clouds: first('clouds'), secure: first('secure'), ...where});
}

function accessOf(result: Resolution): GlanceAccess {
	if (!result.ok) throw new Error(`expected access, got ${result.problem.reason} — ${result.problem.hint}`);
	return result.value;
}

function keystone(result: Resolution) {
	const access = accessOf(result);
	if (access.kind !== 'keystone') throw new Error(`expected keystone access, got ${access.kind}`);
	return access;
}

/** Everything a user may see from a resolution: source, reason, hint. */
function visibleText(result: Resolution): string {
	return result.ok ? result.value.source : `${result.problem.reason}\n${result.problem.hint}`;
}

/** The reason a resolution failed, or null when it did not. */
function reasonOf(result: Resolution): string | null {
	return result.ok ? null : result.problem.reason;
}

/** What kolla's admin-openrc.sh and the equivalent clouds.yaml entry both resolve to. */
const kollaAdminCredentials = {
	authUrl: 'http://10.0.0.10:5000/v3',
	method: {kind: 'password', username: 'admin', password: adminPassword, userDomainName: 'Default'},
	scope: {projectName: 'admin', projectDomainName: 'Default'},
	interface: 'internal',
	region: 'RegionOne',
	cacert: '/etc/kolla/certificates/ca/root.crt',
	insecure: false,
};

describe('openrc parsing (kolla admin-openrc.sh)', () => {
	it('reads export lines with quotes and ignores the unset loop and comments', () => {
		const parsed = parseOpenrc(kollaOpenrc);
		expect(parsed.variables['OS_PASSWORD']).toBe(adminPassword);
		expect(parsed.variables['OS_AUTH_URL']).toBe('http://10.0.0.10:5000');
		expect(parsed.variables['OS_ENDPOINT_TYPE']).toBe('internalURL');
		expect(Object.keys(parsed.variables).every(key => key.startsWith('OS_'))).toBe(true);
		expect(parsed.computed).toEqual([]);
	});

	it('handles double quotes with escapes, bare values with comments, and $VAR from earlier lines', () => {
		const parsed = parseOpenrc(['OS_A="a \\"quoted\\" \\$dollar"', 'export OS_B=bare # trailing comment', 'export OS_C="${OS_B}-x"', "export OS_D='lit'\"eral\""].join('\n'));
		expect(parsed.variables).toEqual({OS_A: 'a "quoted" $dollar', OS_B: 'bare', OS_C: 'bare-x', OS_D: 'literal'});
	});

	it('never runs command substitutions: a computed password is reported, not guessed', () => {
		const text = kollaOpenrc.replace(/^export OS_PASSWORD=.*$/m, 'export OS_PASSWORD=$(cat /etc/kolla/secret)');
		expect(parseOpenrc(text).computed).toEqual(['OS_PASSWORD']);
		const result = resolve({disk: {'/etc/kolla/admin-openrc.sh': text}});
		expect(result.ok).toBe(false);
		expect(reasonOf(result)).toContain('OS_PASSWORD is computed by a shell command');
	});

	it('turns kolla admin-openrc.sh into scoped password credentials with /v3 appended', () => {
		const access = keystone(resolve({disk: {'/etc/kolla/admin-openrc.sh': kollaOpenrc}}));
		expect(access.credentials).toEqual(kollaAdminCredentials);
		expect(access.source).toBe('openrc /etc/kolla/admin-openrc.sh (user admin, project admin)');
	});

	it('reads an openrc at another path when asked, and says when it cannot', () => {
		const access = keystone(resolve({openrcPath: '/root/openrc', disk: {'/root/openrc': kollaOpenrc}}));
		expect(access.source).toMatch(/^openrc \/root\/openrc /);
		const missing = resolve({openrcPath: '/root/nope'});
		expect(reasonOf(missing)).toBe('openrc /root/nope cannot be read (missing, or not readable by this user)');
	});
});

describe('auth URL and interface normalization', () => {
	it('appends /v3 to an unversioned URL and keeps or fixes versioned ones', () => {
		expect(normalizeAuthUrl('http://10.0.0.10:5000')).toBe('http://10.0.0.10:5000/v3');
		expect(normalizeAuthUrl('http://10.0.0.10:5000/')).toBe('http://10.0.0.10:5000/v3');
		expect(normalizeAuthUrl('https://keystone.example:5000/v3/')).toBe('https://keystone.example:5000/v3');
		expect(normalizeAuthUrl('http://cloud.example/identity')).toBe('http://cloud.example/identity/v3');
		expect(normalizeAuthUrl('http://10.0.0.10:5000/v2.0')).toBe('http://10.0.0.10:5000/v3');
		expect(normalizeAuthUrl('10.0.0.10:5000')).toBeNull();
		expect(normalizeAuthUrl('not a url')).toBeNull();
	});

	it('accepts interface names in both styles', () => {
		expect(normalizeInterface('internalURL')).toBe('internal');
		expect(normalizeInterface('publicURL')).toBe('public');
		expect(normalizeInterface('Admin')).toBe('admin');
		expect(normalizeInterface('private')).toBeNull();
	});

	it('takes OS_ENDPOINT_TYPE when OS_INTERFACE is absent, defaults to public, and refuses nonsense', () => {
		const base = {OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'u', OS_PASSWORD: 'p'};
		expect(keystone(resolve({env: {...base, OS_ENDPOINT_TYPE: 'internalURL'}})).credentials.interface).toBe('internal');
		expect(keystone(resolve({env: {...base, OS_INTERFACE: 'admin', OS_ENDPOINT_TYPE: 'internalURL'}})).credentials.interface).toBe('admin');
		expect(keystone(resolve({env: base})).credentials.interface).toBe('public');
		const bad = resolve({env: {...base, OS_INTERFACE: 'private'}});
		expect(reasonOf(bad)).toBe('environment OS_*: OS_INTERFACE=private is not public, internal or admin');
	});
});

describe('environment OS_* variables', () => {
	it('uses an application credential by id, without a scope (Keystone would refuse one)', () => {
		const access = keystone(
			resolve({
				env: {
					OS_AUTH_TYPE: 'v3applicationcredential',
					OS_AUTH_URL: 'http://10.0.0.10:5000/v3/',
					OS_APPLICATION_CREDENTIAL_ID: '3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b',
					OS_APPLICATION_CREDENTIAL_SECRET: appSecret,
					OS_PROJECT_NAME: 'ignored',
					OS_INTERFACE: 'internal',
				},
			}),
		);
		expect(access.credentials.method).toEqual({kind: 'application-credential', id: '3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b', secret: appSecret});
		expect(access.credentials.scope).toEqual({});
		expect(access.credentials.authUrl).toBe('http://10.0.0.10:5000/v3');
		expect(access.source).toBe('environment OS_* (application credential 3f2a9c0e…)');
	});

	it('uses an application credential by name with its user', () => {
		const access = keystone(
			resolve({env: {OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: 'http://k:5000', OS_APPLICATION_CREDENTIAL_NAME: 'inspector', OS_APPLICATION_CREDENTIAL_SECRET: appSecret, OS_USERNAME: 'ops', OS_USER_DOMAIN_NAME: 'Ops'}}),
		);
		expect(access.credentials.method).toEqual({kind: 'application-credential', name: 'inspector', secret: appSecret, username: 'ops', userDomainName: 'Ops'});
		const nameless = resolve({env: {OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: 'http://k:5000', OS_APPLICATION_CREDENTIAL_NAME: 'inspector', OS_APPLICATION_CREDENTIAL_SECRET: appSecret}});
		expect(reasonOf(nameless)).toContain('needs its user');
	});

	it('uses OS_TOKEN with OS_AUTH_URL as token authentication', () => {
		const access = keystone(resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_TOKEN: 'gAAAAAtoken', OS_PROJECT_ID: 'p1'}}));
		expect(access.credentials.method).toEqual({kind: 'token', token: 'gAAAAAtoken'});
		expect(access.credentials.scope).toEqual({projectId: 'p1'});
		expect(access.source).toBe('environment OS_* (token, project p1)');
	});

	it('puts users and projects in the default domain when no domain is given, like openstackclient', () => {
		const access = keystone(resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'admin', OS_PASSWORD: 'x', OS_PROJECT_NAME: 'admin'}}));
		expect(access.credentials.method).toMatchObject({userDomainId: 'default'});
		expect(access.credentials.scope).toEqual({projectName: 'admin', projectDomainId: 'default'});
	});

	it('says which variable is missing', () => {
		const noPassword = resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'admin'}});
		expect(reasonOf(noPassword)).toBe('environment OS_*: OS_PASSWORD is not set');
		const noSecret = resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'x'}});
		expect(reasonOf(noSecret)).toBe('environment OS_*: OS_APPLICATION_CREDENTIAL_SECRET is not set');
		const badType = resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_AUTH_TYPE: 'v3oidcpassword'}});
		expect(reasonOf(badType)).toContain('OS_AUTH_TYPE=v3oidcpassword is not supported');
		const badUrl = resolve({env: {OS_AUTH_URL: 'keystone:5000', OS_USERNAME: 'u', OS_PASSWORD: 'p'}});
		expect(reasonOf(badUrl)).toContain('is not an http(s) URL');
	});

	it('honours OS_INSECURE and OS_CACERT', () => {
		const access = keystone(resolve({env: {OS_AUTH_URL: 'https://k:5000', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_INSECURE: 'true', OS_CACERT: '/ca.pem'}}));
		expect(access.credentials).toMatchObject({insecure: true, cacert: '/ca.pem'});
	});
});

const cloudsYaml = `clouds:
  kolla-admin:
    auth:
      auth_url: http://10.0.0.10:5000
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    identity_api_version: 3
    cacert: /etc/kolla/certificates/ca/root.crt
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example:5000/v3
      application_credential_id: 0123456789abcdef
    verify: false
`;

const secureYaml = `clouds:
  kolla-admin:
    auth:
      password: '${adminPassword}'
  appcred:
    auth:
      application_credential_secret: ${appSecret}
`;

describe('clouds.yaml and secure.yaml', () => {
	it('merges the password from secure.yaml into the named cloud', () => {
		const result = resolve({env: {OS_CLOUD: 'kolla-admin'}, disk: {'/etc/openstack/clouds.yaml': cloudsYaml, '/etc/openstack/secure.yaml': secureYaml}});
		const access = keystone(result);
		expect(access.credentials).toEqual(kollaAdminCredentials);
		expect(access.source).toBe('clouds.yaml /etc/openstack/clouds.yaml [kolla-admin] (user admin, project admin)');
	});

	it('reads an application credential cloud with verify: false', () => {
		const access = keystone(resolve({osCloud: 'appcred', disk: {'/home/op/.config/openstack/clouds.yaml': cloudsYaml, '/home/op/.config/openstack/secure.yaml': secureYaml}}));
		expect(access.credentials.method).toEqual({kind: 'application-credential', id: '0123456789abcdef', secret: appSecret});
		expect(access.credentials.insecure).toBe(true);
		expect(access.credentials.interface).toBe('public');
	});

	it('searches $OS_CLIENT_CONFIG_FILE, then ./clouds.yaml, then ~/.config/openstack, then /etc/openstack', () => {
		const yaml = (paths: string[]) => paths.filter(each => /\.(yaml|yml)$/.test(each));
		expect(yaml(configSearchPaths('clouds', {OS_CLIENT_CONFIG_FILE: '/x/my.yaml'}, '/home/op', '/work'))).toEqual([
			'/x/my.yaml',
			'/work/clouds.yaml',
			'/work/clouds.yml',
			'/home/op/.config/openstack/clouds.yaml',
			'/home/op/.config/openstack/clouds.yml',
			'/etc/openstack/clouds.yaml',
			'/etc/openstack/clouds.yml',
		]);
		expect(configSearchPaths('secure', {OS_CLIENT_SECURE_FILE: '/x/secure.yaml'}, '/home/op', '/work')[0]).toBe('/x/secure.yaml');
		expect(configSearchPaths('clouds', {}, '/home/op', '/work')).toContain('/etc/openstack/clouds.json');
	});

	it('names the clouds it has when OS_CLOUD names a missing entry', () => {
		const result = resolve({env: {OS_CLOUD: 'prod'}, disk: {'/etc/openstack/clouds.yaml': cloudsYaml}});
		expect(result).toEqual({ok: false, problem: {reason: 'clouds.yaml /etc/openstack/clouds.yaml has no cloud named "prod"', hint: 'It has: kolla-admin, appcred — set OS_CLOUD (or --os-cloud) to one of them', credentialsGiven: true}});
	});

	it('says where it looked when there is no clouds.yaml at all', () => {
		const result = resolve({env: {OS_CLOUD: 'prod'}});
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.problem.reason).toBe('OS_CLOUD=prod but no clouds.yaml was found');
			expect(result.problem.hint).toContain('/home/op/.config/openstack/clouds.yaml');
			expect(result.problem.hint).toContain('/etc/openstack/clouds.yaml');
		}
	});

	it('reports a broken clouds.yaml and a cloud without a password', () => {
		const broken = resolve({env: {OS_CLOUD: 'x'}, disk: {'/etc/openstack/clouds.yaml': 'clouds: [\n'}});
		expect(reasonOf(broken)).toMatch(/^\/etc\/openstack\/clouds.yaml is not valid YAML/);
		const noPassword = resolve({env: {OS_CLOUD: 'kolla-admin'}, disk: {'/etc/openstack/clouds.yaml': cloudsYaml}});
		expect(reasonOf(noPassword)).toBe('clouds.yaml /etc/openstack/clouds.yaml [kolla-admin]: auth.password is not set');
	});
});

describe('--glance-url', () => {
	it('goes straight to Glance, with OS_TOKEN when set and no token otherwise', () => {
		const withToken = accessOf(resolve({glanceUrl: 'http://127.0.0.1:9292/', env: {OS_TOKEN: 'gAAAAAsecret-token'}}));
		expect(withToken).toMatchObject({kind: 'endpoint', url: 'http://127.0.0.1:9292', token: 'gAAAAAsecret-token', source: '--glance-url http://127.0.0.1:9292 (token from OS_TOKEN)'});
		const bare = accessOf(resolve({glanceUrl: 'http://127.0.0.1:9292'}));
		expect(bare).toMatchObject({kind: 'endpoint', token: null, source: '--glance-url http://127.0.0.1:9292 (no token)'});
		const legacy = accessOf(resolve({glanceUrl: 'http://g:9292', env: {OS_AUTH_TOKEN: 't'}}));
		expect(legacy.source).toContain('token from OS_AUTH_TOKEN');
		expect(resolve({glanceUrl: 'g:9292'}).ok).toBe(false);
	});
});

describe('precedence: --glance-url > OS_CLOUD > OS_* > openrc > not configured', () => {
	const everything = {
		'/etc/openstack/clouds.yaml': cloudsYaml,
		'/etc/openstack/secure.yaml': secureYaml,
		'/etc/kolla/admin-openrc.sh': kollaOpenrc,
	};
	const env = {OS_CLOUD: 'kolla-admin', OS_AUTH_URL: 'http://env:5000', OS_USERNAME: 'envuser', OS_PASSWORD: 'envpass'};

	it('walks down the list as each source is removed', () => {
		expect(accessOf(resolve({glanceUrl: 'http://g:9292', env, disk: everything})).kind).toBe('endpoint');
		expect(accessOf(resolve({env, disk: everything})).source).toMatch(/^clouds.yaml /);
		expect(accessOf(resolve({env: {...env, OS_CLOUD: undefined}, disk: everything})).source).toBe('environment OS_* (user envuser)');
		expect(accessOf(resolve({disk: everything})).source).toMatch(/^openrc \/etc\/kolla\/admin-openrc.sh /);
		const none = resolve({});
		expect(none.ok).toBe(false);
		if (!none.ok) {
			expect(none.problem.reason).toContain('not configured');
			for (const option of ['--glance-url', 'OS_CLOUD', 'OS_AUTH_URL', '--openrc', '/etc/kolla/admin-openrc.sh']) expect(none.problem.hint).toContain(option);
		}
	});

	it('lets --os-cloud beat OS_CLOUD', () => {
		expect(accessOf(resolve({osCloud: 'appcred', env, disk: everything})).source).toMatch(/\[appcred\]/);
	});
});

describe('secrets stay out of what is shown', () => {
	it('never puts a password, secret or token into source, reason or hint', () => {
		const cases: Resolution[] = [
			resolve({disk: {'/etc/kolla/admin-openrc.sh': kollaOpenrc}}),
			resolve({env: {OS_CLOUD: 'kolla-admin'}, disk: {'/etc/openstack/clouds.yaml': cloudsYaml, '/etc/openstack/secure.yaml': secureYaml}}),
			resolve({env: {OS_CLOUD: 'appcred'}, disk: {'/etc/openstack/clouds.yaml': cloudsYaml, '/etc/openstack/secure.yaml': secureYaml}}),
			resolve({env: {OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: 'http://k:5000', OS_APPLICATION_CREDENTIAL_ID: 'id', OS_APPLICATION_CREDENTIAL_SECRET: appSecret}}),
			resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_PASSWORD: adminPassword}}),
			resolve({env: {OS_AUTH_URL: 'http://k:5000', OS_PASSWORD: adminPassword, OS_USERNAME: 'u', OS_INTERFACE: 'bogus'}}),
			resolve({glanceUrl: 'http://g:9292', env: {OS_TOKEN: appSecret}}),
		];
		expect(cases.filter(result => result.ok)).toHaveLength(5);
		for (const result of cases) {
			const shown = visibleText(result);
			expect(shown).not.toContain(adminPassword);
			expect(shown).not.toContain(appSecret);
		}
	});

	it('redact replaces secrets, including JSON- and URL-escaped forms', () => {
		const text = `{"error": {"message": "bad password ${JSON.stringify(adminPassword).slice(1, -1)} for admin"}} url=?p=${encodeURIComponent(adminPassword)} raw ${adminPassword}`;
		const clean = redact(text, [adminPassword, '']);
		expect(clean).not.toContain(adminPassword);
		expect(clean).not.toContain(encodeURIComponent(adminPassword));
		expect(clean).not.toContain(JSON.stringify(adminPassword).slice(1, -1));
		expect(clean).toBe('{"error": {"message": "bad password *** for admin"}} url=?p=*** raw ***');
	});
});

describe('credentials named but unusable, or none at all', () => {
	const given = (result: Resolution) => (result.ok ? null : result.problem.credentialsGiven);

	it('nothing named anywhere is "not configured", not a failure of what was asked for', () => {
		expect(given(resolve({}))).toBe(false);
		// The default openrc, there but not for this user, is as good as absent.
		const denied = resolve({openrc: {ok: false, problem: {reason: 'the openrc file /etc/kolla/admin-openrc.sh: EACCES', errno: 'EACCES'}}});
		expect(given(denied)).toBe(false);
	});

	it('a named source that cannot be used says so, with its reason', () => {
		const cases: Array<[Resolution, RegExp]> = [
			[resolve({openrcPath: '/root/nope.sh'}), /^openrc \/root\/nope.sh cannot be read/],
			[resolve({glanceUrl: 'ftp://g'}), /is not an http\(s\) URL/],
			[resolve({env: {OS_CLOUD: 'prod'}}), /OS_CLOUD=prod but no clouds.yaml was found/],
			[resolve({env: {OS_CLOUD: 'x'}, disk: {'/etc/openstack/clouds.yaml': 'clouds: [\n'}}), /is not valid YAML/],
			[resolve({openrcPath: '/r.sh', disk: {'/r.sh': "export OS_AUTH_URL=http://k:5000\nexport OS_USERNAME=admin\nexport OS_PASSWORD=$(cat /root/pw)\n"}}), /OS_PASSWORD is computed by a shell command/],
			[resolve({env: {OS_AUTH_URL: 'http://k:5000'}}), /no user name/],
		];
		for (const [result, reason] of cases) {
			expect(given(result)).toBe(true);
			expect(result.ok ? null : result.problem.reason).toMatch(reason);
		}
	});

	it('the default openrc that is there but is no file (a device, a FIFO) was meant to be used', () => {
		const device = resolve({openrc: {ok: false, problem: {reason: 'the openrc file /etc/kolla/admin-openrc.sh is a character device, not a regular file: not read', errno: 'EINVAL'}}});
		expect(device).toMatchObject({ok: false, problem: {credentialsGiven: true, reason: expect.stringContaining('is a character device')}});
	});

	it('a clouds.yaml that is there but cannot be read is the problem when OS_CLOUD names a cloud, and nothing when it does not', () => {
		const unreadable = {ok: false as const, problem: {reason: 'clouds.yaml /etc/openstack/clouds.yaml is a FIFO, not a regular file: not read', errno: 'EINVAL'}};
		const named = resolveGlanceAccess({env: {OS_CLOUD: 'kolla'}, homeDir: '/root', openrc: null, clouds: unreadable, secure: null});
		expect(named).toMatchObject({ok: false, problem: {credentialsGiven: true, reason: unreadable.problem.reason}});
		const unnamed = resolveGlanceAccess({env: {}, homeDir: '/root', openrc: null, clouds: unreadable, secure: null});
		expect(given(unnamed)).toBe(false);
	});
});
