// uid -> user name from /etc/passwd, re-read only when the file changes. No NSS (LDAP, sssd) here: that
// would need a child process per lookup; such uids simply show as numbers in the UI.
import { promises as fsp } from 'node:fs';
import { parsePasswd } from './process-facts.js';

export class UserNames {
  private users = new Map<number, string>();
  private mtimeMs = -1;
  private checkedAt = -Infinity;

  constructor(
    private readonly path = '/etc/passwd',
    /** How long a read stays trusted before the file's mtime is checked again. */
    private readonly recheckMs = 5000,
  ) {}

  async refresh(now = Date.now()): Promise<void> {
    if (now - this.checkedAt < this.recheckMs) return;
    this.checkedAt = now;
    try {
      const st = await fsp.stat(this.path);
      if (st.mtimeMs === this.mtimeMs) return;
      this.users = parsePasswd(await fsp.readFile(this.path, 'utf8'));
      this.mtimeMs = st.mtimeMs;
    } catch {
      // Without /etc/passwd (some containers) uids stay numeric; nothing else depends on names.
      this.users = new Map();
      this.mtimeMs = -1;
    }
  }

  name(uid: number | null): string | null {
    return uid === null ? null : (this.users.get(uid) ?? null);
  }
}
