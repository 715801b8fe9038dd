/// <reference lib="dom" />
// The sandboxed preload: exposes one small typed object, window.netlens, and never ipcRenderer itself.
// The data channel is a MessagePort that main hands over; the preload forwards it to the page with
// window.postMessage (as VS Code's ipcMessagePort does), so each message is copied once, not twice.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, isMenuCommand, PORT_MESSAGE_TAG, PROTOCOL_VERSION, type NetlensBridge } from '../shared/protocol.js';

ipcRenderer.on(IPC.portDelivery, (event) => {
  window.postMessage(PORT_MESSAGE_TAG, window.location.origin, event.ports);
});

const bridge: NetlensBridge = {
  host: 'electron',
  async connect() {
    await ipcRenderer.invoke(IPC.connect, PROTOCOL_VERSION);
  },
  onMenuCommand(callback) {
    const listener = (_event: unknown, command: unknown) => {
      if (isMenuCommand(command)) callback(command);
    };
    ipcRenderer.on(IPC.menu, listener);
    return () => {
      ipcRenderer.removeListener(IPC.menu, listener);
    };
  },
};

contextBridge.exposeInMainWorld('netlens', bridge);
