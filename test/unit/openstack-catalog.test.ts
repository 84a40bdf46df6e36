import {describe, expect, it} from 'vitest';
import type {Credentials} from '../../source/model/openstack/credentials.js';
import {authRequestBody, parseCatalog, selectEndpoint} from '../../source/model/openstack/keystone.js';

// The `catalog` of a Keystone v3 token body on a two-region kolla deployment (internal VIP, public FQDN).
const tokenCatalog = [
	{
		endpoints: [
			{id: 'e1', interface: 'public', region_id: 'RegionOne', url: 'https://cloud.example.org:5000', region: 'RegionOne'},
			{id: 'e2', interface: 'internal', region_id: 'RegionOne', url: 'http://10.0.0.10:5000', region: 'RegionOne'},
		],
		id: 's1',
		type: 'identity',
		name: 'keystone',
	},
	{
		endpoints: [
			{id: 'g1', interface: 'public', region_id: 'RegionOne', url: 'https://cloud.example.org:9292', region: 'RegionOne'},
			{id: 'g2', interface: 'internal', region_id: 'RegionOne', url: 'http://10.0.0.10:9292', region: 'RegionOne'},
			{id: 'g3', interface: 'public', region_id: 'RegionTwo', url: 'https://two.example.org:9292', region: 'RegionTwo'},
			{id: 'g4', interface: 'internal', region_id: 'RegionTwo', url: 'http://10.1.0.10:9292', region: 'RegionTwo'},
		],
		id: 's2',
		type: 'image',
		name: 'glance',
	},
	{
		endpoints: [{id: 'n1', interface: 'internal', region_id: 'RegionOne', url: 'http://10.0.0.10:8774/v2.1', region: 'RegionOne'}],
		id: 's3',
		type: 'compute',
		name: 'nova',
	},
	{id: 's4', type: 'placement', name: 'placement', endpoints: 'broken'},
	'not a service',
];

const catalog = parseCatalog(tokenCatalog);

describe('service catalog', () => {
	it('parses services and endpoints and drops malformed entries', () => {
		expect(catalog.map(service => service.type)).toEqual(['identity', 'image', 'compute', 'placement']);
		expect(catalog[1]!.endpoints[1]).toEqual({id: 'g2', interface: 'internal', region: 'RegionOne', url: 'http://10.0.0.10:9292'});
		expect(catalog[3]!.endpoints).toEqual([]);
		expect(parseCatalog(undefined)).toEqual([]);
	});

	it('picks the image endpoint by interface and region', () => {
		expect(selectEndpoint(catalog, {interface: 'internal', region: 'RegionOne'})).toEqual({ok: true, value: {url: 'http://10.0.0.10:9292', region: 'RegionOne'}});
		expect(selectEndpoint(catalog, {interface: 'public', region: 'RegionTwo'})).toEqual({ok: true, value: {url: 'https://two.example.org:9292', region: 'RegionTwo'}});
		expect(selectEndpoint(catalog, {type: 'compute', interface: 'internal', region: null})).toMatchObject({ok: true, value: {url: 'http://10.0.0.10:8774/v2.1'}});
	});

	it('takes the first matching region when none is asked for', () => {
		expect(selectEndpoint(catalog, {interface: 'internal', region: null})).toMatchObject({ok: true, value: {url: 'http://10.0.0.10:9292'}});
	});

	it('explains a missing interface and names what the catalog has', () => {
		const choice = selectEndpoint(catalog, {interface: 'admin', region: 'RegionOne'});
		expect(choice).toEqual({
			ok: false,
			problem: {
				reason: 'the Keystone catalog has no admin image endpoint in region RegionOne (it has: public RegionOne, internal RegionOne, public RegionTwo, internal RegionTwo)',
				hint: 'Set OS_INTERFACE to one the catalog has (public, internal), or pass --glance-url',
			},
		});
	});

	it('suggests the region when only the region is wrong', () => {
		const choice = selectEndpoint(catalog, {interface: 'internal', region: 'RegionThree'});
		expect(choice.ok).toBe(false);
		if (!choice.ok) expect(choice.problem.hint).toBe('Set OS_REGION_NAME to RegionOne');
	});

	it('explains a catalog without an image service, and an unscoped token without a catalog', () => {
		const noGlance = selectEndpoint(catalog.filter(service => service.type !== 'image'), {interface: 'internal', region: null});
		expect(noGlance).toMatchObject({ok: false, problem: {reason: 'the Keystone catalog has no image service (it has: compute, identity, placement)'}});
		if (!noGlance.ok) expect(noGlance.problem.hint).toContain('openstack service create image');
		const unscoped = selectEndpoint([], {interface: 'public', region: null});
		expect(unscoped).toMatchObject({ok: false, problem: {reason: 'the token carries no service catalog, so no image endpoint'}});
		if (!unscoped.ok) expect(unscoped.problem.hint).toContain('OS_PROJECT_NAME');
	});
});

describe('POST /v3/auth/tokens body', () => {
	const base: Omit<Credentials, 'method' | 'scope'> = {authUrl: 'http://k:5000/v3', interface: 'internal', region: null, cacert: null, insecure: false};

	it('sends a password with the user domain and a project scope', () => {
		expect(authRequestBody({...base, method: {kind: 'password', username: 'admin', password: 'pw', userDomainName: 'Default'}, scope: {projectName: 'admin', projectDomainName: 'Default'}})).toEqual({
			auth: {
				identity: {methods: ['password'], password: {user: {name: 'admin', domain: {name: 'Default'}, password: 'pw'}}},
				scope: {project: {name: 'admin', domain: {name: 'Default'}}},
			},
		});
	});

	it('sends an application credential by id without a scope, and by name with its user', () => {
		expect(authRequestBody({...base, method: {kind: 'application-credential', id: 'ac1', secret: 's'}, scope: {}})).toEqual({
			auth: {identity: {methods: ['application_credential'], application_credential: {id: 'ac1', secret: 's'}}},
		});
		expect(authRequestBody({...base, method: {kind: 'application-credential', name: 'inspector', secret: 's', username: 'ops', userDomainId: 'default'}, scope: {}}).auth['identity']).toEqual({
			methods: ['application_credential'],
			application_credential: {name: 'inspector', secret: 's', user: {name: 'ops', domain: {id: 'default'}}},
		});
	});

	it('sends a token with project id, domain or system scope', () => {
		expect(authRequestBody({...base, method: {kind: 'token', token: 't'}, scope: {projectId: 'p1'}})).toEqual({auth: {identity: {methods: ['token'], token: {id: 't'}}, scope: {project: {id: 'p1'}}}});
		expect(authRequestBody({...base, method: {kind: 'token', token: 't'}, scope: {domainName: 'Ops'}}).auth['scope']).toEqual({domain: {name: 'Ops'}});
		expect(authRequestBody({...base, method: {kind: 'token', token: 't'}, scope: {system: 'all'}}).auth['scope']).toEqual({system: {all: true}});
	});
});
