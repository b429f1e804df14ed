// The PDF: the report view (src-renderer/report/, the same React page as the in-app preview) printed by
// Chromium. The CLI and serve mode drive an installed Chromium through playwright-core; the desktop app hands
// the core a printer built on webContents.printToPDF. Either way the page gets the model and says when it is
// drawn; header, footer and page numbers come from the print call.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ReportModel } from '../../../src-preload/contract'
import { AppError } from '../errors'
import { childEnv } from '../child-env'
import type { ExportFormat } from './format'
import { when } from '../../../src-preload/dates'

/** What a printer needs besides the model: where the built report page is, and the header/footer. */
export interface PrintJob {
  model: ReportModel
  /** The built renderer folder holding report.html. */
  rendererDir: string
  headerTemplate: string
  footerTemplate: string
}

/** A port: the core prints through whichever Chromium the face has. */
export interface PdfPrinter {
  /** Prints; `engine` names what printed it, e.g. "Chromium 156.0 (playwright-core)". */
  print(job: PrintJob): Promise<{ pdf: Buffer; engine: string }>
}

export const REPORT_PAGE = 'report.html'
/** The page's render function: takes the model, resolves true once it is drawn (src-renderer/report/report-main.tsx). */
export const RENDER_FN = '__driftwatchRenderReport'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** The built renderer: beside the built main bundle (out/main → out/renderer), or out/renderer from the sources. */
export function defaultRendererDir(): string {
  const candidates = [
    fileURLToPath(new URL('../renderer', import.meta.url)),
    fileURLToPath(new URL('../../../out/renderer', import.meta.url)),
  ]
  return candidates.find((d) => existsSync(join(d, REPORT_PAGE))) ?? candidates[0]!
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export function printTemplates(model: ReportModel): { headerTemplate: string; footerTemplate: string } {
  const style =
    'font-family: Liberation Sans, Arial, sans-serif; font-size: 8px; color: #555; width: 100%; padding: 0 14mm; display: flex; justify-content: space-between;'
  const left = [model.engagement.organisation, model.title].filter(Boolean).join(' · ')
  return {
    headerTemplate: `<div style="${style}"><span>${esc(left)}</span><span>Confidential: audit evidence</span></div>`,
    footerTemplate:
      `<div style="${style}"><span>Driftwatch ${esc(model.generator.version)} · report ${esc(model.reportId.slice(0, 8))} · as of ${esc(when(model.asOf))}</span>` +
      `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}
// A name that never resolves: pages are answered from the built folder by a route handler, not a server.
const ORIGIN = 'http://driftwatch-report.invalid'

/** Chromium through playwright-core; `executablePath` defaults to /usr/bin/chromium or $DRIFTWATCH_CHROMIUM. */
export function chromiumPrinter(
  executablePath = process.env.DRIFTWATCH_CHROMIUM ?? '/usr/bin/chromium',
): PdfPrinter {
  return {
    async print(job) {
      if (!existsSync(executablePath))
        throw new AppError(
          'unavailable',
          `PDF export needs Chromium, which is not at ${executablePath}: install it (apt-get install chromium) or set DRIFTWATCH_CHROMIUM`,
        )
      if (!existsSync(join(job.rendererDir, REPORT_PAGE)))
        throw new AppError(
          'unavailable',
          `The report page is not built (${join(job.rendererDir, REPORT_PAGE)}); run "npm run build"`,
        )
      const { chromium } = await import('playwright-core')
      // Chromium and its helpers get a minimal environment: nothing of this process's secrets.
      const browser = await chromium.launch({
        executablePath,
        args: CHROMIUM_ARGS,
        headless: true,
        env: childEnv() as Record<string, string>,
      })
      try {
        const version = browser.version()
        const page = await browser.newPage()
        const root = normalize(job.rendererDir + sep)
        await page.route(`${ORIGIN}/**`, async (route) => {
          const path = normalize(join(root, decodeURIComponent(new URL(route.request().url()).pathname)))
          if (!path.startsWith(root) || !existsSync(path)) return route.fulfill({ status: 404, body: '' })
          return route.fulfill({
            status: 200,
            contentType: TYPES[extname(path)] ?? 'application/octet-stream',
            body: await readFile(path),
          })
        })
        // Anything else (there should be nothing) is refused: the report never reaches the network.
        await page.route(
          (url) => !url.href.startsWith(ORIGIN),
          (route) => route.abort(),
        )
        // The page's module script has run by 'load'; the render function resolves once the report is drawn.
        // (No waitForFunction: its string predicates are eval, which the page's CSP rightly refuses.)
        await page.goto(`${ORIGIN}/${REPORT_PAGE}`, { waitUntil: 'load' })
        const drawn = await page.evaluate(
          ([fn, json]) => {
            const render = (
              window as unknown as Record<string, ((m: unknown) => Promise<boolean>) | undefined>
            )[fn]
            return render ? render(JSON.parse(json)) : false
          },
          [RENDER_FN, JSON.stringify(job.model)] as const,
        )
        if (!drawn) throw new Error('The report page did not draw the report')
        const pdf = await page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: job.headerTemplate,
          footerTemplate: job.footerTemplate,
          margin: { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' },
        })
        return { pdf, engine: `Chromium ${version} (playwright-core, ${executablePath})` }
      } finally {
        await browser.close()
      }
    },
  }
}

export const pdfFormat: ExportFormat = {
  id: 'pdf',
  label: 'PDF report',
  extension: '.pdf',
  mediaType: 'application/pdf',
  async render(model, ctx) {
    const { pdf, engine } = await ctx.printPdf(model)
    return { bytes: pdf, engine }
  },
}
