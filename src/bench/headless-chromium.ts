/**
 * How the bench (dashboard_first_paint_ms) and the browser tests start Chromium: the system's (/usr/bin/chromium, or
 * CHROMIUM_PATH), headless, never a browser download.
 *
 * The WebUI omnibox popup is off: Chromium's headless mode (156 here) otherwise loads it, ~80 chrome:// resources on the
 * same cores as the page, in every new browser context, and the bench and the tests open a fresh context per load. A
 * user's browser loads it once per window, not per page. Measured A/B on the demo world (2026-12-06, 11 cold loads
 * each, two pairs): the overview's rows seen at 1,113 and 1,192 ms with it, 826 and 734 ms without; first contentful
 * paint 512 and 456 against 360 and 320 ms (that A/B changed only this flag; the bench also took on the tests' three
 * other flags then, --disable-component-update, --disable-sync and --disable-quic, which a page load does not use)
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
];
