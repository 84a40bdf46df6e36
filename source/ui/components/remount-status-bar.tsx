import {Line} from './panel.js';

/** The bottom line while the guided remount is on top: its keys, or how to close it once it has ended. */
export function RemountStatusBar(props: {ended: boolean}) {
	return <Line tone="dim">{props.ended ? 'Esc or q closes the wizard' : 'y runs the step · n, Enter or Esc says no · a aborts · nothing runs without y'}</Line>;
}
