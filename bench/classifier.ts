/**
 * npm run bench:classifier — throughput of the sensitive-content classifier on one core, beside baselines
 * measured on the same bytes in the same run (`text.match(/\d/g)` and `JSON.parse` of the text as a JSON
 * string), adversarial inputs that must stay linear, and the size of the core as it ships in the add-in.
 *
 * Targets (printed for reference, not pass/fail): 50 MB/s or more; 1 MB of digits in under 100 ms;
 * the minified core under 40 KB.
 */
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { classifyMessage, classifyText } from '../src/core/classifier/index';
import { DEFAULT_POLICY, type OrgPolicy } from '../src/core/policy';
import { loadCorpus, type CorpusEmail } from './eval-classifier';
import { buildCoreBundle } from '../scripts/core-bundle';

const MIN_RUN_MS = Number(process.env.BENCH_MIN_MS ?? 400);

/** Median milliseconds of repeated runs, after a warm-up; at least 5 runs and MIN_RUN_MS of work. */
function measure(task: () => unknown): number {
  task();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 5 || performance.now() - started < MIN_RUN_MS) {
    const t0 = performance.now();
    task();
    times.push(performance.now() - t0);
    if (times.length >= 1000) break;
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? NaN;
}

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

async function main(): Promise<void> {
  const { emails, policy } = loadCorpus();
  const everyday = emails.filter((e) => e.id.startsWith('everyday-'));
  const sensitive = emails.filter((e) => e.labels.length > 0);
  // Everyday mail: numbers everywhere (orders, dates, phones, amounts), one mail in 20 with sensitive data.
  const everydayMix = everyday.flatMap((e, i) =>
    i % 19 === 18 ? [e, sensitive[i % sensitive.length]!] : [e],
  );

  console.log(
    `node ${process.version}, one core; median of repeated runs (at least ${MIN_RUN_MS} ms each)\n`,
  );
  console.log(
    'Throughput: classifyText (normalise + all built-in detectors), beside baselines on the same text',
  );
  const widths = [34, 9, 10, 9, 13, 14];
  console.log(row(['input', 'size', 'median ms', 'MB/s', 'match(\\d) MB/s', 'JSON.parse MB/s'], widths));
  const inputs: [string, string][] = [
    ['corpus mail, 10 KB', concat(emails, 10_000)],
    ['corpus mail, 1 MB', concat(emails, 1_000_000)],
    ['everyday mail, 10 KB', concat(everydayMix, 10_000)],
    ['everyday mail, 1 MB', concat(everydayMix, 1_000_000)],
  ];
  for (const [name, text] of inputs) {
    const json = JSON.stringify(text);
    const ms = measure(() => classifyText(text));
    const digits = measure(() => text.match(/\d/g));
    const parse = measure(() => JSON.parse(json));
    console.log(
      row(
        [
          name,
          kb(text.length),
          ms.toFixed(2),
          mbps(text.length, ms),
          mbps(text.length, digits),
          mbps(text.length, parse),
        ],
        widths,
      ),
    );
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
  const ms = measure(() => classifyMessage(message, policy));
  console.log(
    row(
      ['classifyMessage, 10 KB text as HTML', kb(html.length), ms.toFixed(2), mbps(html.length, ms), '', ''],
      widths,
    ),
  );

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
}

void main();
