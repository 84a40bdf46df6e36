// The fleet on a terminal. Enter hands the terminal to the host's own dashboard (ssh -t) through Ink's
// suspendTerminal: raw mode off, the alternate screen left, the child has it whole, and the fleet takes it back.
import {spawn} from 'node:child_process';
import {render} from 'ink';
import type {FleetPoller} from '../../fleet/poller.js';
import type {FleetSource} from '../../fleet/source.js';
import {createTheme, ThemeContext} from '../theme.js';
import {FleetApp, type FleetAppProps} from './fleet-app.js';

type ReadingHandle = {reading?: boolean; readStart?: () => number; readStop?: () => number};

/**
 * Keeps this process from reading the terminal until the returned function is called. Ink's suspendTerminal
 * only detaches its listener, and a read already scheduled restarts Node's reading of stdin, which then races
 * the child for every key (a `q` meant for the host's dashboard landed here). So the tty handle's readStart is
 * held back: a start asked for meanwhile is made on release.
 */
function holdTerminalInput(): () => void {
	const handle = (process.stdin as unknown as {_handle?: ReadingHandle})._handle;
	const readStart = handle?.readStart;
	if (!handle || !readStart || !handle.readStop) return () => undefined;
	let wanted = handle.reading === true;
	if (wanted) handle.readStop();
	handle.readStart = () => {
		wanted = true;
		return 0;
	};
	return () => {
		handle.readStart = readStart;
		if (wanted) readStart.call(handle);
	};
}

/** Runs `command` on this terminal until it exits; its keys and Ctrl+C are the child's, not the fleet's. */
export function handTerminalTo(command: {command: string; args: string[]}): Promise<number | null> {
	const ignore = () => undefined;
	process.on('SIGINT', ignore);
	const release = holdTerminalInput();
	return new Promise(resolve => {
		const child = spawn(command.command, command.args, {stdio: 'inherit'});
		const done = (code: number | null) => {
			release();
			process.off('SIGINT', ignore);
			resolve(code);
		};
		child.on('error', () => done(null));
		child.on('exit', code => done(code));
	});
}

/** The fleet screen until the operator quits, with visits to each host's dashboard in between. */
export async function runFleetScreen(props: {poller: FleetPoller; source: FleetSource; settings: FleetAppProps['settings']; lesson?: string}): Promise<void> {
	const theme = createTheme(process.env);
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<FleetApp poller={props.poller} origin={props.source.origin} settings={props.settings} visit={host => handTerminalTo(props.source.dashboard(host))} {...(props.lesson ? {lesson: props.lesson} : {})} />
		</ThemeContext.Provider>,
		{alternateScreen: true, exitOnCtrlC: false, interactive: process.stdout.isTTY === true},
	);
	await instance.waitUntilExit();
}
