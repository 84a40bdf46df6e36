// The fleet on a terminal. Enter hands the terminal to the host's own dashboard (ssh -t): Ink lets the
// terminal go (raw mode off, the alternate screen left), the child has it whole, and the fleet takes it back.
import {spawn} from 'node:child_process';
import {render} from 'ink';
import type {FleetPoller} from '../../fleet/poller.js';
import type {FleetSource} from '../../fleet/source.js';
import type {FleetHost} from '../../model/fleet-inventory.js';
import {createTheme, ThemeContext} from '../theme.js';
import {FleetApp} from './fleet-app.js';

/** Runs `command` on this terminal until it exits; Ctrl+C there is the child's, not the fleet's. */
export function handTerminalTo(command: {command: string; args: string[]}): Promise<number | null> {
	const ignore = () => undefined;
	process.on('SIGINT', ignore);
	return new Promise(resolve => {
		const child = spawn(command.command, command.args, {stdio: 'inherit'});
		const done = (code: number | null) => {
			process.off('SIGINT', ignore);
			resolve(code);
		};
		child.on('error', () => done(null));
		child.on('exit', code => done(code));
	});
}

/** The fleet screen until the operator quits, with visits to each host's dashboard in between. */
export async function runFleetScreen(props: {poller: FleetPoller; source: FleetSource; lesson?: string}): Promise<void> {
	const theme = createTheme(process.env);
	let selected = 0;
	let notice: string | null = null;
	for (;;) {
		let host: FleetHost | null = null;
		const instance = render(
			<ThemeContext.Provider value={theme}>
				<FleetApp
					poller={props.poller}
					origin={props.source.origin}
					selected={selected}
					notice={notice}
					onLeave={choice => {
						host = choice.host;
						selected = choice.selected;
					}}
					{...(props.lesson ? {lesson: props.lesson} : {})}
				/>
			</ThemeContext.Provider>,
			{alternateScreen: true, exitOnCtrlC: false, interactive: process.stdout.isTTY === true},
		);
		await instance.waitUntilExit();
		instance.cleanup();
		const chosen = host as FleetHost | null;
		if (!chosen) return;
		const code = await handTerminalTo(props.source.dashboard(chosen));
		// What ssh said went to the normal screen, which the fleet now covers: the bar says it ended badly.
		notice = code === 0 ? null : `the dashboard on ${chosen.name} ended with ${code === null ? 'an error' : `exit ${code}`}`;
	}
}
