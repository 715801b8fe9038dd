// The key of a connection row, the same on every OS and in captures: protocol, family, local and remote
// endpoint, inode. Built with Array.join, which gives a flat string: a template literal gives a rope that the
// first reader (the monitor, looking 50,000 ids up per tick) must flatten, which measured twice as slow
// (bench:pipeline). String(null) keeps an unknown inode as "null".
export function inetConnectionKey(
  proto: string,
  family: string,
  localAddress: string,
  localPort: number,
  remoteAddress: string,
  remotePort: number,
  inode: number | null,
): string {
  return [proto, family, localAddress, String(localPort), remoteAddress, String(remotePort), String(inode)].join('|');
}

export function unixConnectionKey(path: string, inode: number | null): string {
  return ['unix', 'unix', path, String(inode)].join('|');
}
