// Renders assets/icon.svg into the PNGs electron-builder packs: assets/icons/NxN.png (the Linux icon set)
// and assets/icon.png (1024 px, which electron-builder converts to .icns for macOS and .ico for Windows).
// The PNGs are committed, so installing or packaging never renders anything; run this after editing the SVG:
//   node scripts/render-icons.mjs [--chromium /path/to/chromium]
// Chromium draws the SVG as vectors at each target size (no downscaling of one big bitmap), which keeps the
// small sizes sharp. It uses Debian's chromium through playwright-core, both already needed by the tests.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = argv.indexOf('--chromium');
const executablePath = flag >= 0 ? argv[flag + 1] : (process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

const svg = readFileSync(join(root, 'assets/icon.svg'));
const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
const outDir = join(root, 'assets/icons');
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const size of ICON_SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">` +
        `<img id="icon" src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('#icon').evaluate((img) => (img.complete ? null : new Promise((r) => (img.onload = r))));
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(join(outDir, `${size}x${size}.png`), png);
    if (size === 1024) writeFileSync(join(root, 'assets/icon.png'), png);
    console.log(`assets/icons/${size}x${size}.png`);
  }
} finally {
  await browser.close();
}
