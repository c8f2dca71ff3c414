export type OsFamily = 'android' | 'ios' | 'macos' | 'windows' | 'linux' | 'chromeos' | 'other';
export type BrowserFamily = 'chrome' | 'edge' | 'safari' | 'firefox' | 'samsung' | 'other';

interface UserAgentData {
  platform?: string;
  brands?: { brand: string }[];
}

/**
 * The coarse platform: OS family and browser family, nothing finer (no versions, no device model),
 * from User-Agent Client Hints where the browser has them, else from a few words of the user agent.
 */
export function platformFamily(nav: Navigator = globalThis.navigator): { osFamily: OsFamily; browserFamily: BrowserFamily } {
  const data = (nav as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  const ua = nav.userAgent ?? '';
  return { osFamily: osFrom(data?.platform, ua, nav.maxTouchPoints ?? 0), browserFamily: browserFrom(data?.brands, ua) };
}

function osFrom(platform: string | undefined, ua: string, touchPoints: number): OsFamily {
  const source = platform && platform !== '' ? platform : ua;
  // Order matters: Android's user agent says Linux, iPadOS's may say Macintosh (then touch points tell).
  if (/android/i.test(source)) return 'android';
  if (/iphone|ipad|ipod|\bios\b/i.test(source)) return 'ios';
  if (/cros|chrome os|chromium os/i.test(source)) return 'chromeos';
  if (/mac/i.test(source)) return touchPoints > 1 ? 'ios' : 'macos';
  if (/win/i.test(source)) return 'windows';
  if (/linux/i.test(source)) return 'linux';
  return 'other';
}

function browserFrom(brands: { brand: string }[] | undefined, ua: string): BrowserFamily {
  const names = brands?.map((b) => b.brand).join(' ') ?? '';
  const source = names !== '' ? names : ua;
  if (/edg/i.test(source)) return 'edge';
  if (/samsung/i.test(source)) return 'samsung';
  if (/firefox|fxios/i.test(source)) return 'firefox';
  if (/chrom|crios/i.test(source)) return 'chrome';
  if (/safari/i.test(source)) return 'safari';
  return 'other';
}
