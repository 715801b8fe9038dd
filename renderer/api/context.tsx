// The app's client, handed down from where it is made (main.tsx) instead of a module-level singleton: a
// component asks for it with useClient(), store actions take it as an argument.
import { createContext, useContext } from 'react';
import type { NetlensClient } from './client.js';

const ClientContext = createContext<NetlensClient | null>(null);

export const ClientProvider = ClientContext.Provider;

export function useClient(): NetlensClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() outside <ClientProvider>');
  return client;
}
