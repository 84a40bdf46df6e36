import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {formatBytes, formatDuration} from '../../model/format.js';
import {describeProblem} from '../../model/result.js';
import type {Preflight} from '../../runbook/preflight.js';
import {stepOrder} from '../../runbook/steps/index.js';
import {currentStep, planStep, type StepState, type StepStatus, type WizardState} from '../../runbook/state.js';
import {useNow} from '../hooks/use-now.js';
import {useTheme, type Tone} from '../theme.js';
import {Line} from './panel.js';

const statusMark: Record<StepStatus, {mark: string; tone: Tone}> = {
	pending: {mark: '·', tone: 'dim'},
	checking: {mark: '…', tone: 'accent'},
	confirming: {mark: '▶', tone: 'accent'},
	declined: {mark: '▶', tone: 'warn'},
	running: {mark: '⟳', tone: 'accent'},
	verifying: {mark: '⟳', tone: 'accent'},
	done: {mark: '✔', tone: 'ok'},
	'already-done': {mark: '✔', tone: 'ok'},
	'would-run': {mark: '○', tone: 'accent'},
	skipped: {mark: '–', tone: 'dim'},
	failed: {mark: '✖', tone: 'crit'},
};

/** A fact line; `wrap` for the explanations worth every word, the rest is cut at the border. */
type ToneLine = {text: string; tone?: Tone; wrap?: boolean};

function Lines(props: {lines: readonly ToneLine[]}) {
	const theme = useTheme();
	return (
		<>
			{props.lines.map((line, index) =>
				line.wrap ? (
					<Text key={index} wrap="wrap" color={theme.color(line.tone ?? 'plain')}>
						{line.text}
					</Text>
				) : (
					<Line key={index} tone={line.tone ?? 'plain'}>
						{line.text}
					</Line>
				),
			)}
		</>
	);
}

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function StepStrip(props: {state: WizardState}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end">
			{props.state.steps.map(step => (
				<Text key={step.id} color={theme.color(statusMark[step.status].tone)} bold={step.id === props.state.current}>
					{statusMark[step.status].mark} {step.id}
					{'   '}
				</Text>
			))}
		</Text>
	);
}

function PreflightFacts(props: {preflight: Preflight; resume: WizardState['resume']}) {
	const {preflight} = props;
	const source = preflight.mountSource;
	const lines: ToneLine[] = [];
	for (const wrong of preflight.wrong) lines.push({text: `✖ ${wrong.finding.id}: ${wrong.finding.title}`, tone: 'crit'}, {text: `  why a remount fixes it: ${wrong.remedy}`, wrap: true});
	if (preflight.wrong.length === 0) lines.push({text: 'Nothing is wrong now that a remount would fix: you can still walk through it.', tone: 'warn'});
	lines.push({text: `mount point ${preflight.mountpoint ?? '?'} — now ${preflight.currentMount ? `${preflight.currentMount.source} (dev ${preflight.currentMount.majorMinor})` : 'nothing mounted'}`});
	lines.push({
		text:
			source.kind === 'fstab'
				? `mounts from fstab line ${source.entry.line}: ${source.entry.spec} ${source.entry.vfsType} ${source.entry.options.join(',')}`
				: source.kind === 'spec'
					? `no fstab line: mounts ${source.spec.source} type ${source.spec.fsType} -o ${source.spec.options.join(',')} (from the ${source.from})`
					: `cannot mount it again: ${source.reason}`,
		tone: source.kind === 'unknown' ? 'crit' : 'plain',
		wrap: true,
	});
	const container = preflight.containerProbe;
	lines.push({text: `container ${preflight.container}: ${container?.state === 'present' ? `${container.status}, docker health ${container.health}` : (container?.state ?? 'unknown')}`});
	lines.push(
		preflight.uploads.ok
			? preflight.uploads.value.length === 0
				? {text: 'uploads in progress: none'}
				: {text: `uploads in progress: ${preflight.uploads.value.length} (stopping Glance kills them): ${preflight.uploads.value.map(image => image.name ?? image.id).join(', ')}`, tone: 'warn'}
			: {text: `uploads in progress: unknown — ${describeProblem(preflight.uploads.problem)}`, tone: 'unknown'},
	);
	lines.push(
		preflight.holders.ok
			? preflight.holders.value.length === 0
				? {text: 'other processes holding the mount: none'}
				: {text: `holding the mount: ${preflight.holders.value.map(holder => `${holder.pid} ${holder.command}`).join('; ')}`, tone: 'warn'}
			: {text: `holders: unknown — ${describeProblem(preflight.holders.problem)}`, tone: 'unknown'},
	);
	const parent = preflight.parentFilesystem;
	lines.push({
		text: parent.stats
			? `free under the mount point (${parent.path}): ${formatBytes(parent.stats.bytesAvailable)} — what Glance would fill if it wrote while unmounted`
			: `free under the mount point (${parent.path}): unknown — ${parent.problem ?? ''}`,
		wrap: true,
	});
	lines.push({text: `audit log: ${preflight.audit.path}${preflight.audit.problem ? ` — ${preflight.audit.problem}` : ''}`, tone: preflight.audit.problem ? 'crit' : 'dim'});
	if (props.resume && props.resume.from !== 'stop') lines.push({text: `continuing from ${props.resume.from}: ${props.resume.reason}`, tone: props.resume.urgent ? 'crit' : 'accent'});
	for (const warning of preflight.warnings) lines.push({text: `▲ ${warning}`, tone: 'warn', wrap: true});
	for (const blocker of preflight.blockers) lines.push({text: `✖ cannot begin: ${blocker}`, tone: 'crit', wrap: true});
	return <Lines lines={lines} />;
}

