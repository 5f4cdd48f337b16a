/** Headless Chromium for the browser e2e tests: Debian's chromium driven by playwright-core, one fresh profile each. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH } from './requirements.js';

/** A running browser and how to close it (profile directory removed). */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launch headless Chromium with a throw-away profile and no background traffic. */
export async function launchChromium(viewport?: { width: number; height: number }): Promise<Browser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'cablecar-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 20000,
    ...(viewport ? { viewport } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
