// Imported first by the lock tests' scripts: AS_PLATFORM=darwin makes the process take another OS's path (no
// start times in /proc), with everything else real: its processes, pids, files and kills.
const platform = process.env.AS_PLATFORM;
if (platform) Object.defineProperty(process, 'platform', { value: platform });
