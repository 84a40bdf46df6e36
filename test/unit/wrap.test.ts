// The one wrapping helper: what fits where, and that nothing is lost on the way.
import {describe, expect, it} from 'vitest';
import {continuationMark, fitCell, labelledRows, rowText, textWidth, wrapAfter, wrapSpans, wrapText} from '../../source/ui/wrap.js';

const words = (lines: readonly string[]) => lines.join(' ').replace(/\s+/g, ' ').trim();

describe('wrapText', () => {
	it('breaks between words, never past the width, and keeps every word', () => {
		const text = 'The container keeps its own copy of the mount. Remount in order: docker stop glance_api → umount /srv/glance';
		const lines = wrapText(text, 30);
		for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(30);
		expect(lines[0]).toBe('The container keeps its own');
		expect(words(lines)).toBe(text);
	});

	it('indents continuation lines under the text and starts no line with a stray space', () => {
		const lines = wrapText('alpha beta gamma delta epsilon zeta', 14, {hang: 2});
		expect(lines).toEqual(['alpha beta', '  gamma delta', '  epsilon zeta']);
		expect(wrapText('  leading   and   doubled  spaces', 40)).toEqual(['leading and doubled spaces']);
	});

	it('breaks a word wider than the line with a visible mark, after a slash where it can', () => {
		const path = '/var/lib/docker/overlay2/3f1c2a9e7b5d/merged/var/lib/glance/images/0c5d2a7e-91b4-4f3a-8e6d-2b7c9f1a4e58';
		const lines = wrapText(`file ${path}`, 40);
		for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(40);
		expect(lines[0]).toBe('file');
		expect(lines.slice(1, -1).every(line => line.endsWith(continuationMark))).toBe(true);
		expect(lines[1]).toMatch(/\/↩$/);
		expect(lines.join('').replaceAll(continuationMark, '').replace(/^file/, '')).toBe(path);
		const id = 'a'.repeat(25);
		expect(wrapText(id, 10)).toEqual([`${'a'.repeat(9)}↩`, `${'a'.repeat(9)}↩`, 'aaaaaaa']);
	});

	it('counts wide characters as two columns', () => {
		expect(textWidth('画像')).toBe(4);
		const lines = wrapText('画像 ファイル が 見つかりません', 10);
		for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(10);
		expect(lines).toEqual(['画像', 'ファイル', 'が', '見つかり↩', 'ません']);
	});

	it('gives an empty text one empty line', () => {
		expect(wrapText('', 20)).toEqual(['']);
	});
});

describe('styled rows', () => {
	it('keeps each word in its style and merges neighbours of one style', () => {
		const rows = wrapSpans([{text: 'container-stale-mount', tone: 'dim'}, {text: 'glance_api holds the old share'}], 30);
		expect(rows.map(rowText)).toEqual(['container-stale-mount', 'glance_api holds the old share']);
		expect(rows[1]).toEqual([{text: 'glance_api holds the old share'}]);
		expect(rows[0]![0]).toMatchObject({tone: 'dim'});
	});

	it('hangs the text after a prefix, continuation lines under the text', () => {
		const rows = wrapAfter({text: '  → ', tone: 'accent'}, 'Free space or grow the share before uploads and snapshots fail', 30).map(rowText);
		expect(rows).toEqual(['  → Free space or grow the', '    share before uploads and', '    snapshots fail']);
	});

	it('wraps a value beside its label, under the value', () => {
		const rows = labelledRows('fstab', 'line 13: nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0', 8, 40).map(rowText);
		expect(rows[0]).toBe('fstab   line 13: nfs01:/export/glance');
		expect(rows.slice(1).every(row => row.startsWith('        ') && !row.startsWith('         '))).toBe(true);
		expect(words(rows)).toBe('fstab line 13: nfs01:/export/glance /srv/glance nfs4 rw,hard,vers=4.2,_netdev 0 0');
	});
});

describe('fitCell', () => {
	it('pads short cells and cuts long ones with an ellipsis, by columns', () => {
		expect(fitCell('ok', 5)).toBe('ok   ');
		expect(fitCell('12 MiB', 9, 'right')).toBe('   12 MiB');
		expect(fitCell('checksum-mismatch', 10)).toBe('checksum-…');
		expect(textWidth(fitCell('画像ファイル', 7))).toBeLessThanOrEqual(7);
		expect(fitCell('画像ファイル', 7)).toBe('画像フ…');
	});
});
