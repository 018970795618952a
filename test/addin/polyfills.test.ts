/**
 * addin/shared/polyfills.ts stands in for Object.entries and Array.prototype.flatMap in classic Outlook's
 * ES2016 runtime. Loaded here with the builtins removed, its stand-ins must answer as the builtins do.
 */

type Entries = (object: unknown) => [string, unknown][];
type FlatMap = (this: unknown, callback: unknown, thisArg?: unknown) => unknown[];

const nativeEntries = Object.entries as Entries;
const nativeFlatMap = Array.prototype.flatMap as FlatMap;
let entries: Entries = nativeEntries;
let flatMap: FlatMap = nativeFlatMap;
let descriptors: PropertyDescriptor[] = [];

beforeAll(() => {
  const globals = {
    object: Object as unknown as Record<string, unknown>,
    array: Array.prototype as unknown as Record<string, unknown>,
  };
  delete globals.object.entries;
  delete globals.array.flatMap;
  try {
    jest.isolateModules(() => {
      jest.requireActual('../../addin/shared/polyfills');
    });
    entries = Object.entries as Entries;
    flatMap = Array.prototype.flatMap as FlatMap;
    descriptors = [
      Object.getOwnPropertyDescriptor(Object, 'entries'),
      Object.getOwnPropertyDescriptor(Array.prototype, 'flatMap'),
    ].filter((d): d is PropertyDescriptor => d !== undefined);
  } finally {
    Object.defineProperty(Object, 'entries', { value: nativeEntries, writable: true, configurable: true });
    Object.defineProperty(Array.prototype, 'flatMap', {
      value: nativeFlatMap,
      writable: true,
      configurable: true,
    });
  }
});

/** The array with a hole wherever `'hole'` stands. */
function withHoles(values: unknown[]): unknown[] {
  const array: unknown[] = [];
  array.length = values.length;
  values.forEach((value, index) => {
    if (value !== 'hole') array[index] = value;
  });
  return array;
}

describe('the ES2016 polyfills', () => {
  it('install both, not enumerable, as the builtins are', () => {
    expect(entries).not.toBe(nativeEntries);
    expect(flatMap).not.toBe(nativeFlatMap);
    expect(descriptors.map((d) => [d.enumerable, d.writable, d.configurable])).toEqual([
      [false, true, true],
      [false, true, true],
    ]);
  });

  it('leave builtins that exist alone', () => {
    jest.isolateModules(() => {
      jest.requireActual('../../addin/shared/polyfills');
    });
    expect(Object.entries).toBe(nativeEntries);
    expect(Array.prototype.flatMap).toBe(nativeFlatMap);
  });

  it('Object.entries: own enumerable string keys in order, like the builtin', () => {
    const withHidden = Object.defineProperty({ b: 1, a: [2], 2: 'x', 1: null }, 'hidden', { value: 3 });
    const inherited = Object.assign(Object.create({ up: 1 }) as object, { own: true, [Symbol('s')]: 1 });
    for (const input of [withHidden, inherited, 'ab', withHoles([5, 'hole', 7]), {}, 42, true])
      expect(entries(input)).toEqual(nativeEntries(input));
    for (const input of [null, undefined]) {
      expect(() => nativeEntries(input)).toThrow(TypeError);
      expect(() => entries(input)).toThrow(TypeError);
    }
  });

  it('Array.prototype.flatMap: one level, holes skipped, callback arguments and this, like the builtin', () => {
    const sparse = withHoles([1, 'hole', withHoles([2, 'hole', 3]), [[4]], 'ab']);
    const spread = (value: unknown): unknown => (typeof value === 'number' ? [value, value * 10] : value);
    expect(flatMap.call(sparse, spread)).toEqual(nativeFlatMap.call(sparse, spread));
    const seen: unknown[] = [];
    const context = { tag: 'this' };
    flatMap.call(
      ['a', 'b'],
      function (this: unknown, value: unknown, index: number, array: unknown) {
        seen.push([this, value, index, array]);
        return [];
      },
      context,
    );
    expect(seen).toEqual([
      [context, 'a', 0, ['a', 'b']],
      [context, 'b', 1, ['a', 'b']],
    ]);
    const arrayLike = { length: 2, 0: 'x', 1: ['y'] };
    expect(flatMap.call(arrayLike, (v: unknown) => v)).toEqual(
      nativeFlatMap.call(arrayLike, (v: unknown) => v),
    );
    expect(() => flatMap.call([1], 'not a function')).toThrow(TypeError);
  });
});
