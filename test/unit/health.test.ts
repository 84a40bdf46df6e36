import {describe, expect, it} from 'vitest';
import {describeHealth, healthDetail, healthEntriesBound, healthTone, healthWord} from '../../source/model/health.js';
import type {PathHealth} from '../../source/model/types.js';

const answering: PathHealth = {state: 'responsive', latencyMs: 3, entries: 4, device: '0:53'};
const large: PathHealth = {state: 'responsive', latencyMs: 3, entries: healthEntriesBound, device: '0:53'};
const hung: PathHealth = {state: 'unresponsive', afterMs: 3000};
const dead: PathHealth = {state: 'dead', errno: 'ENOTCONN', message: 'Transport endpoint is not connected'};
const refused: PathHealth = {state: 'error', errno: 'EACCES', message: 'EACCES: permission denied, scandir'};

describe('the one wording of a path health', () => {
	it('says the evidence in a sentence, never repeating an errno the message already starts with', () => {
		expect([answering, large, hung, dead, refused].map(describeHealth)).toEqual([
			'answers in 3 ms (4 entries)',
			'answers in 3 ms (32+ entries)',
			'no answer after 3 s',
			'ENOTCONN: Transport endpoint is not connected',
			'EACCES: permission denied, scandir',
		]);
	});

	it('says it in a word where a line has no room, and in full with the state and device for the details view', () => {
		expect([answering, hung, dead].map(healthWord)).toEqual(['answers', 'no answer after 3 s', 'ENOTCONN']);
		expect(healthDetail(answering)).toBe('responsive: answers in 3 ms (4 entries), dev 0:53');
		expect(healthDetail(dead)).toBe('dead: ENOTCONN: Transport endpoint is not connected');
	});

	it('calls a dead or hung path critical and an unclassified error unknown', () => {
		expect([answering, hung, dead, refused].map(healthTone)).toEqual(['ok', 'crit', 'crit', 'unknown']);
	});
});
