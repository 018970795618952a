/**
 * npm run bench:classifier — throughput of the sensitive-content classifier on one core, beside baselines
 * measured on the same bytes in the same run (`text.match(/\d/g)` and `JSON.parse` of the text as a JSON
 * string), adversarial inputs that must stay linear, and the size of the core as it ships in the add-in.
 *
 * Targets (issue 14): classifyText 100 MB/s on mail, 50 MB/s on dense text (every mail sensitive);
 * classifyMessage 50 MB/s on a 10 KB HTML mail; 1 MB of digits in under 100 ms; the minified core under
 * 40 KB. A missed throughput target is printed with the functions that take the time (a CPU profile).
 */
import { Session, type Profiler } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type * as Classifier from '../src/core/classifier/index';
import { DEFAULT_POLICY, type OrgPolicy } from '../src/core/policy';
import { loadCorpus, type CorpusEmail } from './eval-classifier';
import { buildCoreBundle } from '../scripts/core-bundle';

const MIN_RUN_MS = Number(process.env.BENCH_MIN_MS ?? 400);

/**
 * Median milliseconds of each task, after a warm-up. The tasks run in interleaved rounds (at least 5, and
 * MIN_RUN_MS of work), so load from other processes on a shared machine hits them alike.
 */
function measureAll(tasks: readonly (() => unknown)[]): number[] {
  for (const task of tasks) task();
  const times: number[][] = tasks.map(() => []);
  const started = performance.now();
  for (let round = 0; round < 1000 && (round < 5 || performance.now() - started < MIN_RUN_MS); round++)
    tasks.forEach((task, k) => {
      const t0 = performance.now();
      task();
      times[k]?.push(performance.now() - t0);
    });
  return times.map((list) => list.sort((a, b) => a - b)[list.length >> 1] ?? NaN);
}

const measure = (task: () => unknown): number => measureAll([task])[0] ?? NaN;

/** Where a task spends its time: self time per function from the V8 profiler, in percent of the busy time. */
function profile(task: () => unknown, ms = 1000): string[] {
  const session = new Session();
  session.connect();
  let result: Profiler.Profile | undefined;
  // The inspector answers these synchronously when the session is in this thread.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  session.post('Profiler.start');
  const started = performance.now();
  while (performance.now() - started < ms) task();
  session.post('Profiler.stop', (error, reply) => {
    if (!error) result = reply.profile;
  });
  session.disconnect();
  if (!result) return ['    (no profile)'];
  const byId = new Map(result.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  let busy = 0;
  (result.samples ?? []).forEach((id, k) => {
    const frame = byId.get(id);
    const micros = result?.timeDeltas?.[k] ?? 0;
    if (!frame || ['(idle)', '(program)'].includes(frame.functionName)) return;
    busy += micros;
    const file = frame.url.replace(/^.*\/(src|bench)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    self.set(name.length > 90 ? `${name.slice(0, 87)}...` : name, (self.get(name) ?? 0) + micros);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, micros]) => `    ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${name}`);
}

/** Prints whether a throughput target is met; when not, what the profile says the time goes to. */
function verdict(name: string, mbPerS: number, target: number, task: () => unknown): void {
  if (mbPerS >= target) return;
  missed.push(
    `${name}: ${mbPerS.toFixed(1)} MB/s, target ${target}. Self time by function:`,
    ...profile(task),
  );
}
const missed: string[] = [];

const mbps = (chars: number, ms: number): string => (chars / 1e6 / (ms / 1000)).toFixed(1);
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

function concat(emails: readonly CorpusEmail[], size: number): string {
  let text = '';
  for (let i = 0; text.length < size; i++) {
    const email = emails[i % emails.length];
    if (!email) break;
    text += `${email.subject}\n${email.body}\n\n`;
  }
  return text.slice(0, size);
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((cell, i) => String(cell).padStart(widths[i] ?? 10)).join('  ');
}

async function coreSize(target?: string): Promise<{ minified: number; gzipped: number }> {
  const result = await buildCoreBundle(target);
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.length, gzipped: gzipSync(code).length };
}

