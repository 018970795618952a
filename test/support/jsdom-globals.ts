/**
 * jsdom has no fetch, streams or TextEncoder, and its AbortSignal is not the one Node's fetch accepts. The
 * task pane's HTTP calls go through msw, which needs Node's own versions, so they are copied from Node's
 * global into the jsdom window. Import this first in a `@jest-environment jsdom` test file, and give the
 * file `@jest-environment-options {"customExportConditions": [""]}` so msw/node resolves (jsdom asks for
 * the browser build otherwise).
 */
import { runInThisContext } from 'node:vm';

// vm's "this context" is Node's main one, outside jest's jsdom sandbox.
const node = runInThisContext('globalThis') as Record<string, unknown>;

const NAMES = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'AbortController',
  'AbortSignal',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'TextEncoder',
  'TextDecoder',
  'TextDecoderStream',
  'TextEncoderStream',
  'Blob',
  'File',
  'BroadcastChannel',
  'MessageChannel',
  'MessagePort',
  'structuredClone',
  'setImmediate',
  'clearImmediate',
];

for (const name of NAMES)
  if (name in node)
    Object.defineProperty(globalThis, name, { value: node[name], writable: true, configurable: true });

// Fluent's motion checks prefers-reduced-motion; jsdom has no matchMedia.
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function')
  Object.defineProperty(window, 'matchMedia', {
    configurable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