function Failure(props: {step: StepState}) {
	const failure = props.step.failure;
	if (!failure) return null;
	const lines: ToneLine[] = [{text: `✖ ${failure.reason}`, tone: 'crit'}];
	if (failure.kind === 'busy') {
		if (failure.holders.length > 0) for (const holder of failure.holders) lines.push({text: `  held by pid ${holder.pid} ${holder.user ?? ''} ${holder.command} (${holder.how} ${holder.path})`});
		else lines.push({text: '  no process holds it: the share itself is hung', tone: 'dim'});
	}
	if (failure.kind === 'mount-failed') {
		if (failure.fstabLine) lines.push({text: `  fstab: ${failure.fstabLine}`, tone: 'dim'});
		for (const line of failure.output.slice(-4)) lines.push({text: `  ${line}`, tone: 'dim'});
	}
	if (failure.kind === 'start-failed') {
		lines.push({text: `  health: ${failure.health ?? 'none'}${failure.healthOutput ? ` — ${failure.healthOutput}` : ''}`});
		for (const line of failure.logs.slice(-6)) lines.push({text: `  log: ${line}`, tone: 'dim'});
	}
	return <Lines lines={lines} />;
}

function CurrentStep(props: {state: WizardState; now: number; outputLines: number}) {
	const theme = useTheme();
	const step = currentStep(props.state);
	if (!step) return null;
	const plan = planStep(props.state, step.id);
	const working = step.status === 'running' || step.status === 'verifying' || step.status === 'checking';
	const spinner = spinnerFrames[Math.floor(props.now / 100) % spinnerFrames.length];
	return (
		<>
			<Line bold>
				Step {stepOrder.indexOf(step.id) + 1} of {props.state.steps.length}: {plan.title}
			</Line>
			<Text wrap="truncate-end" color={theme.color('accent')}>
				$ {step.command}
			</Text>
			<Text wrap="wrap" color={theme.color('dim')}>
				{plan.why}
			</Text>
			{working ? (
				<Line tone="accent">
					{spinner} {step.status}… {step.startedAt ? formatDuration(Math.max(0, props.now - step.startedAt)) : ''}
				</Line>
			) : null}
			{step.output.slice(-props.outputLines).map((line, index) => (
				<Line key={index} tone="dim">
					{line}
				</Line>
			))}
			{step.evidence.map(line => (
				<Line key={line} tone="ok">
					{line}
				</Line>
			))}
			<Failure step={step} />
		</>
	);
}