/**
 * The classifier as it ships: the minified core bundle (identifiers kept, for readable profiles). Run from
 * source under tsx, every call across modules goes through an export getter the bundle does not have.
 */
async function loadCore(): Promise<typeof Classifier> {
  const result = await buildCoreBundle(undefined, {
    globalName: 'core',
    minify: false,
    minifySyntax: true,
    minifyWhitespace: true,
  });
  const code = result.outputFiles[0]?.text ?? '';
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own bundle, built just now
  const run = new Function(`${code}; return core;`) as () => typeof Classifier;
  return run();
}

async function main(): Promise<void> {
  const { classifyMessage, classifyText } = await loadCore();
  const { emails, policy } = loadCorpus();
  const everyday = emails.filter((e) => e.id.startsWith('everyday-'));
  const sensitive = emails.filter((e) => e.labels.length > 0);
  // Everyday mail: numbers everywhere (orders, dates, phones, amounts), one mail in 20 with sensitive data.
  const everydayMix = everyday.flatMap((e, i) =>
    i % 19 === 18 ? [e, sensitive[i % sensitive.length]!] : [e],
  );

  console.log(
    `node ${process.version}, one core, the core bundle as shipped; medians of interleaved rounds (at least ${MIN_RUN_MS} ms)\n`,
  );
  console.log(
    'Throughput: classifyText (normalise + all built-in detectors), beside baselines on the same text',
  );
  const widths = [34, 9, 10, 9, 13, 14, 7];
  console.log(
    row(['input', 'size', 'median ms', 'MB/s', 'match(\\d) MB/s', 'JSON.parse MB/s', 'target'], widths),
  );
  // Dense text: only the mails with sensitive data, so nearly every line holds a number and a keyword.
  const inputs: [string, string, number][] = [
    ['corpus mail, 10 KB', concat(emails, 10_000), 100],
    ['corpus mail, 1 MB', concat(emails, 1_000_000), 100],
    ['everyday mail, 10 KB', concat(everydayMix, 10_000), 100],
    ['everyday mail, 1 MB', concat(everydayMix, 1_000_000), 100],
    ['dense text, 10 KB', concat(sensitive, 10_000), 50],
    ['dense text, 1 MB', concat(sensitive, 1_000_000), 50],
  ];
  for (const [name, text, target] of inputs) {
    const json = JSON.stringify(text);
    const classify = (): unknown => classifyText(text);
    const [ms = NaN, digits = NaN, parse = NaN] = measureAll([
      classify,
      () => text.match(/\d/g),
      (): unknown => JSON.parse(json),
    ]);
    const speed = mbps(text.length, ms);
    const cells = [name, kb(text.length), ms.toFixed(2), speed, mbps(text.length, digits)];
    console.log(row([...cells, mbps(text.length, parse), target], widths));
    verdict(`classifyText, ${name}`, Number(speed), target, classify);
  }

  console.log(
    '\nA whole message as the add-in classifies it: HTML body, subject, attachment names, org rules',
  );
  const html = `<html><body>${concat(emails, 10_000)
    .split('\n')
    .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
    .join('')}</body></html>`;
  const message = {
    subject: 'Re: gegevens',
    body: html,
    bodyType: 'html' as const,
    attachmentNames: ['scan.pdf'],
  };
  const classify = (): unknown => classifyMessage(message, policy);
  const htmlJson = JSON.stringify(html);
  const [ms = NaN, htmlDigits = NaN, htmlParse = NaN] = measureAll([
    classify,
    () => html.match(/\d/g),
    (): unknown => JSON.parse(htmlJson),
  ]);
  const speed = mbps(html.length, ms);
  const name = 'classifyMessage, 10 KB text as HTML';
  const baselines = [mbps(html.length, htmlDigits), mbps(html.length, htmlParse)];
  console.log(row([name, kb(html.length), ms.toFixed(2), speed, ...baselines, 50], widths));
  verdict(name, Number(speed), 50, classify);

  console.log('\nAdversarial inputs (must stay linear)');
  const manyKeywords: OrgPolicy = {
    ...DEFAULT_POLICY,
    detection: {
      ...DEFAULT_POLICY.detection,
      customRules: [
        {
          id: 'many',
          name: '100,000 keywords',
          kind: 'keywords',
          keywords: Array.from({ length: 100_000 }, (_, i) => (i % 2 ? `codeword${i}` : `code word ${i}`)),
          sensitivity: 'high',
        },
      ],
    },
  };
  const slowRegex: OrgPolicy = {
    ...DEFAULT_POLICY,
    detection: {
      ...DEFAULT_POLICY.detection,
      customRules: [
        {
          id: 'slow',
          name: 'slow',
          kind: 'regex',
          pattern: '\\d+x',
          caseInsensitive: false,
          sensitivity: 'high',
        },
      ],
    },
  };
  const mixed1m = inputs[1]![1];
  const adversarial: [string, () => unknown, number][] = [
    ['1 MB of digits (target < 100 ms)', () => classifyText('7'.repeat(1_000_000)), 1_000_000],
    ['1 MB "1 1 1 ..."', () => classifyText('1 '.repeat(500_000)), 1_000_000],
    ['1 MB "1-1-1-..."', () => classifyText('1-'.repeat(500_000)), 1_000_000],
    ['1 MB "1234 1234 ..."', () => classifyText('1234 '.repeat(200_000)), 1_000_000],
    ['1 MB "- - - ..."', () => classifyText('- '.repeat(500_000)), 1_000_000],
    ['1 MB ". . . ..."', () => classifyText('. '.repeat(500_000)), 1_000_000],
    ['100,000 keywords in the text ("bsn ")', () => classifyText('bsn '.repeat(100_000)), 400_000],
    [
      '100,000 keywords + numbers ("BSN 111222333 ")',
      () => classifyText('BSN 111222333 '.repeat(100_000)),
      1_400_000,
    ],
    [
      'org rule of 100,000 keywords, 1 MB mail',
      () =>
        classifyMessage({ subject: '', body: mixed1m, bodyType: 'text', attachmentNames: [] }, manyKeywords),
      1_000_000,
    ],
    [
      'org regex \\d+x on 1 MB of digits (50 ms cap)',
      () =>
        classifyMessage(
          { subject: '', body: '7'.repeat(1_000_000), bodyType: 'text', attachmentNames: [] },
          slowRegex,
        ),
      1_000_000,
    ],
    [
      '1 MB of unclosed tags as HTML ("<a \\"")',
      () => classifyText('<a "'.repeat(250_000), { html: true }),
      1_000_000,
    ],
  ];
  const advWidths = [48, 10, 9];
  console.log(row(['input', 'median ms', 'MB/s'], advWidths));
  for (const [name, task, size] of adversarial) {
    const t = measure(task);
    console.log(row([name, t.toFixed(1), mbps(size, t)], advWidths));
  }

  console.log(
    '\nCore size (src/core/classifier/index.ts + src/core/decide.ts; esbuild, minified, IIFE, browser)',
  );
  for (const [name, target] of [
    ['default target (esnext)', undefined],
    ['target es2016 (classic Outlook)', 'es2016'],
  ] as const) {
    const size = await coreSize(target);
    console.log(
      `  ${name.padEnd(34)} minified ${kb(size.minified)}, gzipped ${kb(size.gzipped)}  (budget 40.0 KB)`,
    );
  }

  console.log(
    missed.length === 0
      ? '\nThroughput targets: all met.'
      : `\nThroughput targets missed (on this machine, under its current load); a regular expression's time counts to the function that runs it:\n${missed.join('\n')}`,
  );
}

void main();
