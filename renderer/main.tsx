// Entry point: the store, the controller over the API (preload or WebSocket), and the app.
// The base stylesheet first, so that the features' own rules come after it and win.
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi, getConnection } from './api/get-api';
import { AppContext } from './app/app-context';
import { App } from './app/app';
import { createController } from './app/controller';
import { downloadFile } from './api/download';
import { initialState, reducer } from './state/app-state';
import { createStore } from './state/store';

const store = createStore(reducer, initialState());
const controller = createController({
  api: getApi(),
  connection: getConnection(),
  store,
  download: downloadFile,
});
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
