// Entry of report.html, the page Chromium prints: it waits to be handed the model, draws the report view,
// and resolves once the drawing is laid out, which is when the printer may print.
import { createRoot } from 'react-dom/client'
import { useEffect } from 'react'
import type { ReportModel } from '../../src-preload/contract'
import { ReportView } from './ReportView'
import './report.css'

declare global {
  interface Window {
    __driftwatchRenderReport?: (model: ReportModel) => Promise<boolean>
  }
}

function Printed({ model, onDrawn }: { model: ReportModel; onDrawn: () => void }) {
  useEffect(() => {
    document.title = `${model.title} — Driftwatch`
    // Two frames: React has committed, and the browser has laid the page out.
    requestAnimationFrame(() => requestAnimationFrame(onDrawn))
  }, [model, onDrawn])
  return <ReportView model={model} />
}

window.__driftwatchRenderReport = (model) =>
  new Promise((resolve) => {
    createRoot(document.getElementById('report')!).render(
      <Printed model={model} onDrawn={() => resolve(true)} />,
    )
  })
