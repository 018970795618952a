/**
 * npm run eval:classifier — precision and recall per finding type on the labelled corpus in
 * test/fixtures/corpus/. Exits 1 when a type misses the targets (precision >= 0.97, recall >= 0.95) on
 * either part:
 *
 * - tuning: the top-level files, which the detectors were developed against;
 * - held-out: heldout/, written from docs/detection.md without reading the detectors. It
 *   measures how the detectors generalise, so it is never used to tune them (fix classes of misses, not ids).
 *
 * Counting is per email and type: an email labelled with two IBANs where one is found counts one true
 * positive and one miss; a finding of a type the email is not labelled with is a false positive. Every
 * reported finding counts, whatever its confidence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyMessage, type MessageContent } from '../src/core/classifier/index';
import { DETECTOR_TYPES, type FindingType, type OrgPolicy } from '../src/core/policy';

export const PRECISION_TARGET = 0.97;
export const RECALL_TARGET = 0.95;
export const CORPUS_DIR = join(__dirname, '..', 'test', 'fixtures', 'corpus');
export const HELDOUT_SUBDIR = 'heldout';

export interface CorpusEmail {
  id: string;
  lang: 'en' | 'nl';
  subject: string;
  body: string;
  bodyType: 'html' | 'text';
  sensitivityLabelId?: string;
  /** Expected finding types, repeated for each expected finding. */
  labels: FindingType[];
}

export interface TypeScore {
  type: FindingType;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export interface Mistake {
  id: string;
  type: FindingType;
  expected: number;
  found: number;
  masked: string[];
}

export interface Corpus {
  policy: OrgPolicy;
  /** The top-level files: the detectors were tuned on these. */
  tuning: CorpusEmail[];
  /** heldout/: written independently of the detectors. */
  heldout: CorpusEmail[];
  /** Both parts. */
  emails: CorpusEmail[];
  /** Each email's file, relative to the corpus folder. */
  fileOf: ReadonlyMap<string, string>;
}

const FINDING_TYPES: ReadonlySet<string> = new Set<FindingType>([...DETECTOR_TYPES, 'custom', 'label']);

function isCorpusEmail(value: unknown): value is CorpusEmail {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    (e.lang === 'en' || e.lang === 'nl') &&
    typeof e.subject === 'string' &&
    typeof e.body === 'string' &&
    (e.bodyType === 'html' || e.bodyType === 'text') &&
    (e.sensitivityLabelId === undefined || typeof e.sensitivityLabelId === 'string') &&
    Array.isArray(e.labels) &&
    e.labels.every((l) => typeof l === 'string' && FINDING_TYPES.has(l))
  );
}

