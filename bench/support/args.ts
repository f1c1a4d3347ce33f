// Benchmark support: the command-line options of the benchmarks (`--name value`, `--flag`).
const args = process.argv.slice(2);

/** Whether `--name` is given. */
export const flag = (name: string): boolean => args.includes(`--${name}`);

/** The value after `--name`, if given. */
export const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** The number after `--name`, if given. */
export const num = (name: string): number | undefined =>
  option(name) === undefined ? undefined : Number(option(name));

/** `--store sqlite|postgres|both` (default both) as the list of stores to run. */
export const storesOption = (): string[] =>
  (option("store") ?? "both") === "both" ? ["sqlite", "postgres"] : [option("store") as string];
