import {describe, expect, it} from 'vitest';
import {hostPathOfDatadirVolume, parseKollaGlobals, type KollaGlobals} from '../../source/model/kolla.js';

// An excerpt of the globals.yml that kolla-ansible ships: settings commented out unless the operator set them.
const shippedGlobals = `---
# You can use this file to override _any_ variable throughout Kolla.
# Additional options can be found in the
# 'kolla-ansible/ansible/group_vars/all.yml' file. Default value of all the
# commented parameters are shown here, To override the default value uncomment
# the parameter and change its value.

###################
# Ansible options
###################

# This variable is used as the "filter" argument for the setup module.  For
# instance, if one wants to remove/ignore all Neutron interface facts:
# kolla_ansible_setup_filter: "ansible_[!qt]*"
# By default, we do not provide a filter.
#kolla_ansible_setup_filter: "{{ omit }}"

###############
# Kolla options
###############
# Valid options are [ COPY_ONCE, COPY_ALWAYS ]
#config_strategy: "COPY_ALWAYS"

# Valid options are ['centos', 'debian', 'rocky', 'ubuntu']
kolla_base_distro: "debian"

# Do not override this unless you know what you are doing.
#openstack_release: "2024.1"

kolla_internal_vip_address: "10.0.0.250"

##############################
# Neutron - Networking Options
##############################
network_interface: "eth0"
neutron_external_interface: "eth1"

###################
# OpenStack options
###################
#enable_glance: "{{ enable_openstack_core | bool }}"

#######################
# Glance - Image Options
#######################
# Configure image backend.
#glance_backend_ceph: "no"
#glance_backend_file: "yes"
#glance_backend_swift: "no"
#glance_backend_vmware: "no"
#enable_glance_image_cache: "no"
`;

function globalsOf(text: string): KollaGlobals {
	const result = parseKollaGlobals(text);
	if (!result.ok) throw new Error(`expected globals.yml to parse: ${result.problem.reason}`);
	return result.value;
}

function problemOf(text: string): string {
	const result = parseKollaGlobals(text);
	if (result.ok) throw new Error('expected globals.yml to be rejected');
	return result.problem.reason;
}

