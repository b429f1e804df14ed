// Alerts as the renderer knows them: the channels that carry them with their delivery log, and the alerts still
// open, with the actions on each (save, test, remove a channel; acknowledge an alert).
import type { StateCreator } from 'zustand'
import type { AlertChannelView, Req, Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { attempt, errorText, failed, idle, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

type Deliveries = Res<'alerts.deliveries'>['deliveries']
type Alerts = Res<'alerts.list'>['alerts']

export interface AlertsSlice {
  alertChannels: Loadable<{ channels: AlertChannelView[]; deliveries: Deliveries }>
  openAlerts: Loadable<Alerts>
  loadAlertChannels(): Promise<void>
  /** Throws on failure, so the form can mark the fields at fault. */
  saveAlertChannel(req: Req<'alerts.channels.save'>): Promise<void>
  removeAlertChannel(id: string): Promise<void>
  testAlertChannel(id: string): Promise<void>
  loadOpenAlerts(): Promise<void>
  acknowledgeAlert(id: number): Promise<void>
}

export const createAlertsSlice: StateCreator<State, [['zustand/devtools', never]], [], AlertsSlice> = (
  set,
  get,
) => ({
  alertChannels: idle(),
  openAlerts: idle(),
  async loadAlertChannels() {
    set({ alertChannels: loading(get().alertChannels) })
    try {
      const [c, d] = await Promise.all([
        api.invoke('alerts.channels.list', {}),
        api.invoke('alerts.deliveries', {}),
      ])
      set({ alertChannels: ready({ channels: c.channels, deliveries: d.deliveries.slice(0, 20) }) })
    } catch (err) {
      set({ alertChannels: failed(get().alertChannels, err) })
    }
  },
  async saveAlertChannel(req) {
    await api.invoke('alerts.channels.save', req)
    await get().loadAlertChannels()
  },
  async removeAlertChannel(id) {
    if (
      await attempt(get().toast, 'Could not remove the channel', () =>
        api.invoke('alerts.channels.remove', { id }),
      )
    )
      get().toast('info', 'Alert channel removed')
    await get().loadAlertChannels()
  },
  async testAlertChannel(id) {
    try {
      const d = await api.invoke('alerts.channels.test', { id })
      if (d.state === 'sent') get().toast('info', 'Test message sent')
      else get().toast('error', `The test message was not sent: ${d.lastError || d.state}`)
    } catch (err) {
      get().toast('error', `Could not send a test message: ${errorText(err)}`)
    }
    await get().loadAlertChannels()
  },
  async loadOpenAlerts() {
    set({ openAlerts: loading(get().openAlerts) })
    try {
      const { alerts } = await api.invoke('alerts.list', {})
      set({ openAlerts: ready(alerts.filter((a) => a.state !== 'resolved')) })
    } catch (err) {
      set({ openAlerts: failed(get().openAlerts, err) })
    }
  },
  async acknowledgeAlert(id) {
    await attempt(get().toast, 'Could not acknowledge the alert', () =>
      api.invoke('alerts.acknowledge', { id }),
    )
    await get().loadOpenAlerts()
  },
})

export const alertSelectors = {
  channels: (s: State) => s.alertChannels,
  open: (s: State) => s.openAlerts,
}
