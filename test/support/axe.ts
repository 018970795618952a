import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * axe-core findings as one line each, judged on a settled page. Fluent fades and slides content in, and
 * a control can pass through a state for a frame or two (seen in CI and locally: a button's disabled colours, a
 * half-faded text) that fails contrast although the page at rest passes. So colours are judged after
 * every running animation and transition has finished, and findings are reported when they are still there
 * half a second later: a real defect is, a passing frame is not.
 * Tabster's focus sentinels are aria-hidden and focusable by design (they pass focus on).
 */
export async function axeViolations(page: Page, label = ''): Promise<string[]> {
  const settled = async (): Promise<string[]> => {
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const result = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
    return result.violations.map(
      (v) =>
        `${label}${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`,
    );
  };
  const first = await settled();
  if (first.length === 0) return first;
  await new Promise((resolve) => setTimeout(resolve, 500));
  return settled();
}
