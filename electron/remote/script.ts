// What runs on a remote host: one POSIX sh loop, sent over ssh's stdin to `sh -s` (so it works whatever the
// login shell), installing nothing. Per tick it prints one frame of what the local Linux collectors read:
//
//   NETLENS-BEGIN <seq> <sections>
//   NETLENS-SECTION <name> <ok|fail> <bytes>\n<exactly that many bytes>     (once per section)
//   NETLENS-END <seq>
//
// The byte counts and the end marker let the reader (frames.ts) tell a frame cut off by a dropped connection
// from a whole one, and refuse a stream that lost its place. Before the first frame one line says who runs it:
//   NETLENS-HELLO 1 <uid> <sudo 0|1> <ip 0|1> <ss 0|1>       or     NETLENS-NOT-LINUX <uname -s>
// With ss, `procstat` follows its section: btime and the /proc/<pid>/stat line of each process ss named (read
// while $out still holds ss's output), so the rows carry start times computed there as here, for the kill
// guard (electron/actions/remote.ts). Each stat comes after a `stat <pid> <bytes>` line: a process name may
// hold a newline, so the text is taken by its length, never split into lines. A `uid <pid> <uids>` line follows
// a stat where the process's /proc/<pid>/status could be read: the four uids of its Uid: line (read by sh's own
// `read`, no process started), of which datasets.ts takes the user the process runs as with the local collector's
// own function (processUserUid: the effective uid), which may not be the socket's owner (a socket made
// by root and kept by a daemon that then became another user, or one passed over a unix socket).
// `ss-info` is the TCP sockets' tcp_info and socket memory (`ss -tinHem`, the live collector's own command and
// parser, tcp-info.ts): a call of its own rather than -i on the call above, whose process names (a name can hold
// ` ino:9 sk:1`) would sit on the lines the traffic parser reads. It is read every tick: the loop reads nothing
// from NetLens once started (its stdin is the script), so it cannot be told whether traffic is shown.
// `clock` closes each frame: the remote's own clock (/proc/uptime, in seconds to the hundredth) when it began
// reading /proc/net (`proc`) and when it began `ss -tinHem` (`traffic`, empty without ss). Rates are measured
// between these times of two frames (datasets.ts frameClock), not between the times the frames came here, which
// the link, the frame's size and this machine's load shift.

import { SYSFS_ATTRIBUTES } from '../collectors/interfaces/linux.js';

/** Files under /proc/net that the Linux collectors read. */
export const PROC_NET_FILES = [
  // The counters first, read right after the frame's `proc` stamp: their rates are measured between stamps,
  // and the socket tables (megabytes on a busy host, each printed as fast as ssh takes it) would put a varying
  // delay between the stamp and their reading.
  'dev',
  'snmp',
  'snmp6',
  'netstat',
  'sockstat',
  'sockstat6',
  'tcp',
  'tcp6',
  'udp',
  'udp6',
  'udplite',
  'udplite6',
  'raw',
  'raw6',
  'unix',
  'if_inet6',
  'route',
  'ipv6_route',
  'igmp',
  'igmp6',
  'dev_mcast',
] as const;

/**
 * The script. Arguments: $1 seconds between frames (a decimal: `sleep` takes fractions on Linux), $2 how many
 * frames (0: until the connection goes). LC_ALL=C makes ${#var} count bytes. Each command reads /dev/null, not
 * the script on stdin. $(...) drops trailing newlines, so each output is closed with an 'x' that is then cut.
 */
export const REMOTE_SCRIPT = `
LC_ALL=C; export LC_ALL
PATH=$PATH:/usr/sbin:/sbin:/usr/bin:/bin
case "$(uname -s 2>/dev/null)" in
Linux) ;;
*) printf 'NETLENS-NOT-LINUX %s\\n' "$(uname -s 2>/dev/null | tr -cd 'A-Za-z0-9._-')"; exit 3 ;;
esac
uid=$(id -u)
sudo=; hassudo=0
if [ "$uid" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true </dev/null >/dev/null 2>&1; then sudo='sudo -n'; hassudo=1; fi
hasip=0; command -v ip >/dev/null 2>&1 && hasip=1
hasss=0; command -v ss >/dev/null 2>&1 && hasss=1
printf 'NETLENS-HELLO 1 %s %s %s %s\\n' "$uid" "$hassudo" "$hasip" "$hasss"
section() {
  name=$1; shift
  if out=$("$@" </dev/null 2>/dev/null && printf x); then st=ok; else st=fail; fi
  case $out in *x) out=\${out%x} ;; *) st=fail ;; esac
  printf 'NETLENS-SECTION %s %s %s\\n%s' "$name" "$st" "\${#out}" "$out"
}
sysattrs() {
  for a in ${SYSFS_ATTRIBUTES.join(' ')}; do
    for f in /sys/class/net/*/$a; do
      [ -r "$f" ] || continue
      v=$(cat "$f" 2>/dev/null) || continue
      i=\${f#/sys/class/net/}
      printf '%s %s %s\\n' "$a" "\${i%/$a}" "$v"
    done
  done
}
procstat() {
  while read -r k v; do [ "$k" = btime ] && echo "btime $v"; done < /proc/stat
  for p in $(printf '%s\\n' "$out" | grep -o 'pid=[0-9]*' | sort -u); do
    p=\${p#pid=}
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    printf 'stat %s %s\\n%s\\n' "$p" "\${#s}" "$s"
    u=; while read -r k v; do [ "$k" = Uid: ] && { u=$v; break; }; done < "/proc/$p/status"
    [ -n "$u" ] && printf 'uid %s %s\\n' "$p" "$u"
  done
  :
}
sections=$(( ${PROC_NET_FILES.length} + 3 + 3 * hasip + 3 * hasss ))
seq=0
while :; do
  seq=$((seq + 1))
  tproc=; tss=
  read -r tproc _ 2>/dev/null </proc/uptime
  printf 'NETLENS-BEGIN %s %s\\n' "$seq" "$sections"
  for f in ${PROC_NET_FILES.join(' ')}; do section "net/$f" cat "/proc/net/$f"; done
  section passwd cat /etc/passwd
  section sysfs sysattrs
  if [ $hasip = 1 ]; then
    section ip-route4 ip -j -4 route show table all
    section ip-route6 ip -j -6 route show table all
    section ip-addr ip -j addr show
  fi
  if [ $hasss = 1 ]; then
    section ss $sudo ss -tuwxanpeH
    section procstat procstat
    read -r tss _ 2>/dev/null </proc/uptime
    section ss-info ss -tinHem
  fi
  section clock printf 'proc %s\\ntraffic %s\\n' "$tproc" "$tss"
  printf 'NETLENS-END %s\\n' "$seq"
  if [ "$2" != 0 ] && [ "$seq" -ge "$2" ]; then exit 0; fi
  sleep "$1"
done
`;
