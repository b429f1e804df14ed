// Pushed events feed the store outside React: subscribed once at start-up, never polled.
import { api } from '../api/client'
import { useStore } from './index'

export function subscribeToEvents(): () => void {
  const s = () => useStore.getState()
  const offs = [
    api.on(
      'targets.changed',
      () =>
        void s()
          .loadTargets()
          .then(() => s().loadCredentials()),
    ),
    api.on(
      'vault.changed',
      () =>
        void s()
          .loadVault()
          .then(() => s().loadCredentials()),
    ),
    // Credentials name the targets that use them, so both lists refresh together.
    api.on('credentials.changed', () => void s().loadCredentials()),
    api.on('scan.progress', (e) => s().onProgress(e)),
    api.on('scan.finished', (e) => {
      s().onFinished(e)
      void s().loadWatch()
    }),
    api.on('watch.tick', () => void s().loadWatch()),
    api.on('drift.detected', () => s().onDrift()),
  ]
  return () => offs.forEach((off) => off())
}
