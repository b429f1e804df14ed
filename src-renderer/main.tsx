// Renderer entry: mounts the app, loads who-we-are, and subscribes once to pushed events.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { useStore } from './stores'
import { subscribeToEvents } from './stores/events'
import './styles.css'

subscribeToEvents()
void useStore.getState().loadInfo()
void useStore.getState().loadTargets()
void useStore.getState().loadLatest()
void useStore.getState().loadWatch()
void useStore
  .getState()
  .loadVault()
  .then(() => useStore.getState().loadCredentials())

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
