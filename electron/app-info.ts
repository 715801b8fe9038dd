// The product's name and version, from package.json (bundled in at build time).
import pkg from '../package.json' with { type: 'json' };

export const APP_NAME = 'NetLens';
export const APP_ID = 'org.netlens.NetLens';
export const APP_VERSION: string = pkg.version;
