// Pushed events feed the store outside React: subscribed once at start-up, never polled. When the event stream
// drops and comes back (serve mode), whatever those events would have said is read again, once.
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
    api.on('scan.leftover', (e) => s().onLeftover(e)),
    api.on('watch.tick', () => void s().loadWatch()),
    api.on('drift.detected', () => s().onDrift()),
    api.onStream((up) => {
      const was = s().eventStream
      useStore.setState({ eventStream: up ? 'live' : 'dropped' })
      if (up && was === 'dropped') resync()
    }),
  ]
  return () => offs.forEach((off) => off())
}

/** Reads again what the events keep fresh: targets and their credentials, the vault, each target's latest
 * scan, running scans' progress, the watch's status and drift. */
export function resync(): void {
  const s = () => useStore.getState()
  void s()
    .loadTargets()
    .then(() => s().loadCredentials())
  void s().loadVault()
  void s().loadLatest()
  void s().settleMissedEnds()
  s().onDrift()
}
