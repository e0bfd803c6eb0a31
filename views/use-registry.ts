import { useStore } from 'zustand';
import { buildRegistry, type Registry } from '../src/registry/index.js';
import { useView } from './context.js';

/** The registry of this console's mode and actions.yaml: what the views list in footers and help and dispatch keys through. */
export function useRegistry(): Registry {
  const { store } = useView();
  const readOnly = useStore(store, (s) => s.readOnly);
  const userActions = useStore(store, (s) => s.userActions);
  return buildRegistry({ readOnly, userActions });
}
