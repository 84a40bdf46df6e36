import {Box, Text, useApp, useInput} from 'ink';
import {useState} from 'react';
import type {FleetPoller} from '../../fleet/poller.js';
import type {FleetHost} from '../../model/fleet-inventory.js';
import {fleetFindings, fleetStatus, worstFinding, type FleetHostState} from '../../model/fleet.js';
import {terminalText} from '../../model/terminal-text.js';
import {HelpOverlay} from '../components/help-overlay.js';
import {StatusBar} from '../components/status-bar.js';
import {useNow} from '../hooks/use-now.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {bindingFor, keysOf} from '../keymap.js';
import {useTheme} from '../theme.js';
import {fitCell, wrapText} from '../wrap.js';
import {hostCount} from '../../fleet/report.js';
import {FleetFindings} from './fleet-findings.js';
import {FleetTable, statusTone} from './fleet-table.js';
import {useFleet} from './use-fleet.js';

export type FleetAppProps = {
	poller: FleetPoller;
	/** Where the hosts came from (the inventory and group, or --hosts). */
	origin: string;
	/** The fleet's settings and where each came from, for the help. */
	settings: ReadonlyArray<{name: string; value: string; source: string}>;
	/** Runs `host`'s own dashboard on this terminal while Ink has let it go; resolves with its exit status. */
	visit: (host: FleetHost) => Promise<number | null>;
	/** On the training fleet: what it teaches, at the top of the help. */
	lesson?: string;
};

/** What the selected host's row cannot hold: its worst finding whole, or why it was not reached and what to do. */
function selectedDetail(state: FleetHostState | undefined): string[] {
	if (!state) return [];
	const attempt = state.attempt;
	if (!attempt) return [`${state.host.name}: connecting…`];
	// Each reason names its host already.
	if (!attempt.ok) return [attempt.reason, `→ ${attempt.hint}`];
	const worst = worstFinding(attempt.report);
	return [worst ? `${state.host.name}: ${worst.title}` : `${state.host.name}: no finding; its dashboard is one Enter away`];
}

/** The fleet screen: a row a controller, what stands out across them, and the keys of the fleet scope. */
export function FleetApp(props: FleetAppProps) {
	const theme = useTheme();
	const {exit, suspendTerminal} = useApp();
	const states = useFleet(props.poller);
	const now = useNow();
	const {columns, rows} = useTerminalSize();
	const [selected, setSelected] = useState(0);
	const [help, setHelp] = useState(false);
	const [notice, setNotice] = useState<string | null>(null);
	const [visiting, setVisiting] = useState(false);

	// Ink stops reading keys and drawing, leaves the alternate screen and raw mode, and takes all back after.
	const visit = (host: FleetHost) => {
		setVisiting(true);
		void suspendTerminal(async () => {
			const code = await props.visit(host);
			// What ssh said went to the normal screen, which the fleet covers again: the bar says it ended badly.
			setNotice(code === 0 ? null : `the dashboard on ${host.name} ended with ${code === null ? 'an error' : `exit ${code}`}`);
		}).finally(() => setVisiting(false));
	};

	useInput((input, key) => {
		if (visiting) return;
		setNotice(null);
		// A chunk of keys (j then Enter typed fast) moves the cursor before Enter reads it.
		let cursor = selected;
		for (const [one, flags] of keysOf(input, key)) {
			const binding = bindingFor(one, flags, {scope: help ? 'fleet-help' : 'fleet', readOnly: false});
			if (!binding) continue;
			if (binding.command === 'quit') {
				exit();
				return;
			}
			const chosen = states[cursor];
			if (binding.command === 'openHost' && chosen) {
				setSelected(cursor);
				visit(chosen.host);
				return;
			}
			if (binding.command === 'help' || binding.command === 'close') {
				setSelected(cursor);
				setHelp(binding.command === 'help');
				return;
			}
			if (binding.command === 'down') cursor = Math.min(states.length - 1, cursor + 1);
			if (binding.command === 'up') cursor = Math.max(0, cursor - 1);
			if (binding.command === 'refresh') props.poller.refreshNow();
		}
		setSelected(cursor);
	});

	const findings = fleetFindings(states);
	const answered = states.filter(state => state.attempt).length;
	const status = answered === 0 ? 'CONNECTING' : fleetStatus(states, findings).status.toUpperCase();
	const tone = answered === 0 ? 'dim' : statusTone[fleetStatus(states, findings).status];
	const title = `glance-inspector fleet · ${hostCount(states.length)} · ${terminalText(props.origin)}`;
	const detail = selectedDetail(states[selected]).flatMap(line => wrapText(terminalText(line), columns, {hang: 2})).slice(0, 3);
	// The rows go first, but the detail and two lines of findings keep their place below them.
	const tableRows = Math.min(states.length, Math.max(1, rows - 1 - 1 - 1 - detail.length - 1 - 3 - 1));
	const findingsHeight = Math.max(3, rows - 1 - 1 - tableRows - 1 - detail.length - 1 - 1);

	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Box width={columns} height={1} flexShrink={0}>
				<Text bold color={theme.color('accent')}>
					{fitCell(title, Math.max(10, columns - status.length - 3))}
				</Text>
				<Box flexGrow={1} />
				<Text bold inverse color={theme.color(tone)}>
					{` ${status} `}
				</Text>
			</Box>
			{help ? (
				<HelpOverlay where={{scope: 'fleet', readOnly: false}} settings={props.settings} lesson={props.lesson ?? null} offset={0} width={columns} height={rows - 2} />
			) : (
				<>
					<FleetTable states={states} selected={selected} now={now} width={columns} height={tableRows} />
					<Box flexDirection="column" flexShrink={0} marginTop={1}>
						{detail.map((line, index) => (
							<Text key={index} wrap="truncate-end" color={theme.color(index === 0 ? 'plain' : 'accent')}>
								{line}
							</Text>
						))}
					</Box>
					<Box marginTop={1} flexShrink={0}>
						<FleetFindings findings={findings} width={columns} height={findingsHeight} />
					</Box>
					<Box flexGrow={1} />
				</>
			)}
			<StatusBar where={{scope: help ? 'fleet-help' : 'fleet', readOnly: false}} width={columns} readOnlyMark={false} place={null} notice={notice} />
		</Box>
	);
}
