/** What every check reports: a stable rule name, a one-line message, and where in which file. */
export interface Problem {
  rule: string;
  message: string;
  where?: string;
}

export function formatProblem(problem: Problem): string {
  return `[${problem.rule}] ${problem.message}${problem.where ? `  (at ${problem.where})` : ''}`;
}

/** The first line of an error's message: no stack traces in the output. */
export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
