/**
 * The seeds a fuzz suite runs with: a fixed one (the same cases on every run, so a regression is
 * caught at once) and a random one, printed, so that a failure it finds can be replayed with
 * `PARLEY_FUZZ_SEED=<seed>`.
 */
export function fuzzSeeds(suite: string, fixed: number): { label: string; seed: number }[] {
  const given = Number(process.env.PARLEY_FUZZ_SEED);
  const random = Number.isInteger(given) ? given : (Math.random() * 2 ** 31) | 0;
  console.log(`${suite}: fixed seed ${fixed}, random seed ${random} (replay: PARLEY_FUZZ_SEED=${random})`);
  return [
    { label: `fixed seed ${fixed}`, seed: fixed },
    { label: `random seed ${random}`, seed: random },
  ];
}
