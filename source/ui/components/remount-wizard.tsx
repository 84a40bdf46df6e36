import {Box, Text} from 'ink';
import {formatBytes, formatDuration} from '../../model/format.js';
import {describeProblem} from '../../model/result.js';
import {terminalText} from '../../model/terminal-text.js';
import type {Preflight} from '../../runbook/preflight.js';
import {stepOrder} from '../../runbook/steps/index.js';
import {currentStep, planStep, type StepState, type StepStatus, type WizardState} from '../../runbook/state.js';
import {useNow} from '../hooks/use-now.js';
import {useTheme, type Tone} from '../theme.js';
import {wrapAfter, wrapSpans, type Row} from '../wrap.js';
import {RowLine, maxPosition, ScrollView, useScrolled} from './scroll-view.js';

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

const statusWord: Record<StepStatus, string> = {
	pending: 'not reached',
	checking: 'checking',
	confirming: 'waiting for y',
	declined: 'declined, not run',
	running: 'running',
	verifying: 'checking the result',
	done: 'done',
	'already-done': 'already done, nothing run',
	'would-run': 'would run (dry run)',
	skipped: 'skipped',
	failed: 'failed',
};

/** Lines of one paragraph: the continuation lines two columns in. */
function paragraph(text: string, width: number, tone?: Tone, bold?: boolean): Row[] {
	return wrapSpans([{text, tone, bold}], width, {hang: 2});
}

