// Entry of report.html, the page Chromium prints: it waits to be handed the model, draws the report view,
// and raises a flag once the drawing is on screen, which is when the printer may print.
import { createRoot } from 'react-dom/client'
import { useEffect } from 'react'
import type { ReportModel } from '../../src-preload/contract'
import { ReportView } from './ReportView'
import './report.css'

declare global {
  interface Window {
    __driftwatchRenderReport?: (model: ReportModel) => void
    __driftwatchReportReady?: boolean
  }
}

function Printed({ model }: { model: ReportModel }) {
  useEffect(() => {
    document.title = `${model.title} — Driftwatch`
    // Two frames: React has committed, and the browser has laid the page out.
    requestAnimationFrame(() => requestAnimationFrame(() => (window.__driftwatchReportReady = true)))
  }, [model])
  return <ReportView model={model} />
}

window.__driftwatchRenderReport = (model) => {
  window.__driftwatchReportReady = false
  createRoot(document.getElementById('report')!).render(<Printed model={model} />)
}
