/**
 * The seed of a fast-check property, printed so a failure can be repeated: FC_SEED when given
 * (mutation runs fix it), else a fresh one.
 */
export function propertySeed(name: string): number {
	const seed = Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647);
	process.stdout.write(`${name}: fast-check seed ${seed} (FC_SEED=${seed} repeats it)\n`);
	return seed;
}
