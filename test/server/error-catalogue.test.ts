import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ERRORS, errorBody, type ErrorCode } from '../../src/contract/errors';
import { ApiError } from '../../src/server/errors';

const ROOT = join(__dirname, '..', '..');

/** docs/api.md's list: the bullets right after "Error codes", each "- `CODE` (status): meaning". */
function readmeCodes(): Array<{ code: string; status: number }> {
  const lines = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('Error codes'));
  if (start < 0) throw new Error('docs/api.md has no "Error codes" paragraph');
  let i = start + 1;
  while (i < lines.length && !lines[i]?.startsWith('- ')) i++;
  const found: Array<{ code: string; status: number }> = [];
  for (; i < lines.length && lines[i]?.startsWith('- '); i++) {
    const match = /^- `([A-Z_]+)` \((\d{3})\): \S/.exec(lines[i] ?? '');
    if (!match?.[1] || !match[2]) throw new Error(`docs/api.md error-code line not understood: ${lines[i]}`);
    found.push({ code: match[1], status: Number(match[2]) });
  }
  return found;
}

describe('the error catalogue', () => {
  const listed = readmeCodes();
  const table = ERROR_CODES.map((code) => ({ code, status: ERRORS[code].status }));

  it('is listed in docs/api.md, code for code and status for status, both ways', () => {
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((entry) => entry.code)).size).toBe(listed.length);
    const byCode = (entries: Array<{ code: string; status: number }>) =>
      [...entries].sort((a, b) => a.code.localeCompare(b.code));
    expect(byCode(listed)).toEqual(byCode(table));
  });

  it('holds a status and a message for every code', () => {
    for (const code of ERROR_CODES) {
      const { status, message } = ERRORS[code];
      expect(status >= 400 && status < 600).toBe(true);
      expect(message.trim()).not.toBe('');
    }
  });

  it('is pure: the module imports nothing, so the add-in and the console can bundle it', () => {
    const source = readFileSync(join(ROOT, 'src', 'contract', 'errors.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b|\brequire\(/m);
  });

  it('gives every ApiError its code’s status, and its default message unless the caller has a better one', () => {
    const code: ErrorCode = 'MESSAGE_CLOSED';
    const plain = new ApiError(code);
    expect([plain.statusCode, plain.message]).toEqual([409, ERRORS[code].message]);
    const told = new ApiError('RATE_LIMITED', 'Try again in 3 seconds.', { retryAfterSeconds: 3 });
    expect([told.statusCode, told.message, told.retryAfterSeconds]).toEqual([
      429,
      'Try again in 3 seconds.',
      3,
    ]);
    const busy = new ApiError('BUSY', { retryAfterSeconds: 5 });
    expect([busy.statusCode, busy.message, busy.retryAfterSeconds]).toEqual([503, ERRORS.BUSY.message, 5]);
    expect(errorBody('NOT_READY')).toEqual({
      error: { code: 'NOT_READY', message: ERRORS.NOT_READY.message },
    });
  });
});
