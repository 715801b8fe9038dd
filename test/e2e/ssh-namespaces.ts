// Remote Linux hosts for the tests: a network namespace (prefix `fleet`) joined to this one by a veth pair,
// with Debian's sshd running inside on the namespace's veth address, a throwaway host key, and an authorized
// throwaway client key; an ssh config naming it, and a known_hosts that trusts (or, on request, distrusts) it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllIn, sweepKilledRuns } from '../namespaces.js';

export const SSHD = '/usr/sbin/sshd';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Keys and the client config shared by every namespace host of one test file. */
export class SshLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'fleet-ssh-'));
  readonly config = join(this.dir, 'ssh_config');
  private hosts: NamespaceHost[] = [];

  constructor() {
    sweepKilledRuns();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fleet-client', '-f', join(this.dir, 'id')]);
    writeFileSync(join(this.dir, 'authorized_keys'), readFileSync(join(this.dir, 'id.pub')));
    writeFileSync(join(this.dir, 'known_hosts'), '');
    writeFileSync(this.config, '');
  }

  /** A host in namespace fleet<tag><pid>, reachable as the ssh alias `fleet-<n>`. */
  add(n: number): NamespaceHost {
    const h = new NamespaceHost(this, n);
    this.hosts.push(h);
    this.writeConfig();
    return h;
  }

  writeConfig(): void {
    const lines: string[] = [];
    for (const h of this.hosts) {
      lines.push(
        `Host ${h.alias}`,
        `  HostName ${h.address}`,
        '  User root',
        `  IdentityFile ${join(this.dir, 'id')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(this.dir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '  ServerAliveInterval 1',
        '  ServerAliveCountMax 2',
        '  LogLevel ERROR',
        '',
      );
    }
    writeFileSync(this.config, lines.join('\n'));
  }

  /** known_hosts with each host's real key, or for `distrust` another key (as after a reinstall or an attack). */
  trust(distrust: NamespaceHost[] = []): void {
    const lines = this.hosts.map((h) => `${h.address} ${distrust.includes(h) ? h.otherKey() : h.publicKey()}`);
    writeFileSync(join(this.dir, 'known_hosts'), `${lines.join('\n')}\n`);
  }

  async cleanup(): Promise<void> {
    for (const h of this.hosts) await h.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class NamespaceHost {
  readonly ns: string;
  readonly alias: string;
  readonly address: string;
  private readonly hostAddress: string;
  private readonly veth: string;
  private readonly dir: string;
  private sshd: ChildProcess | null = null;
  sshdLog = '';

  constructor(
    private readonly lab: SshLab,
    readonly n: number,
  ) {
    this.ns = `fleetr${n}p${process.pid}`;
    this.alias = `fleet-${n}`;
    this.veth = `fleetv${n}p${process.pid % 10000}`.slice(0, 15);
    this.hostAddress = `10.209.${n}.1`;
    this.address = `10.209.${n}.2`;
    this.dir = join(lab.dir, `host${n}`);
    mkdirSync(this.dir, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'hostkey')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'otherkey')]);
  }

  publicKey(): string {
    return readFileSync(join(this.dir, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  }

  otherKey(): string {
    return readFileSync(join(this.dir, 'otherkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  }

  /** Creates the namespace and its link, and starts sshd in it; resolves once sshd listens. */
  async up(): Promise<void> {
    spawnSync('ip', ['netns', 'del', this.ns]);
    spawnSync('ip', ['link', 'del', this.veth]);
    ip('netns', 'add', this.ns);
    ip('link', 'add', this.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ns);
    ip('addr', 'add', `${this.hostAddress}/24`, 'dev', this.veth);
    ip('link', 'set', this.veth, 'up');
    ip('-n', this.ns, 'addr', 'add', `${this.address}/24`, 'dev', 'eth0');
    ip('-n', this.ns, 'link', 'set', 'eth0', 'up');
    ip('-n', this.ns, 'link', 'set', 'lo', 'up');
    const config = join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress ${this.address}`,
        'Port 22',
        `HostKey ${join(this.dir, 'hostkey')}`,
        `AuthorizedKeysFile ${join(this.lab.dir, 'authorized_keys')}`,
        'PidFile none',
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        // The ssh master multiplexes; leave room for a few sessions at once.
        'MaxSessions 20',
        'MaxStartups 50',
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    this.sshdLog = '';
    const sshd = spawn('ip', ['netns', 'exec', this.ns, SSHD, '-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    sshd.stderr!.on('data', (d: Buffer) => (this.sshdLog += d.toString()));
    this.sshd = sshd;
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      const listening = spawnSync('ip', ['netns', 'exec', this.ns, 'ss', '-tlnH', `sport = :22`], {
        encoding: 'utf8',
      }).stdout;
      if (listening.includes(this.address)) return;
      if (sshd.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd did not start in ${this.ns}: ${this.sshdLog}`);
  }

  /** `ip netns exec` this namespace. */
  exec(command: string, args: string[], options: { encoding: 'utf8' } = { encoding: 'utf8' }): string {
    return execFileSync('ip', ['netns', 'exec', this.ns, command, ...args], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  spawn(command: string, args: string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Tears the host down: every process in the namespace is killed (by pid), then the namespace and link. */
  async down(): Promise<void> {
    killAllIn(this.ns);
    if (this.sshd && this.sshd.exitCode === null && this.sshd.signalCode === null) {
      await new Promise((r) => {
        this.sshd!.once('exit', r);
        setTimeout(r, 2000);
      });
    }
    this.sshd = null;
    spawnSync('ip', ['netns', 'del', this.ns]);
    spawnSync('ip', ['link', 'del', this.veth]);
  }
}
