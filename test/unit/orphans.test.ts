import {describe, expect, it} from 'vitest';
import {buildInventory, inventoryFindings} from '../../source/model/inventory.js';
import type {GlanceListing, ListingScope} from '../../source/model/types.js';
import {glanceImage, imageUuid} from '../support/glance-images.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const files = {at: now, state: 'ok' as const, directory: '/var/lib/glance/images', files: [{name: imageUuid(1), size: 1024 ** 3, mtimeMs: now, kind: 'file' as const}, {name: imageUuid(9), size: 4096, mtimeMs: now, kind: 'file' as const}], tookMs: 1};

function listedAs(scope: ListingScope): GlanceListing {
	return {at: now, state: 'ok', images: [glanceImage({id: imageUuid(1)})], endpoint: 'http://glance', authSource: 'openrc', pages: 2, tookMs: 3, listedAs: scope};
}

describe('honest orphans', () => {
	it('a file no image owns is an orphan when the listing had the admin role', () => {
		const inventory = buildInventory(listedAs({roles: ['admin', 'member'], project: 'admin'}), files, new Map());
		expect(inventory.rows.find(row => row.id === imageUuid(9))?.verdict).toBe('orphan-file');
	});

	it('with a member-role user it is unlisted, with the reason, and the finding says why it is no orphan', () => {
		const inventory = buildInventory(listedAs({roles: ['member', 'reader'], project: 'demo'}), files, new Map());
		const row = inventory.rows.find(each => each.id === imageUuid(9));
		expect(row?.verdict).toBe('unlisted');
		expect(row?.note).toContain("these credentials (member, reader in project demo) see only project demo's images and public or shared ones");
		const findings = inventoryFindings(inventory, {now});
		expect(findings.map(finding => finding.id)).toEqual(['unlisted-files']);
		expect(findings[0]?.severity).toBe('info');
		expect(findings[0]?.action).toContain('admin credentials');
	});

	it('a bare token whose roles are unknown claims no orphan either', () => {
		const inventory = buildInventory(listedAs({roles: null, project: null}), files, new Map());
		expect(inventory.rows.find(row => row.id === imageUuid(9))).toMatchObject({verdict: 'unlisted', note: expect.stringContaining('do not say their roles')});
	});
});
