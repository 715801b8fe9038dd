// The polkit action for the privileged agent (electron/agent/README.md), written by electron-builder before it
// packs for Linux (`beforePack` in electron-builder.yml) and installed by the deb into
// /usr/share/polkit-1/actions (deb.fpm there). pkexec matches the program it is asked to run against each
// action's org.freedesktop.policykit.exec.path, so the path must be the one the deb installs:
// /opt/<productName>/<executableName>. With it, pkexec shows NetLens's own message and keeps the
// authorization for a few minutes (auth_admin_keep); without it (AppImage, a checkout), pkexec falls back to
// its generic "run a program as administrator" action.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join, posix } = require('node:path');

const ACTION_ID = 'org.netlens.NetLens.agent';
/** Where the hook writes the file, relative to the project (electron-builder's working directory). */
const POLICY_FILE = `build/polkit/${ACTION_ID}.policy`;
/** electron-builder's deb and rpm install prefix (app-builder-lib LinuxTargetHelper.installPrefix). */
const INSTALL_PREFIX = '/opt';

const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function polkitPolicy({ executable, vendor, icon }) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
  "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">
<policyconfig>
  <vendor>${xml(vendor)}</vendor>
  <action id="${ACTION_ID}">
    <description>Show the processes of every user in NetLens</description>
    <message>NetLens needs administrator rights to show which processes of other users own network connections, and to end them when you ask</message>
    <icon_name>${xml(icon)}</icon_name>
    <defaults>
      <allow_any>auth_admin</allow_any>
      <allow_inactive>auth_admin</allow_inactive>
      <allow_active>auth_admin_keep</allow_active>
    </defaults>
    <annotate key="org.freedesktop.policykit.exec.path">${xml(executable)}</annotate>
  </action>
</policyconfig>
`;
}

/** The installed binary's path for a packager: what the deb's desktop entry runs too. */
function installedExecutable(packager) {
  return posix.join(INSTALL_PREFIX, packager.appInfo.sanitizedProductName, packager.executableName);
}

exports.ACTION_ID = ACTION_ID;
exports.POLICY_FILE = POLICY_FILE;
exports.polkitPolicy = polkitPolicy;
exports.installedExecutable = installedExecutable;

exports.default = async function writePolkitPolicy(context) {
  if (context.electronPlatformName !== 'linux') return;
  const packager = context.packager;
  const file = join(packager.info.projectDir, POLICY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    polkitPolicy({
      executable: installedExecutable(packager),
      vendor:
        packager.platformSpecificBuildOptions.vendor ?? packager.appInfo.companyName ?? packager.appInfo.productName,
      icon: packager.executableName,
    }),
  );
};
