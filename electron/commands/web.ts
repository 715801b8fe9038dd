// `netlens web`: the browser host, for machines without the Electron binary or for a browser by choice.
import { commandError } from '../../shared/error-text.js';
import { parseArgs } from 'node:util';
import { SERVING, type Command } from '../cli.js';
import { startWebHost } from '../web.js';
import { createBackend } from '../backend.js';
import { LOOPBACK_HOSTS } from '../web.js';
import { dataDirIn, defaultDataDir } from '../collectors/data-dir.js';
import { inertText } from '../../shared/inert-text.js';
import { DNS_SERVER_OPTION, DNS_SERVER_USAGE, dnsServerOption } from './names-options.js';
import { applyRecordOptions, loadRecordingConfig, RECORD_OPTIONS, RECORD_USAGE } from '../monitor/record/config.js';

export const webCommand: Command = {
  summary: 'serve the NetLens UI to a browser on 127.0.0.1, with a per-launch token',
  usage: `web [--port N] [--host ADDR] [--ssh-config FILE] ${DNS_SERVER_USAGE} ${RECORD_USAGE}`,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          // `ssh -F FILE` for the remote hosts added in the UI.
          'ssh-config': { type: 'string' },
          ...DNS_SERVER_OPTION,
          ...RECORD_OPTIONS,
        },
        allowPositionals: false,
      }));
    } catch (err) {
      console.error(commandError('web', err));
      return 2;
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(commandError('web', `--port wants a number from 0 to 65535, not ${JSON.stringify(values.port)}`));
      return 2;
    }
    const host = values.host ?? '127.0.0.1';
    if (!LOOPBACK_HOSTS.has(host)) {
      console.warn(
        `WARNING: --host ${host} exposes NetLens beyond this machine. Anyone who can reach it there and has the ` +
          'token can see every connection and process here and kill processes as this user. Use it only on a ' +
          'network you trust.',
      );
    }
    const dnsServer = dnsServerOption(values['dns-server']);
    if (typeof dnsServer === 'string') {
      console.error(commandError('web', dnsServer));
      return 2;
    }
    const chosen = defaultDataDir();
    let dataDir: string;
    try {
      dataDir = dataDirIn(chosen);
    } catch (err) {
      console.error(commandError('web', err));
      return 1;
    }
    if (dataDir !== chosen)
      console.warn(
        `netlens web: ${inertText(chosen)} is open to other users' files: NetLens keeps its own in ${inertText(dataDir)}`,
      );
    const config = applyRecordOptions(await loadRecordingConfig(dataDir), values);
    if (typeof config === 'string') {
      console.error(commandError('web', config));
      return 2;
    }
    const backend = createBackend({
      host: 'browser',
      dataDir,
      worker: { record: config, dnsServer, ...(values['ssh-config'] ? { sshConfig: values['ssh-config'] } : {}) },
    });
    let web;
    try {
      web = await startWebHost({ service: backend.service, port, host });
    } catch (err) {
      await backend.close();
      const code = (err as NodeJS.ErrnoException).code;
      console.error(
        commandError(
          'web',
          code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use; choose another with --port, or leave it out for a free one`
            : err,
        ),
      );
      return 1;
    }
    console.log(`NetLens is serving at ${web.url}`);
    for (const other of web.otherUrls) console.log(`  and at ${other}`);
    console.log('Open that address in a browser (the token in it is required). Press Ctrl+C to stop.');
    const running = web;
    const stop = () => {
      void running
        .close()
        .then(() => backend.close())
        .finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return SERVING;
  },
};