function Summary(props: {state: WizardState}) {
	const summary = props.state.summary;
	if (!summary) return null;
	return (
		<>
			<Line bold tone={summary.outcome === 'finished' ? 'ok' : 'warn'}>
				{summary.outcome === 'finished' ? 'The remount is finished.' : 'The remount was aborted.'}
			</Line>
			{summary.done.map(row => (
				<Line key={`done-${row.step}`} tone="ok">
					✔ {row.step}: {row.status} — {row.command}
				</Line>
			))}
			{summary.notDone.map(row => (
				<Line key={`not-${row.step}`} tone="warn">
					· {row.step}: not done ({row.status}) — {row.command}
				</Line>
			))}
			{summary.advice.map(line => (
				<Text key={line} wrap="wrap">
					→ {line}
				</Text>
			))}
		</>
	);
}

function PromptLine(props: {state: WizardState}) {
	const {prompt, phase} = props.state;
	let text: ReactNode;
	let tone: Tone = 'accent';
	if (phase === 'finished' || phase === 'aborted') {
		text = 'Esc closes the wizard';
		tone = 'dim';
	} else if (!prompt) {
		text = 'working… (keys wait until the step has finished)';
		tone = 'dim';
	} else if (prompt.kind === 'begin') {
		text = prompt.blockers.length > 0 ? 'The remount cannot begin (see above). a aborts' : `Begin the guided remount${prompt.from === 'stop' ? '' : `, continuing from ${prompt.from}`}? [y/N] · a aborts`;
		tone = prompt.blockers.length > 0 ? 'crit' : 'accent';
	} else if (prompt.kind === 'confirm') {
		text = `${prompt.dryRun ? 'Dry run: mark this step as would-run' : 'Run this step'}? [y/N] · a aborts`;
	} else if (prompt.kind === 'recover') {
		text = `r retry${prompt.choices.includes('lazy') ? ' · l lazy unmount (you type lazy)' : ''} · a aborts`;
		tone = 'warn';
	} else {
		text = `Type ${prompt.word} and Enter to run: ${prompt.command} — ${prompt.typed}▏ (Esc goes back)`;
		tone = 'warn';
	}
	return (
		<Box flexDirection="column" flexShrink={0}>
			{props.state.notice ? <Line tone="warn">{props.state.notice}</Line> : null}
			<Line bold tone={tone}>
				{text}
			</Line>
		</Box>
	);
}

/** The guided remount: the preflight, then each step with its command, why, live output and checks. */
export function RemountWizard(props: {state: WizardState; width: number; height: number}) {
	const theme = useTheme();
	const now = useNow(100);
	const {state} = props;
	const target = state.plan?.mountpoint ?? state.preflight?.mountpoint ?? 'the share';
	return (
		<Box flexDirection="column" borderStyle="double" borderColor={theme.color(state.dryRun ? 'warn' : 'accent')} paddingX={1} width={props.width} height={props.height} flexShrink={0}>
			<Box flexShrink={0}>
				<Text bold wrap="truncate-end" color={theme.color('accent')}>
					Guided remount of {target}
					{state.dryRun ? ' · DRY RUN: nothing is executed' : ''} · {formatDuration(Math.max(0, (state.endedAt ?? now) - state.startedAt))}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<StepStrip state={state} />
			</Box>
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				<Box flexDirection="column" flexShrink={0}>
					{state.phase === 'preparing' ? <Line tone="dim">gathering the facts: holders, parent filesystem, uploads, audit log…</Line> : null}
					{state.phase === 'preflight' && state.preflight ? <PreflightFacts preflight={state.preflight} resume={state.resume} /> : null}
					{state.phase === 'steps' ? <CurrentStep state={state} now={now} outputLines={Math.max(2, props.height - 16)} /> : null}
					{state.phase === 'finished' || state.phase === 'aborted' ? <Summary state={state} /> : null}
				</Box>
			</Box>
			<PromptLine state={state} />
		</Box>
	);
}
