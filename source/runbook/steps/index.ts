// The remount's steps, in the order they run. Each file holds one step's words, action, check and diagnosis.
import {mountStep} from './mount.js';
import {proveStep} from './prove.js';
import {startStep} from './start.js';
import type {RemountStep, StepId} from './step.js';
import {stopStep} from './stop.js';
import {unmountStep} from './unmount.js';

export const remountSteps: readonly RemountStep[] = [stopStep, unmountStep, mountStep, startStep, proveStep];

export const stepOrder: readonly StepId[] = remountSteps.map(step => step.id);

export function remountStep(id: StepId): RemountStep {
	const step = remountSteps.find(each => each.id === id);
	if (!step) throw new Error(`no remount step ${id}`);
	return step;
}
