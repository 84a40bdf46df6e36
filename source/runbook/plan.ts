// The guided remount as data: each step in order, worded for this machine from the preflight. Pure.
import type {GlanceImage} from '../model/types.js';
import type {MountSpec} from '../world/world.js';
import {expectedSource} from './mount-spec.js';
import type {Preflight} from './preflight.js';
import {remountSteps} from './steps/index.js';
import type {PlanStep} from './steps/step.js';

export type Plan = {
	container: string;
	mountpoint: string;
	/** Null: `mount MOUNTPOINT` reads fstab. */
	mountSpec: MountSpec | null;
	expectedSource: string | null;
	proveImage: GlanceImage | null;
	steps: PlanStep[];
};

export type PlanOptions = {graceSeconds: number; probeTimeoutMs: number; healthWaitMs: number};

export function buildPlan(preflight: Preflight, options: PlanOptions): Plan {
	const source = preflight.mountSource;
	return {
		container: preflight.container,
		mountpoint: preflight.mountpoint ?? '<mount point>',
		mountSpec: source.kind === 'spec' ? source.spec : null,
		expectedSource: expectedSource(source),
		proveImage: preflight.proveImage,
		steps: remountSteps.map(step => step.describe(preflight, options)),
	};
}
