// Renders the app icon (src-renderer/public/favicon.svg) to the PNGs the tray and packaging need, with Chromium.
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'

const svg = readFileSync(new URL('../src-renderer/public/favicon.svg', import.meta.url), 'utf8')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
})
for (const [file, size] of [
  ['resources/tray.png', 32],
  ['resources/tray@2x.png', 64],
  ['build/icon.png', 512],
]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } })
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}</style>${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}`,
  )
  await page.screenshot({ path: file, omitBackground: true })
  await page.close()
}
await browser.close()