/** The emails of every *.json in `dir` except policy.json, by file name; a malformed entry throws. */
function readEmails(dir: string, prefix: string, fileOf: Map<string, string>): CorpusEmail[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json') && entry.name !== 'policy.json')
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => {
      const file = prefix + name;
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of emails`);
      return parsed.map((entry: unknown, i) => {
        if (!isCorpusEmail(entry)) throw new Error(`${file}: entry ${i} is not a labelled email`);
        if (fileOf.has(entry.id)) throw new Error(`${file}: duplicate id ${entry.id}`);
        fileOf.set(entry.id, file);
        return entry;
      });
    });
}

export function loadCorpus(dir = CORPUS_DIR): Corpus {
  const policy = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8')) as OrgPolicy;
  const fileOf = new Map<string, string>();
  const tuning = readEmails(dir, '', fileOf);
  const heldout = readEmails(join(dir, HELDOUT_SUBDIR), `${HELDOUT_SUBDIR}/`, fileOf);
  return { policy, tuning, heldout, emails: [...tuning, ...heldout], fileOf };
}

function count<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

export function evaluate(
  emails: readonly CorpusEmail[],
  policy: OrgPolicy,
): { scores: TypeScore[]; mistakes: Mistake[] } {
  const tally = new Map<FindingType, { tp: number; fp: number; fn: number }>();
  const mistakes: Mistake[] = [];
  for (const email of emails) {
    const content: MessageContent = {
      subject: email.subject,
      body: email.body,
      bodyType: email.bodyType,
      attachmentNames: [],
      sensitivityLabelId: email.sensitivityLabelId ?? null,
    };
    const { findings } = classifyMessage(content, policy);
    const expected = count(email.labels);
    const found = count(findings.map((f) => f.type));
    for (const type of new Set([...expected.keys(), ...found.keys()])) {
      const e = expected.get(type) ?? 0;
      const f = found.get(type) ?? 0;
      const t = tally.get(type) ?? { tp: 0, fp: 0, fn: 0 };
      t.tp += Math.min(e, f);
      t.fp += Math.max(0, f - e);
      t.fn += Math.max(0, e - f);
      tally.set(type, t);
      if (e !== f)
        mistakes.push({
          id: email.id,
          type,
          expected: e,
          found: f,
          masked: findings.filter((x) => x.type === type).map((x) => x.masked),
        });
    }
  }
  const scores = [...tally.entries()]
    .map(([type, t]) => ({
      type,
      truePositives: t.tp,
      falsePositives: t.fp,
      falseNegatives: t.fn,
      precision: t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp),
      recall: t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn),
    }))
    .sort((a, b) => (a.type < b.type ? -1 : 1));
  return { scores, mistakes };
}

export function meetsTargets(score: TypeScore): boolean {
  return score.precision >= PRECISION_TARGET && score.recall >= RECALL_TARGET;
}

function pad(value: number | string, width: number): string {
  return String(value).padStart(width);
}

/** Prints one part's table, per-file counts and mistakes; returns whether every type meets the targets. */
function report(
  title: string,
  emails: readonly CorpusEmail[],
  corpus: Corpus,
  withMistakes: boolean,
): boolean {
  const { scores, mistakes } = evaluate(emails, corpus.policy);
  const langs = count(emails.map((e) => e.lang));
  console.log(
    `\n== ${title}: ${emails.length} emails (en ${langs.get('en') ?? 0}, nl ${langs.get('nl') ?? 0}), ` +
      `${emails.filter((e) => e.labels.length === 0).length} without sensitive content`,
  );
  console.log('type           TP   FP   FN  precision  recall');
  for (const s of scores)
    console.log(
      `${s.type.padEnd(13)} ${pad(s.truePositives, 3)} ${pad(s.falsePositives, 4)} ${pad(s.falseNegatives, 4)}  ` +
        `${pad(s.precision.toFixed(3), 9)}  ${pad(s.recall.toFixed(3), 6)}${meetsTargets(s) ? '' : '  MISSED'}`,
    );
  if (withMistakes) {
    const files = count(emails.map((e) => corpus.fileOf.get(e.id) ?? '?'));
    const wrong = count([...new Set(mistakes.map((m) => m.id))].map((id) => corpus.fileOf.get(id) ?? '?'));
    console.log(
      `by file: ${[...files.entries()].map(([file, n]) => `${file} ${n} (${wrong.get(file) ?? 0} wrong)`).join(', ')}`,
    );
    if (mistakes.length > 0) {
      console.log('mistakes:');
      for (const m of mistakes)
        console.log(`  ${m.id}  ${m.type}: expected ${m.expected}, found ${m.found} ${m.masked.join(' | ')}`);
    }
  }
  return scores.every(meetsTargets);
}

function main(): number {
  const corpus = loadCorpus();
  console.log(`targets: precision >= ${PRECISION_TARGET}, recall >= ${RECALL_TARGET} per type`);
  const tuningOk = report('tuning (top-level files)', corpus.tuning, corpus, true);
  const heldoutOk = report(`held-out (${HELDOUT_SUBDIR}/, not for tuning)`, corpus.heldout, corpus, true);
  report('whole corpus', corpus.emails, corpus, false);
  return tuningOk && heldoutOk ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
