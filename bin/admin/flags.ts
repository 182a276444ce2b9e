/** Reading the CLI's flags into the same typed requests the admin API parses from JSON. */

/** A problem with how the CLI was called; printed as is, without a stack. */
export class AdminError extends Error {}

export type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** The first positional argument, named in the error when it is missing. */
export function arg(args: readonly string[], name: string): string {
  const value = args[0];
  if (!value) throw new AdminError(`missing ${name}`);
  return value;
}

export function optionalString(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}

export function required(values: Values, flag: string): string {
  const value = optionalString(values, flag);
  if (value === undefined || value === "") throw new AdminError(`--${flag} is required`);
  return value;
}

/** A whole number, `_` allowed as a thousands separator; `none` (where allowed) gives null. */
export function optionalInt(values: Values, flag: string, allowNone = false): number | null | undefined {
  const value = optionalString(values, flag);
  if (value === undefined) return undefined;
  if (allowNone && value === "none") return null;
  if (!/^-?\d+$/.test(value.replaceAll("_", ""))) throw new AdminError(`--${flag} must be a whole number${allowNone ? " or none" : ""}, got ${value}`);
  return Number(value.replaceAll("_", ""));
}

export function requiredInt(values: Values, flag: string): number {
  const value = optionalInt(values, flag);
  if (value === undefined || value === null) throw new AdminError(`--${flag} is required`);
  return value;
}

/** A repeatable flag; `none` alone empties the list. */
export function list(values: Values, flag: string): string[] | undefined {
  const value = values[flag];
  if (!Array.isArray(value)) return undefined;
  return value.length === 1 && value[0] === "none" ? [] : value;
}

/** The flags a query-taking command shares with the API's query string. */
export function query(values: Values, names: Readonly<Record<string, string>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(names).map(([flag, param]) => [param, optionalString(values, flag)]));
}
