import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * axe-core findings as one line each. Colours are judged only after every running
 * animation and transition has finished: Fluent fades and slides content in, and a
 * half-faded text fails contrast on a loaded machine although the settled page passes.
 * Tabster's focus sentinels are aria-hidden and focusable by design (they pass focus on).
 */
export async function axeViolations(page: Page, label = ''): Promise<string[]> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  const result = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
  return result.violations.map(
    (v) =>
      `${label}${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`,
  );
}
