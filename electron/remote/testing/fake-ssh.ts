// Stand-ins for ssh in the remote tests: shell scripts that ignore ssh's arguments (its options, the
// destination, the remote command) and run a body here, such as the remote script itself (`exec sh -s`).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fakeSshFolder(): { dir: string; make(name: string, body: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-fake-ssh-'));
  return {
    dir,
    make(name, body) {
      const path = join(dir, name);
      // `-O exit` (closing the master) is answered at once.
      writeFileSync(path, `#!/bin/sh\nfor a in "$@"; do [ "$a" = -O ] && exit 0; done\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
