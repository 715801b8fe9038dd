// What the status bar shows about the backend, the same for both hosts.
import { arch, hostname, platform, release } from 'node:os';
import type { HostInfo, HostKind } from '../shared/protocol.js';
import { APP_NAME, APP_VERSION } from './app-info.js';
import type { ServiceVocabulary } from '../shared/names.js';
import { loadServices, tableVocabulary } from './collectors/names/services.js';

export function isPrivileged(): boolean {
  // Windows has no getuid; the actions module answers the finer question of elevation per action.
  return typeof process.getuid === 'function' ? process.getuid() === 0 : false;
}

export function hostInfo(host: HostKind): HostInfo {
  return {
    host,
    appName: APP_NAME,
    appVersion: APP_VERSION,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    hostname: hostname(),
    privileged: isPrivileged(),
    pid: process.pid,
    ownPids: [process.pid],
    live: true,
    services: (vocabulary ??= tableVocabulary(loadServices())),
  };
}

/** The services database's names, read at the first hostInfo (the file is read once, as the names book reads it). */
let vocabulary: ServiceVocabulary | null = null;
