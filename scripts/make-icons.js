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
// The tray's watch states: the same icon with a coloured badge (and a distinct shape, for colour-blind eyes).
const BADGES = {
  drift:
    '<circle cx="25" cy="25" r="6.5" fill="#dc2626" stroke="#fff" stroke-width="1.5"/><rect x="24" y="20.5" width="2" height="5.5" fill="#fff"/><rect x="24" y="27.5" width="2" height="2" fill="#fff"/>',
  scanning:
    '<circle cx="25" cy="25" r="6.5" fill="#0ea5e9" stroke="#fff" stroke-width="1.5"/><circle cx="25" cy="25" r="3" fill="none" stroke="#fff" stroke-width="1.6"/>',
  vault_locked:
    '<circle cx="25" cy="25" r="6.5" fill="#d97706" stroke="#fff" stroke-width="1.5"/><rect x="22" y="24.5" width="6" height="4.5" fill="#fff"/><path d="M23.2 24.5v-1.5a1.8 1.8 0 0 1 3.6 0v1.5" fill="none" stroke="#fff" stroke-width="1.3"/>',
  paused:
    '<circle cx="25" cy="25" r="6.5" fill="#64748b" stroke="#fff" stroke-width="1.5"/><rect x="22.5" y="22" width="1.8" height="6" fill="#fff"/><rect x="25.7" y="22" width="1.8" height="6" fill="#fff"/>',
}
for (const [state, badge] of Object.entries(BADGES))
  for (const [suffix, size] of [
    ['', 32],
    ['@2x', 64],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const withBadge = svg
      .replace('</svg>', `${badge}</svg>`)
      .replace('<svg ', `<svg width="${size}" height="${size}" `)
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${withBadge}`)
    await page.screenshot({ path: `resources/tray-${state}${suffix}.png`, omitBackground: true })
    await page.close()
  }
await browser.close()
