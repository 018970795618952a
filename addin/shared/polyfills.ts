/**
 * Builtins newer than ES2016 that launchevent.js's code uses, for classic Outlook's JavaScript-only runtime
 * (ES2016 before build 2403): Object.entries (ES2017, addin/shared/session-cache.ts) and
 * Array.prototype.flatMap (ES2019, addin/shared/api.ts). Keep the list in step with the code: the launchevent
 * test runs the bundle with every newer builtin removed. Written here rather than taken from core-js, whose
 * shared machinery alone was 15 KB of a bundle that must download within the Smart Alert's time.
 */

function define(target: object, name: string, value: unknown): void {
  if (name in target) return;
  // As the builtins are: not enumerable, so `for…in` over arrays and objects does not see them.
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

define(Object, 'entries', function entries(object: object): [string, unknown][] {
  // Object.keys throws on null and undefined, as the builtin must.
  const keys = Object.keys(object);
  const source = Object(object) as Record<string, unknown>;
  return keys.map((key): [string, unknown] => [key, source[key]]);
});

define(
  Array.prototype,
  'flatMap',
  function flatMap(
    this: unknown[],
    callback: (value: unknown, index: number, array: unknown[]) => unknown,
    thisArg?: unknown,
  ): unknown[] {
    if (typeof callback !== 'function') throw new TypeError('flatMap: callback is not a function');
    const array = Object(this) as unknown[];
    const length = array.length >>> 0;
    const result: unknown[] = [];
    for (let index = 0; index < length; index++) {
      // Holes are skipped, as the builtin does.
      if (!(index in array)) continue;
      const mapped = callback.call(thisArg, array[index], index, array);
      if (Array.isArray(mapped)) {
        for (let inner = 0; inner < mapped.length; inner++) if (inner in mapped) result.push(mapped[inner]);
      } else result.push(mapped);
    }
    return result;
  },
);

// A module (not a script), so webpack joins it to the bundle's one scope instead of wrapping it apart.
export {};
