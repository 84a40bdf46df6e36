// The dashboard: Ink and React, loaded by cli.tsx only when a terminal wants them (a --json run never does).
import {render} from 'ink';
import {App, type AppProps} from './app.js';
import {feedTextfile} from './monitoring/feed.js';
import {createTheme, ThemeContext} from './ui/theme.js';

/** `textfile`: where the node_exporter metrics go after each round (--prometheus-textfile), if anywhere. */
export type DashboardProps = AppProps & {textfile?: string | null};

/** Draws the App until it leaves; resolves with the text it leaves to keep, if any. */
export async function runDashboard({textfile, ...props}: DashboardProps): Promise<unknown> {
	const theme = createTheme(process.env);
	const feed = textfile ? feedTextfile(props.poller, textfile, props.settings) : null;
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<App {...props} />
		</ThemeContext.Provider>,
		// Ink turns itself non-interactive when CI is set; an operator's terminal is interactive whatever the env says.
		// maxFps: Ink holds a frame that follows the last within 1000/maxFps ms (at its default 30 a key pressed soon
		// after a frame waited up to 34 ms to show); incrementalRendering: a second ticking rewrites the header line, not the screen.
		{alternateScreen: true, exitOnCtrlC: false, interactive: process.stdout.isTTY === true, maxFps: 120, incrementalRendering: true},
	);
	try {
		return await instance.waitUntilExit();
	} finally {
		feed?.stop();
		// Said once the normal screen is back: a line drawn over the dashboard would be lost.
		const problem = feed?.lastProblem();
		if (problem) process.stderr.write(`glance-inspector: warning: ${problem}\n`);
	}
}
