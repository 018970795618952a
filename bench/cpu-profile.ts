import { Session, type Profiler } from 'node:inspector';

/**
 * CPU profiles of a bench server during a load (node:inspector, so start-up and compilation are not in
 * it), summarised as microseconds per request and compared with the baseline's: what a figure below its
 * target spends its time on.
 */

export function startProfile(intervalMicros = 200): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (error, result) => {
        if (error) reject(error);
        else resolve(result as T);
      });
    });
  return (async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: intervalMicros });
    await post('Profiler.start');
    return async () => {
      const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
      session.disconnect();
      return profile;
    };
  })();
}

export interface ProfileSummary {
  /** Time on the CPU (not idle) per request, µs. */
  busyMicros: number;
  /** Per area (the kernel and native code, Node, a package, TLS Gate's own source), µs per request. */
  areas: Map<string, number>;
  /** Self time per function, µs per request. */
  functions: Map<string, number>;
}

/** Where a sampled function lives. */
function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : 'native: syscalls (writev, read), parser';
  if (url.startsWith('node:')) return 'node: http, streams, timers';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/(src\/[^/]+(?:\/[^/.]+)?)/.exec(url);
  return own?.[1] ?? url;
}

export function summarise(profile: Profiler.Profile, requests: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const perRequest = 1 / Math.max(requests, 1);
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    const micros = (deltas[index] ?? 0) * perRequest;
    if (!frame || frame.functionName === '(idle)') return;
    busy += micros;
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const where = area(frame.url, frame.functionName);
    areas.set(where, (areas.get(where) ?? 0) + micros);
  });
  return { busyMicros: busy, areas, functions };
}

/** A server's profile beside its baseline's: per area, then the functions that cost the most more. */
export function formatComparison(label: string, own: ProfileSummary, base: ProfileSummary, top = 12): string {
  const rows = (mine: Map<string, number>, theirs: Map<string, number>): Array<[string, number, number]> =>
    [...new Set([...mine.keys(), ...theirs.keys()])]
      .map((key): [string, number, number] => [key, mine.get(key) ?? 0, theirs.get(key) ?? 0])
      .sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
  const line = ([name, mine, theirs]: [string, number, number]): string =>
    `      ${mine.toFixed(1).padStart(6)} ${theirs.toFixed(1).padStart(6)} ${(mine - theirs >= 0 ? '+' : '') + (mine - theirs).toFixed(1).padStart(5)}  ${name}`;
  // What runs in JavaScript above Node (TLS Gate, Fastify, its plugins) against what the baseline pays too.
  const runtime = (key: string): boolean =>
    key.startsWith('native') || key.startsWith('node') || key.startsWith('(');
  const more = (keep: (key: string) => boolean): string =>
    rows(own.areas, base.areas)
      .filter(([key]) => keep(key))
      .reduce((sum, [, mine, theirs]) => sum + mine - theirs, 0)
      .toFixed(1);
  return [
    `    ${label}: ${own.busyMicros.toFixed(1)} µs of CPU per request, baseline ${base.busyMicros.toFixed(1)} µs; ` +
      `more: ${more((key) => !runtime(key))} µs in JavaScript above Node, ${more(runtime)} µs in Node, the kernel and GC`,
    `      ${'µs'.padStart(6)} ${'base'.padStart(6)} ${'more'.padStart(6)}  by area`,
    ...rows(own.areas, base.areas)
      .filter(([, mine, theirs]) => Math.max(mine, theirs) >= 0.2)
      .map(line),
    `      ${''.padStart(6)} ${''.padStart(6)} ${''.padStart(6)}  the functions that cost the most more (self time)`,
    ...rows(own.functions, base.functions).slice(0, top).map(line),
  ].join('\n');
}
