// An afterPack hook for linux-dir.test.ts. The `dir` target writes no desktop entry and installs no icons;
// the AppImage and deb targets do, with tools that cannot be downloaded here. Their desktop entry and icon
// set come from LinuxTargetHelper, which needs nothing external: this asks it for both, from the packager
// the real build configured, and writes them beside the app for the test to read.
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper');

exports.default = async function writeLinuxDesktopMetadata(context) {
  const packager = context.packager;
  const helper = new LinuxTargetHelper(packager);
  const desktopEntry = await helper.computeDesktopEntry(packager.platformSpecificBuildOptions);
  const icons = (await helper.icons).map((icon) => ({ file: icon.file, size: icon.size }));
  writeFileSync(join(context.outDir, 'linux-desktop.json'), JSON.stringify({ desktopEntry, icons }, null, 2));
};
