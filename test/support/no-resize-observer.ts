/**
 * jsdom has no ResizeObserver; Fluent's MessageBar and charts watch their size with one. Import this in a
 * jsdom test file whose components need one: it puts in an observer that never reports a size.
 */
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
Object.defineProperty(window, 'ResizeObserver', { value: NoResizeObserver, configurable: true });