/** A marked line ("✖ ", "  · "): its continuation lines under the text, not under the mark. */
function marked(mark: string, text: string, width: number, tone?: Tone): Row[] {
	return wrapAfter({text: mark, tone}, [{text, tone}], width);
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

function preflightRows(preflight: Preflight, resume: WizardState['resume'], width: number): Row[] {
	const source = preflight.mountSource;
	const rows: Row[] = [];
	for (const wrong of preflight.wrong) {
		rows.push(...marked('✖ ', `${wrong.finding.id}: ${wrong.finding.title}`, width, 'crit'), ...marked('  ', `why a remount fixes it: ${wrong.remedy}`, width));
	}
	if (preflight.wrong.length === 0) rows.push(...paragraph('Nothing is wrong now that a remount would fix: you can still walk through it.', width, 'warn'));
	rows.push(...paragraph(`mount point ${preflight.mountpoint ?? '?'} — now ${preflight.currentMount ? `${preflight.currentMount.source} (dev ${preflight.currentMount.majorMinor})` : 'nothing mounted'}`, width));
	rows.push(
		...paragraph(
			source.kind === 'fstab'
				? `mounts from fstab line ${source.entry.line}: ${source.entry.spec} ${source.entry.vfsType} ${source.entry.options.join(',')}`
				: source.kind === 'spec'
					? `no fstab line: mounts ${source.spec.source} type ${source.spec.fsType} -o ${source.spec.options.join(',')} (from the ${source.from})`
					: `cannot mount it again: ${source.reason}`,
			width,
			source.kind === 'unknown' ? 'crit' : 'plain',
		),
	);
	const container = preflight.containerProbe;
	rows.push(...paragraph(`container ${preflight.container}: ${container?.state === 'present' ? `${container.status}, docker health ${container.health}` : (container?.state ?? 'unknown')}`, width));
	rows.push(
		...(preflight.uploads.ok
			? preflight.uploads.value.length === 0
				? paragraph('uploads in progress: none', width)
				: paragraph(`uploads in progress: ${preflight.uploads.value.length} (stopping Glance kills them): ${preflight.uploads.value.map(image => image.name ?? image.id).join(', ')}`, width, 'warn')
			: paragraph(`uploads in progress: unknown — ${describeProblem(preflight.uploads.problem)}`, width, 'unknown')),
	);
	rows.push(
		...(preflight.holders.ok
			? preflight.holders.value.length === 0
				? paragraph('other processes holding the mount: none', width)
				: paragraph(`holding the mount: ${preflight.holders.value.map(holder => `${holder.pid} ${holder.command}`).join('; ')}`, width, 'warn')
			: paragraph(`holders: unknown — ${describeProblem(preflight.holders.problem)}`, width, 'unknown')),
	);
	const parent = preflight.parentFilesystem;
	rows.push(
		...paragraph(
			parent.stats
				? `free under the mount point (${parent.path}): ${formatBytes(parent.stats.bytesAvailable)} — what Glance would fill if it wrote while unmounted`
				: `free under the mount point (${parent.path}): unknown — ${parent.problem ?? ''}`,
			width,
		),
	);
	rows.push(...paragraph(`audit log: ${preflight.audit.path}${preflight.audit.problem ? ` — ${preflight.audit.problem}` : ''}`, width, preflight.audit.problem ? 'crit' : 'dim'));
	if (resume && resume.from !== 'stop') rows.push(...paragraph(`continuing from ${resume.from}: ${resume.reason}`, width, resume.urgent ? 'crit' : 'accent'));
	for (const warning of preflight.warnings) rows.push(...marked('▲ ', warning, width, 'warn'));
	for (const blocker of preflight.blockers) rows.push(...marked('✖ ', `cannot begin: ${blocker}`, width, 'crit'));
	return rows;
}

function failureRows(step: StepState, lazyWhy: string | null, width: number): Row[] {
	const failure = step.failure;
	if (!failure) return [];
	const rows: Row[] = marked('✖ ', failure.reason, width, 'crit');
	if (failure.kind === 'busy') {
		if (failure.holders.length > 0) {
			for (const holder of failure.holders) rows.push(...marked('  held by ', `pid ${holder.pid} ${holder.user ?? ''} ${holder.command} (${holder.how} ${holder.path})`, width));
		} else rows.push(...marked('  ', 'no process holds it: the share itself is hung', width, 'dim'));
		if (lazyWhy) rows.push(...marked('  l: ', lazyWhy, width, 'dim'));
	}
	if (failure.kind === 'mount-failed') {
		if (failure.fstabLine) rows.push(...marked('  fstab: ', failure.fstabLine, width, 'dim'));
		for (const line of failure.output.slice(-4)) rows.push(...marked('  ', line, width, 'dim'));
	}
	if (failure.kind === 'start-failed') {
		rows.push(...marked('  health: ', `${failure.health ?? 'none'}${failure.healthOutput ? ` — ${failure.healthOutput}` : ''}`, width));
		for (const line of failure.logs.slice(-6)) rows.push(...marked('  log: ', line, width, 'dim'));
	}
	return rows;
}

/** What the step's check found: each postcondition with its evidence, and what else was recorded. */
function proofRows(step: StepState, width: number): Row[] {
	const rows: Row[] = [];
	for (const check of step.checks) rows.push(...marked(check.ok ? '  ✔ ' : '  ✖ ', `${check.label} — ${check.evidence}`, width, check.ok ? 'ok' : 'crit'));
	const shown = new Set(step.checks.map(check => `${check.label}: ${check.evidence}`));
	for (const line of step.evidence) if (!shown.has(line)) rows.push(...marked('  · ', line, width, 'dim'));
	return rows;
}

function stepHeading(state: WizardState, step: StepState): string {
	const plan = planStep(state, step.id);
	return `Step ${stepOrder.indexOf(step.id) + 1} of ${state.steps.length}: ${plan.title}${plan.mutates ? '' : ' (reads only: runs without asking)'}`;
}

/** A step that has run (or was passed over): its result, the command, and its proof. */
function settledRows(state: WizardState, step: StepState, width: number): Row[] {
	const took = step.result ? ` in ${formatDuration(step.result.ok ? step.result.value.tookMs : step.result.problem.tookMs)}` : '';
	const {mark, tone} = statusMark[step.status];
	const plan = planStep(state, step.id);
	return [
		...marked(`${mark} `, `${step.id}${plan.mutates ? '' : ' (reads only)'}: ${statusWord[step.status]}${step.status === 'done' ? took : ''} — ${plan.title}`, width, tone),
		...marked('  $ ', step.command, width, 'dim'),
		...proofRows(step, width),
	];
}

function currentRows(state: WizardState, step: StepState, now: number, width: number): Row[] {
	const plan = planStep(state, step.id);
	const working = step.status === 'running' || step.status === 'verifying' || step.status === 'checking';
	const rows: Row[] = [
		...paragraph(stepHeading(state, step), width, 'plain', true),
		...marked('$ ', step.command, width, 'accent'),
		...paragraph(plan.why, width, 'dim'),
	];
	if (step.status !== 'failed') {
		rows.push(...paragraph(plan.mutates ? 'Then it checks:' : 'It checks:', width, 'dim'));
		for (const verify of plan.verifies) rows.push(...marked('  ○ ', verify, width, 'dim'));
	}
	if (working) {
		const spinner = spinnerFrames[Math.floor(now / 100) % spinnerFrames.length];
		rows.push(...paragraph(`${spinner} ${statusWord[step.status]}… ${step.startedAt ? formatDuration(Math.max(0, now - step.startedAt)) : ''}`, width, 'accent'));
	}
	// The live output carries the command line and each check's answer as the runner saw them.
	for (const line of step.output) rows.push(...marked('  ', line, width, 'dim'));
	for (const line of step.evidence) rows.push(...marked('  · ', line, width, 'dim'));
	rows.push(...failureRows(step, plan.lazy?.why ?? null, width));
	return rows;
}

function summaryRows(state: WizardState, width: number): Row[] {
	const summary = state.summary;
	if (!summary) return [];
	const rows: Row[] = paragraph(summary.outcome === 'finished' ? 'The remount is finished.' : 'The remount was aborted.', width, summary.outcome === 'finished' ? 'ok' : 'warn', true);
	for (const step of state.steps) rows.push(...settledRows(state, step, width));
	for (const line of summary.advice) rows.push(...marked('→ ', line, width, 'accent'));
	return rows;
}

function promptRows(state: WizardState, width: number): Row[] {
	const {prompt, phase} = state;
	let text: string;
	let tone: Tone = 'accent';
	if (phase === 'finished' || phase === 'aborted') {
		text = 'Esc closes the wizard · j/k scroll';
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
	return [...(state.notice ? paragraph(state.notice, width, 'warn') : []), ...paragraph(text, width, tone, true)];
}

/** What the body shows, and where its window rests until j/k move it: the current step in view, with as much of the log above as fits. */
function bodyOf(state: WizardState, now: number, width: number, height: number): {rows: Row[]; rest: number} {
	if (state.phase === 'preparing') return {rows: paragraph('gathering the facts: holders, parent filesystem, uploads, audit log…', width, 'dim'), rest: 0};
	if (state.phase === 'preflight' && state.preflight) return {rows: preflightRows(state.preflight, state.resume, width), rest: 0};
	if (state.phase === 'finished' || state.phase === 'aborted') return {rows: summaryRows(state, width), rest: 0};
	const step = currentStep(state);
	if (state.phase !== 'steps' || !step) return {rows: [], rest: 0};
	const log = state.steps.slice(0, state.steps.indexOf(step)).flatMap(each => settledRows(state, each, width));
	const current = currentRows(state, step, now, width);
	const rows = [...log, ...current];
	const end = maxPosition(rows.length, height);
	// Asking: the step from its heading (the log's end above it when there is room). Working or failed: the newest lines.
	const asking = step.status === 'confirming' || step.status === 'declined' || step.status === 'checking';
	return {rows, rest: asking ? Math.min(log.length, end) : end};
}

/** The body's window: where it rests, moved by j/k since the wizard last moved on (a new step, a new status). */
function Body(props: {rows: readonly Row[]; rest: number; height: number; scroll: number}) {
	const max = maxPosition(props.rows.length, props.height);
	const moved = useScrolled(props.scroll, 0, (current, delta) => Math.max(-props.rest, Math.min(max - props.rest, current + delta)));
	return <ScrollView rows={props.rows} height={props.height} position={Math.max(0, Math.min(max, props.rest + moved))} />;
}

/** The guided remount: the preflight, then each step with its command, why, live output and proof, and a summary with every step's evidence. */
export function RemountWizard(props: {state: WizardState; scroll: number; width: number; height: number}) {
	const theme = useTheme();
	const now = useNow(100);
	const {state} = props;
	const width = Math.max(20, props.width - 4);
	const target = state.plan?.mountpoint ?? state.preflight?.mountpoint ?? 'the share';
	const prompt = promptRows(state, width);
	const bodyHeight = Math.max(1, props.height - 4 - prompt.length);
	const body = bodyOf(state, now, width, bodyHeight);
	const current = currentStep(state);
	// The window rests anew when the wizard moves on, so the next step's words are in view.
	const moment = `${state.phase}:${current?.id ?? ''}:${current?.status ?? ''}:${current?.attempts ?? 0}`;
	return (
		<Box flexDirection="column" borderStyle="double" borderColor={theme.color(state.dryRun ? 'warn' : 'accent')} paddingX={1} width={props.width} height={props.height} flexShrink={0}>
			<Box flexShrink={0}>
				<Text bold wrap="truncate-end" color={theme.color('accent')}>
					Guided remount of {terminalText(target)}
					{state.dryRun ? ' · DRY RUN: nothing is executed' : ''} · {formatDuration(Math.max(0, (state.endedAt ?? now) - state.startedAt))}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<StepStrip state={state} />
			</Box>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				<Body key={moment} rows={body.rows} rest={body.rest} height={bodyHeight} scroll={props.scroll} />
			</Box>
			<Box flexDirection="column" flexShrink={0}>
				{prompt.map((row, index) => (
					<RowLine key={index} row={row} />
				))}
			</Box>
		</Box>
	);
}
