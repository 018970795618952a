import { Session, type Profiler } from 'node:inspector';

/**
 * CPU profiles of a bench server during a load (node:inspector, so start-up and compilation are not in
 * it), summarised as microseconds per request: what a figure below its target spends its time on.
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
  /** CPU time (not idle) per request, in µs. */
  busyMicros: number;
  /** Busy time per area (node internals, a package, TLS Gate's own code), µs per request. */
  areas: Array<[string, number]>;
  /** The functions with most self time, µs per request. */
  top: Array<[string, number]>;
}

/** Where a sampled function lives: a package, TLS Gate's source, Node itself or V8's bookkeeping. */
function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : 'native (syscalls: writev, …)';
  if (url.startsWith('node:')) return 'node (http, streams, timers)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/(src\/[^/]+(?:\/[^/.]+)?)/.exec(url);
  return own?.[1] ?? url;
}

export function summarise(profile: Profiler.Profile, requests: number, topN = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    const micros = deltas[index] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busy += micros;
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + micros);
    const where = area(frame.url, frame.functionName);
    areas.set(where, (areas.get(where) ?? 0) + micros);
  });
  const perRequest = (entries: Map<string, number>, n: number): Array<[string, number]> =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, micros]) => [key.trim(), micros / Math.max(requests, 1)]);
  return {
    busyMicros: busy / Math.max(requests, 1),
    areas: perRequest(areas, 10),
    top: perRequest(self, topN),
  };
}

export function formatSummary(label: string, summary: ProfileSummary): string {
  const line = ([name, micros]: [string, number]): string =>
    `      ${micros.toFixed(1).padStart(6)} µs  ${((micros / summary.busyMicros) * 100).toFixed(0).padStart(3)}%  ${name}`;
  return [
    `    ${label}: ${summary.busyMicros.toFixed(1)} µs of CPU per request`,
    '     by area:',
    ...summary.areas.map(line),
    '     top self time:',
    ...summary.top.map(line),
  ].join('\n');
}
