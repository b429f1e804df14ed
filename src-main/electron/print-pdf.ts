// The desktop app's PDF printer: the report page (report.html, served like the app on its own origin) in a
// hidden, sandboxed window, handed the model, then webContents.printToPDF. The core only sees the PdfPrinter port.
import { BrowserWindow } from 'electron'
import type { PdfPrinter } from '../core/reports/pdf'
import { RENDER_FN, REPORT_PAGE } from '../core/reports/pdf'
import { createReportWindow } from './security'

export function electronPrinter(origin: () => string): PdfPrinter {
  return {
    async print(job) {
      const win = createReportWindow(BrowserWindow)
      try {
        await win.loadURL(`${origin()}/${REPORT_PAGE}`)
        // The model travels as a JSON string literal, parsed in the page: data, never code.
        const drawn = (await win.webContents.executeJavaScript(
          `window.${RENDER_FN}(JSON.parse(${JSON.stringify(JSON.stringify(job.model))}))`,
        )) as boolean
        if (!drawn) throw new Error('The report page did not draw the report')
        const pdf = await win.webContents.printToPDF({
          pageSize: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: job.headerTemplate,
          footerTemplate: job.footerTemplate,
          // Inches: the same 18 mm / 14 mm margins as the CLI's Chromium.
          margins: { top: 0.71, bottom: 0.71, left: 0.55, right: 0.55 },
        })
        return {
          pdf,
          engine: `Electron ${process.versions.electron} printToPDF (Chromium ${process.versions.chrome})`,
        }
      } finally {
        win.destroy()
      }
    },
  }
}
