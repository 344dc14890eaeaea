// The lowest Node version an `engines.node` range admits, for ranges npm packages actually use
// (">=22.19.0", "^20 || >=22", ">= 14.6", "18.x"). Enough to find the strictest floor of a
// closure; not a general semver implementation.
export type Version = [number, number, number];

export function parseVersion(text: string): Version | undefined {
  const match = /(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(text);
  if (!match) return undefined;
  const part = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? 0 : Number(s));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The minimum over the `||` alternatives; undefined when the range states no floor ("*"). */
export function engineFloor(range: string): Version | undefined {
  let floor: Version | undefined;
  for (const alternative of range.split('||')) {
    const version = parseVersion(alternative.replace(/<=?\s*[\d.x*]+/g, ''));
    if (!version) return undefined;
    if (!floor || compareVersions(version, floor) < 0) floor = version;
  }
  return floor;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