describe('parseKollaGlobals', () => {
	it('leaves every Glance setting unset in the shipped file, where only comments mention them', () => {
		expect(globalsOf(shippedGlobals)).toEqual({
			enableGlance: null,
			glanceBackendFile: null,
			glanceBackendCeph: null,
			glanceDatadirVolume: null,
			dockerRuntimeDirectory: null,
			unresolved: [],
		});
	});

	it('reads a CHI-in-a-box style bind path and the file backend switch', () => {
		const globals = globalsOf(`${shippedGlobals}glance_backend_file: "yes"\nglance_file_datadir_volume: /var/lib/glance\n`);
		expect(globals.glanceDatadirVolume).toBe('/var/lib/glance');
		expect(globals.glanceBackendFile).toBe(true);
		expect(globals.unresolved).toEqual([]);
	});

	it('reads an NFS mount point as the datadir volume', () => {
		const globals = globalsOf('---\nglance_backend_ceph: "no"\nglance_file_datadir_volume: "/mnt/glance-nfs/images"\n');
		expect(globals.glanceDatadirVolume).toBe('/mnt/glance-nfs/images');
		expect(globals.glanceBackendCeph).toBe(false);
	});

	it('reads a named docker volume and a moved docker data root', () => {
		const globals = globalsOf('glance_file_datadir_volume: glance_images\ndocker_runtime_directory: /srv/docker\n');
		expect(globals.glanceDatadirVolume).toBe('glance_images');
		expect(globals.dockerRuntimeDirectory).toBe('/srv/docker');
	});

	it('treats kolla\'s empty docker_runtime_directory default as unset', () => {
		expect(globalsOf('docker_runtime_directory: ""\n').dockerRuntimeDirectory).toBeNull();
	});

	it('reports a Jinja datadir as unresolved instead of treating it as a path', () => {
		const globals = globalsOf('---\nnode_config: /etc/kolla\nglance_file_datadir_volume: "{{ node_config }}/glance"\n');
		expect(globals.glanceDatadirVolume).toBeNull();
		expect(globals.unresolved).toEqual([
			{key: 'glance_file_datadir_volume', value: '{{ node_config }}/glance', reason: expect.stringContaining('Jinja')},
		]);
	});

	it('reads Ansible booleans in their usual spellings, quoted or bare', () => {
		const globals = globalsOf('enable_glance: yes\nglance_backend_file: "True"\nglance_backend_ceph: off\n');
		expect([globals.enableGlance, globals.glanceBackendFile, globals.glanceBackendCeph]).toEqual([true, true, false]);
		const numeric = globalsOf('enable_glance: 1\nglance_backend_file: 0\nglance_backend_ceph: "N"\n');
		expect([numeric.enableGlance, numeric.glanceBackendFile, numeric.glanceBackendCeph]).toEqual([true, false, false]);
	});

	it('reports Jinja and nonsense booleans as unresolved, leaving them null', () => {
		const globals = globalsOf('enable_glance: "{{ enable_openstack_core | bool }}"\nglance_backend_file: "maybe"\nglance_backend_ceph: 2\n');
		expect(globals.enableGlance).toBeNull();
		expect(globals.glanceBackendFile).toBeNull();
		expect(globals.unresolved.map(entry => [entry.key, entry.value])).toEqual([
			['enable_glance', '{{ enable_openstack_core | bool }}'],
			['glance_backend_file', 'maybe'],
			['glance_backend_ceph', '2'],
		]);
		expect(globals.glanceBackendCeph).toBeNull();
	});

	it('reports a datadir volume that is not a string', () => {
		const globals = globalsOf('glance_file_datadir_volume: [/var/lib/glance]\n');
		expect(globals.glanceDatadirVolume).toBeNull();
		expect(globals.unresolved).toEqual([{key: 'glance_file_datadir_volume', value: '["/var/lib/glance"]', reason: 'expected a string'}]);
	});

	it('keeps the last value of a repeated key, as Ansible does', () => {
		expect(globalsOf('glance_backend_file: "yes"\nglance_backend_file: "no"\n').glanceBackendFile).toBe(false);
	});

	it('accepts an empty file: every setting keeps kolla\'s default', () => {
		expect(globalsOf('').glanceDatadirVolume).toBeNull();
		expect(globalsOf('---\n').unresolved).toEqual([]);
	});

	it('names the line and column of bad indentation', () => {
		const problem = problemOf('---\nkolla_base_distro: "debian"\nglance_backend_file: "yes"\n  glance_file_datadir_volume: /var/lib/glance\n');
		expect(problem).toMatch(/^globals\.yml is not valid YAML: line 4, column \d+: /);
	});

	it('names the line of an unclosed quote', () => {
		const problem = problemOf('---\nglance_file_datadir_volume: "/var/lib/glance\nenable_glance: "yes"\n');
		expect(problem).toMatch(/line 2, column \d+: .*quote/i);
	});

	it('rejects an unquoted Jinja value, which Ansible cannot read either', () => {
		expect(problemOf('glance_file_datadir_volume: {{ node_config }}/glance\n')).toMatch(/line 1, column \d+/);
	});

	it('rejects a top level that is a list or a scalar', () => {
		expect(problemOf('- glance_file_datadir_volume: /var/lib/glance\n- enable_glance: yes\n')).toContain('top level is a list');
		expect(problemOf('glance\n')).toContain('top level is a string');
	});
});

describe('hostPathOfDatadirVolume', () => {
	it('maps kolla\'s default named volume under docker\'s data root', () => {
		expect(hostPathOfDatadirVolume('glance')).toEqual({kind: 'named-volume', hostPath: '/var/lib/docker/volumes/glance/_data'});
	});

	it('follows a moved docker data root', () => {
		expect(hostPathOfDatadirVolume('glance', '/srv/docker')).toEqual({kind: 'named-volume', hostPath: '/srv/docker/volumes/glance/_data'});
	});

	it('takes an absolute path as a bind mount, tidied like a mount point', () => {
		expect(hostPathOfDatadirVolume('/var/lib/glance')).toEqual({kind: 'bind', hostPath: '/var/lib/glance'});
		expect(hostPathOfDatadirVolume('/mnt/glance-nfs//images/')).toEqual({kind: 'bind', hostPath: '/mnt/glance-nfs/images'});
	});
});
