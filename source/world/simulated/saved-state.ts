// The training machine kept across a quit, one small JSON file per scenario, so a half-done remount can be
// resumed the way it would be on a real controller. Never the real audit log's directory unless the user's own.
import {mkdirSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fail, ok, problemFrom, type Result} from '../../model/result.js';
import {fileLimits, readBoundedTextSync} from '../real/bounded-file.js';
import type {ControllerState} from './controller.js';
import type {ScenarioName} from './scenarios.js';

type SavedFile = {scenario: ScenarioName; savedAt: string; state: ControllerState};

/** `<directory>/demo-<scenario>.json`, next to the simulator's audit log. */
export function scenarioStateFile(directory: string, scenario: ScenarioName): string {
	return path.join(directory, `demo-${scenario}.json`);
}

function looksLikeState(value: unknown): value is ControllerState {
	if (!value || typeof value !== 'object') return false;
	const state = value as Record<string, unknown>;
	return ['share', 'container', 'usage', 'next'].every(key => state[key] !== null && typeof state[key] === 'object') && Array.isArray(state['files']) && 'hostMount' in state;
}

/** The machine as the last session of `scenario` left it; null when none was kept. A file that does not parse is the problem. */
export function loadScenarioState(file: string, scenario: ScenarioName): Result<ControllerState | null> {
	const text = readBoundedTextSync(file, {what: 'the simulator\'s saved machine', maxBytes: fileLimits.config});
	if (!text.ok) return text.problem.errno === 'ENOENT' ? ok(null) : fail({...text.problem, hint: '--reset starts it fresh'});
	try {
		const saved = JSON.parse(text.value) as Partial<SavedFile>;
		if (saved.scenario !== scenario || !looksLikeState(saved.state)) return fail({reason: `${file}: not a saved ${scenario} scenario`, hint: '--reset starts it fresh'});
		return ok(saved.state);
	} catch {
		return fail({reason: `${file}: not JSON`, hint: '--reset starts it fresh'});
	}
}

/** Writes the machine whole (a temporary file renamed over the old one), so a quit mid-write never leaves half a file. */
export function saveScenarioState(file: string, scenario: ScenarioName, state: Readonly<ControllerState>, now = Date.now()): Result<void> {
	const saved: SavedFile = {scenario, savedAt: new Date(now).toISOString(), state};
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		mkdirSync(path.dirname(file), {recursive: true, mode: 0o750});
		writeFileSync(temporary, JSON.stringify(saved) + '\n', {mode: 0o640});
		renameSync(temporary, file);
		return ok(undefined);
	} catch (error) {
		return fail(problemFrom(error));
	}
}
