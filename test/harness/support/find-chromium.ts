// The HTML report test needs a real browser. Chromium is installed by .ci/run (and by a developer
// once: `apt-get install -y chromium`, see README "Quick start"); a test never installs anything.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `DD_CHROMIUM_PATH`, else `chromium` on PATH; a missing browser is an error naming the fix. */
export function requireChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DD_CHROMIUM_PATH;
  if (configured) {
    if (executable(configured)) return configured;
    throw new Error(`DD_CHROMIUM_PATH=${configured} is not an executable file: point it at a Chromium binary or unset it`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'chromium');
    if (executable(candidate)) return candidate;
  }
  throw new Error(
    'Chromium is required by the HTML report test and is not on PATH: install it (`apt-get install -y chromium`, as .ci/run does) or set DD_CHROMIUM_PATH',
  );
}
