// The one "could not load" notice: it says what could not be read and why, is announced to screen readers, and
// its Try again button runs the place's own reload.
import { createElement, type ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { LoadFailed } from '../../../src-renderer/components/LoadFailed'

type Props = Parameters<typeof LoadFailed>[0]
const html = (props: Props) => renderToStaticMarkup(createElement(LoadFailed, props))
const text = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'")

/** The Try again button inside the element the component returns. */
function retryButton(props: Props): ReactElement<{ onClick: () => void; children: unknown }> {
  const root = LoadFailed(props) as ReactElement<{ children: unknown[] }>
  const button = root.props.children.find(
    (c): c is ReactElement<{ onClick: () => void; children: unknown }> =>
      typeof c === 'object' && c !== null && (c as ReactElement).type === 'button',
  )
  if (!button) throw new Error('no button in the notice')
  return button
}

describe('LoadFailed', () => {
  it('is a page banner with the place’s words, the reason and a Try again button', () => {
    const markup = html({ what: 'Could not read the vault', error: 'Connection refused', onRetry: () => {} })
    expect(markup).toMatch(/^<p class="banner error" role="alert">/)
    expect(text(markup)).toBe('Could not read the vault: Connection refused Try again')
    expect(markup).toContain('<button type="button" class="link">Try again</button>')
  })

  it('inline, is a small field error that may sit inside a label', () => {
    const markup = html({
      inline: true,
      what: 'Could not read the profiles',
      error: 'The file is gone',
      onRetry: () => {},
    })
    expect(markup).toMatch(/^<span class="field-error" role="alert">/)
    expect(markup).toContain('class="link small"')
    expect(text(markup)).toBe('Could not read the profiles: The file is gone Try again')
  })

  it('keeps a place’s extra class and never shows an empty reason', () => {
    const markup = html({
      className: 'report-audit',
      what: 'Could not read the audit log',
      error: '',
      onRetry: () => {},
    })
    expect(markup).toMatch(/^<p class="banner error report-audit" role="alert">/)
    expect(text(markup)).toBe('Could not read the audit log: no reason was given Try again')
  })

  it('runs the place’s reload when Try again is pressed', () => {
    let reloads = 0
    const button = retryButton({
      what: 'Could not list the credentials',
      error: 'x',
      onRetry: () => reloads++,
    })
    expect(button.props.children).toBe('Try again')
    button.props.onClick()
    button.props.onClick()
    expect(reloads).toBe(2)
  })
})
