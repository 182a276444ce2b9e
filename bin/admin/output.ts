/** How a command's result leaves the CLI: the API's own JSON with --json, CSV with --csv, else text. */

export interface CommandResult {
  /** What --json prints: the admin API's JSON for the same operation. */
  readonly data: unknown;
  readonly text: string;
  /** The rows --csv prints, for commands that list things. */
  readonly rows?: ReadonlyArray<Record<string, unknown>>;
}

/**
 * RFC 4180 CSV of flat rows; nested values are written as JSON.
 *
 * @example toCsv([{ id: "a", note: 'say "hi"' }]) // 'id,note\r\na,"say ""hi"""\r\n'
 */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(","), ...rows.map((row) => columns.map((column) => cell(row[column])).join(","))].map((line) => `${line}\r\n`).join("");
}

/** A left-aligned text table, for people. */
export function table(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map((column) => (row[column] === null || row[column] === undefined ? "-" : String(row[column]))));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]?.length ?? 0)));
  const line = (values: readonly string[]) => values.map((value, index) => value.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}
