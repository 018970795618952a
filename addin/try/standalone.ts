/**
 * dist/office-shim.js: the in-page Office implementation as a plain script, for pages that want Outlook's
 * mailbox without Outlook. Browser tests serve it in place of the CDN's office.js: it installs
 * `window.Office` from `window.TLSGATE_OFFICE_OPTIONS` (if set) and keeps the shim at `window.tlsgateShim`
 * so a test can change recipients or the theme as a user would.
 */
import { createOfficeShim, type OfficeShim, type ShimOptions } from './office-shim';

declare global {
  interface Window {
    TLSGATE_OFFICE_OPTIONS?: ShimOptions;
    tlsgateShim?: OfficeShim;
  }
}

const shim = createOfficeShim(window.TLSGATE_OFFICE_OPTIONS ?? {});
window.tlsgateShim = shim;
(window as unknown as { Office: unknown }).Office = shim.Office;
