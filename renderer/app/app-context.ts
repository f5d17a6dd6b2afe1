// The store and the controller, handed to the views through React context.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Action, AppState } from '../state/app-state';
import type { Store } from '../state/store';
import type { Controller } from './controller';

export interface AppContextValue {
  store: Store<AppState, Action>;
  controller: Controller;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('AppContext is missing');
  return value;
}

export function useController(): Controller {
  return useApp().controller;
}

export function useDispatch(): (action: Action) => void {
  return useApp().store.dispatch;
}

/** A slice of the state; the selector must return something stable (a part of the state). */
export function useAppState<T>(selector: (state: AppState) => T): T {
  const { store } = useApp();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
