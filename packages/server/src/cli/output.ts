/** `--json`: exactly one JSON object on stdout. Otherwise: lines for a person. */
export function emit(json: boolean | undefined, value: object, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

export const when = (seconds: number | null): string => (seconds === null ? '-' : new Date(seconds * 1000).toISOString());

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
