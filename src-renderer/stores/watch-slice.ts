// The watch as the renderer knows it: schedules, their runs and the tray state, refreshed by pushed events, and
// the commands that change them (pause, resume, run now, schedules, settings).
import type { StateCreator } from 'zustand'
import type { Req, WatchStatus } from '../../src-preload/contract'
import { api } from '../api/client'
import { attempt, failed, idle, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

type Command = 'watch.pause' | 'watch.resume'

export interface WatchSlice {
  watch: Loadable<WatchStatus>
  /** Bumped whenever drift is recorded, so open Drift pages reload. */
  driftVersion: number
  loadWatch(): Promise<void>
  /** Pause or resume (all, one target or one schedule); the answer is the new status. */
  watchCommand<C extends Command>(channel: C, req: Req<C>, doneText?: string): Promise<boolean>
  /**
   * Run now (one schedule, or all): the watching process starts them, or, when none watches, this one scans
   * them at once. The toast says which, naming what could not start and why.
   */
  runNow(scheduleId?: string): Promise<void>
  removeSchedule(id: string): Promise<boolean>
  /** Throws on failure, so the form can mark the fields at fault. */
  saveSchedule(input: Req<'watch.schedules.save'>): Promise<void>
  /** Throws on failure, so the form can mark the fields at fault. */
  saveWatchSettings(settings: Req<'watch.settings'>): Promise<void>
  onDrift(): void
}

export const createWatchSlice: StateCreator<State, [['zustand/devtools', never]], [], WatchSlice> = (
  set,
  get,
) => ({
  watch: idle(),
  driftVersion: 0,
  async loadWatch() {
    set({ watch: loading(get().watch) })
    try {
      set({ watch: ready(await api.invoke('watch.status', {})) })
    } catch (err) {
      set({ watch: failed(get().watch, err) })
    }
  },
  async watchCommand(channel, req, doneText) {
    const what = `Could not ${channel.slice(6)}`
    const ok = await attempt(get().toast, what, async () => {
      // The three commands share one request shape; the cast only joins their signatures.
      const status = await api.invoke(channel as 'watch.pause', req as Req<'watch.pause'>)
      set({ watch: ready(status) })
    })
    if (ok && doneText) get().toast('info', doneText)
    return ok
  },
  async runNow(scheduleId) {
    await attempt(get().toast, 'Could not run now', async () => {
      const { ranBy, started, skipped, ...status } = await api.invoke(
        'watch.runNow',
        scheduleId ? { scheduleId } : {},
      )
      set({ watch: ready(status) })
      const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')
      if (ranBy === 'watch') get().toast('info', 'Due now: the watch starts them')
      else if (ranBy === 'elsewhere')
        get().toast('info', `Due now: ${status.elsewhere} starts them within a minute`)
      else if (started.length > 0)
        get().toast(
          skipped.length ? 'error' : 'info',
          `Scanning ${started.length} target${started.length === 1 ? '' : 's'} now in this window` +
            (why ? `. Not scanned: ${why}` : ''),
        )
      else get().toast('error', `Nothing scanned${why ? `: ${why}` : ': no target is scheduled'}`)
    })
  },
  async removeSchedule(id) {
    const ok = await attempt(get().toast, 'Could not remove the schedule', () =>
      api.invoke('watch.schedules.remove', { id }),
    )
    if (ok) get().toast('info', 'Schedule removed')
    await get().loadWatch()
    return ok
  },
  async saveSchedule(input) {
    await api.invoke('watch.schedules.save', input)
    await get().loadWatch()
  },
  async saveWatchSettings(settings) {
    set({ watch: ready(await api.invoke('watch.settings', settings)) })
  },
  onDrift() {
    set({ driftVersion: get().driftVersion + 1 })
    void get().loadWatch()
  },
})

export const watchSelectors = {
  watch: (s: State) => s.watch,
  status: (s: State) => s.watch.data,
  driftVersion: (s: State) => s.driftVersion,
}
