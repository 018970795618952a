import type { GriffelStyle } from '@fluentui/react-components';

/** A list without bullets or indent whose items stack `gap` apart: the console's lists of cards and rows. */
export function bareList(gap: string): GriffelStyle {
  return { margin: 0, paddingLeft: 0, listStyleType: 'none', display: 'grid', rowGap: gap };
}
