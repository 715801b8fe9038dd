// The built renderer's files as both hosts serve them (app://netlens in Electron, HTTP in the browser host):
// one path check, one set of content types, one Content-Security-Policy.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** No inline or evaluated script, no remote origin of any kind. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A file of the built renderer for a URL path, or null when there is none, the path leaves the folder, or
 *  it is not a regular file whose real path (symlinks resolved) is inside the folder: a symlink in the
 *  folder to /etc/shadow is not served (issue 10). */
export async function readRendererFile(
  root: string,
  pathname: string,
): Promise<{ body: Buffer; contentType: string } | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep)) return null;
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
    if (!real.startsWith(realRoot + sep)) return null;
    // Opened once, not following a link and not waiting on a FIFO: the type is checked on the handle that is
    // read, so nothing can be swapped in between.
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return null;
      return { body: await handle.readFile(), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
