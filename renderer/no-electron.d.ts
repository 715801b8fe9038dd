// The renderer and shared/ must not use Electron: tsconfig.web.json and tsconfig.shared.json map the module
// `electron` to this empty declaration, so an `import { ipcRenderer } from 'electron'` there is a type error.
export {};
