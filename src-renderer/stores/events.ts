// Pushed events feed the store outside React: subscribed once at start-up, never polled.
import { api } from '../api/client'
import { useStore } from './index'

export function subscribeToEvents(): () => void {
  const offs = [api.on('targets.changed', () => void useStore.getState().loadTargets())]
  return () => offs.forEach((off) => off())
}
