// The polkit action for the privileged agent (electron/agent/README.md) and the one program it lets pkexec run,
// written by electron-builder before it packs for Linux (`beforePack` in electron-builder.yml) and installed by
// the deb (deb.fpm there): the action into /usr/share/polkit-1/actions, the program beside the app's binary as
// /opt/<productName>/<executableName>-agent. pkexec matches the program it is asked to run against each action's
// org.freedesktop.policykit.exec.path, and polkit cannot limit its arguments (exec.argv1 is the first alone), so
// the action names not the app's binary, which would run as root with any arguments given to it (a Chromium
// switch such as --renderer-cmd-prefix runs a command; `web --host 0.0.0.0` a root browser host), but a
// wrapper that takes one argument, the pid of the NetLens asking, and runs the binary in its agent mode with
// fixed switches. The action asks each time (auth_admin): a kept authorization would let any program of the
// user start a root agent, which kills processes on request, for some minutes after NetLens's own prompt.
// Without the package (AppImage, a checkout), pkexec falls back to its generic "run a program as
// administrator" action.
'use strict';
const { chmodSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join, posix } = require('node:path');

const ACTION_ID = 'org.netlens.NetLens.agent';
/** Where the hook writes the files, relative to the project (electron-builder's working directory). */
const POLICY_FILE = `build/polkit/${ACTION_ID}.policy`;
const AGENT_WRAPPER_FILE = 'build/polkit/agent-wrapper';
/** The Chromium switches of a headless run as root: electron/agent/elevation.ts HEADLESS_SWITCHES (the packaging
 *  test checks that they are the same). */
const HEADLESS_SWITCHES = ['--no-sandbox', '--ozone-platform=headless', '--disable-gpu'];
/** electron-builder's deb and rpm install prefix (app-builder-lib LinuxTargetHelper.installPrefix). */
const INSTALL_PREFIX = '/opt';

const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The wrapper's path: beside the binary, named after it (electron/agent/elevation.ts packagedAgentWrapper). */
const agentWrapperPath = (executable) => `${executable}-agent`;

/** A POSIX sh script run as root by pkexec: its one argument must be a pid (1-10 digits, no leading zero), and
 *  nothing else given to it reaches the binary. pkexec gives it a minimal environment. */
function agentWrapper({ executable }) {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(executable)) throw new Error(`not a plain absolute path: ${executable}`);
  return `#!/bin/sh
# NetLens's privileged helper, the one program its polkit action (${ACTION_ID}) lets pkexec run as
# root: \`pkexec ${agentWrapperPath(executable)} PID\`, PID being the NetLens process that asks. It runs the app's
# binary in its agent mode with fixed switches; no other argument reaches the binary.
if [ "$#" -ne 1 ]; then
  echo 'netlens-agent: usage: netlens-agent PID' >&2
  exit 64
fi
case "$1" in
  '' | 0* | *[!0-9]* | ???????????*)
    echo 'netlens-agent: the argument is not a process id' >&2
    exit 64
    ;;
esac
exec ${executable} ${HEADLESS_SWITCHES.join(' ')} agent --parent "$1"
`;
}

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
      <allow_active>auth_admin</allow_active>
    </defaults>
    <annotate key="org.freedesktop.policykit.exec.path">${xml(agentWrapperPath(executable))}</annotate>
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
exports.AGENT_WRAPPER_FILE = AGENT_WRAPPER_FILE;
exports.HEADLESS_SWITCHES = HEADLESS_SWITCHES;
exports.polkitPolicy = polkitPolicy;
exports.agentWrapper = agentWrapper;
exports.agentWrapperPath = agentWrapperPath;
exports.installedExecutable = installedExecutable;

exports.default = async function writePolkitPolicy(context) {
  if (context.electronPlatformName !== 'linux') return;
  const packager = context.packager;
  const file = join(packager.info.projectDir, POLICY_FILE);
  const executable = installedExecutable(packager);
  mkdirSync(dirname(file), { recursive: true });
  const wrapper = join(packager.info.projectDir, AGENT_WRAPPER_FILE);
  writeFileSync(wrapper, agentWrapper({ executable }));
  chmodSync(wrapper, 0o755);
  writeFileSync(
    file,
    polkitPolicy({
      executable,
      vendor:
        packager.platformSpecificBuildOptions.vendor ?? packager.appInfo.companyName ?? packager.appInfo.productName,
      icon: packager.executableName,
    }),
  );
};
