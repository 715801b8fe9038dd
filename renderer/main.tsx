import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { NetlensClient } from './api/client.js';
import { ClientProvider } from './api/context.js';
import { createTransport } from './api/transport.js';
import { connectStore } from './store/data.js';
import './styles.css';

// The one client of this page, made here and handed down (api/context.tsx).
const client = new NetlensClient(createTransport());
client.start();
connectStore(client);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientProvider value={client}>
      <App />
    </ClientProvider>
  </StrictMode>,
);
