import type { GriffelStyle } from '@fluentui/react-components';

/** Out of sight but read by screen readers: words the layout already makes plain to the eye. */
export const visuallyHidden: GriffelStyle = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
};
