// The unix sockets the unix benchmarks read (bench:unix, bench/unix-kept.ts): a Python child (Node has no unix
// datagram sockets) holding argv[2] sockets, path names in the folder argv[1]: a tenth path-bound stream
// listeners, four tenths connections to them (both ends: accepted ones carry the listener's name, clients
// none), a tenth abstract datagram sockets, the rest unnamed socket pairs. It prints `ready <count>` and holds
// them until its stdin ends. Bench support only.
export const UNIX_SOCKETS_CHILD = String.raw`
import os, resource, socket, sys
d, n = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1024, n + 1024))
keep = []
listeners = []
for i in range(n // 10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(os.path.join(d, "service-%05d.sock" % i))
    s.listen(64)
    listeners.append(s)
keep += listeners
for i in range(n // 5):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    l = listeners[i % len(listeners)]
    c.connect(l.getsockname())
    keep += [c, l.accept()[0]]
for i in range(n // 10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(b"\0netlens-bench/dgram-%05d" % i)
    keep.append(s)
while len(keep) + 2 <= n:
    keep.extend(socket.socketpair())
print("ready", len(keep), flush=True)
sys.stdin.read()
`;
