// SCAP content and tailoring channels: import datastreams (one the server found in the standard folder, named
// by the id it listed, or an uploaded file), browse a profile's rules and Values, and save, export and import
// tailorings checked against it. A client never names a path on this machine.
import { randomUUID } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { ContentRepo, TailoringRow } from '../store/content'
import { AppError, notFound } from '../errors'
import { prepareDatastream, sha256Of, type PreparedDatastream } from './prepare'
import { readTailoring, validateTailoring } from '../scap/tailoring'
import { tailoringXml } from '../scap/tailoring-groups'
import { ScapError, type Benchmark, type Tailoring, type XccdfProfile, type XccdfValue } from '../scap/types'
import type { TailoringView } from '../../../src-preload/contract'
import type { FileStaging } from '../files/staging'
import { MAX_UPLOAD_BYTES } from '../files/staging'
import { readUserFile } from '../files/read-user-file'

export const SSG_DIR = '/usr/share/xml/scap/ssg/content'

type ContentHandlers = Pick<
  Handlers,
  | 'content.discover'
  | 'content.import'
  | 'content.list'
  | 'content.profiles'
  | 'content.profile'
  | 'content.rule'
  | 'tailorings.list'
  | 'tailorings.save'
  | 'tailorings.remove'
  | 'tailorings.export'
  | 'tailorings.import'
>

const scapFailure = (err: unknown): never => {
  if (err instanceof ScapError) throw new AppError('validation', err.message)
  throw err
}

export function contentHandlers(
  ctx: CoreContext & { content: ContentRepo; contentDir?: string; uploads: FileStaging },
): ContentHandlers {
  const { content, clock } = ctx
  const dir = ctx.contentDir ?? process.env.DRIFTWATCH_SCAP_CONTENT_DIR ?? SSG_DIR

  // Datastream names only: a listed id can never climb out of the folder or name anything else.
  const discoverable = (name: string) =>
    /^[A-Za-z0-9._-]+-ds(-1\.[23])?\.xml$/.test(name) && !name.startsWith('.')
  const listDiscoverable = async () => {
    try {
      return (await readdir(dir)).filter(discoverable).sort()
    } catch {
      // No SCAP Security Guide installed here: an empty list, and the page says where it looked.
      return []
    }
  }

  const bench = (sha256: string, benchmarkId?: string): Benchmark => {
    const b = content.benchmark(sha256, benchmarkId)
    if (!b) throw notFound('That content')
    return b
  }
  const profileOf = (b: Benchmark, id: string): XccdfProfile => {
    const p = b.profiles.find((x) => x.id === id)
    if (!p) throw new AppError('not_found', `The profile ${id} is not in ${b.title}`)
    return p
  }
  const isSelected = (b: Benchmark, p: XccdfProfile) => {
    const chosen = new Set(p.selected)
    return (ruleId: string) =>
      chosen.has(ruleId) || Boolean(b.rules.find((r) => r.id === ruleId)?.selectedByDefault)
  }

  const view = (row: TailoringRow): TailoringView => {
    const b = content.benchmark(row.contentSha256, row.benchmarkId)
    const t = row.tailoring
    const base = b?.profiles.find((p) => p.id === t.extends)
    const diff: TailoringView['diff'] = []
    if (b && base) {
      const selected = isSelected(b, base)
      for (const [id, selector] of Object.entries(t.refineValues)) {
        const v = b.values.find((x) => x.id === id)
        const from = base.refineValues[id] ?? '(default)'
        diff.push({ kind: 'value', id, title: v?.title ?? id, from, to: selector })
      }
      for (const [id, value] of Object.entries(t.setValues)) {
        const v = b.values.find((x) => x.id === id)
        const sel = base.refineValues[id]
        const from =
          base.setValues[id] ?? (sel ? v?.selectors.find((s) => s.selector === sel)?.value : v?.default) ?? ''
        diff.push({ kind: 'value', id, title: v?.title ?? id, from, to: value })
      }
      for (const [id, on] of Object.entries(t.selects)) {
        const r = b.rules.find((x) => x.id === id)
        diff.push({
          kind: 'select',
          id,
          title: r?.title ?? id,
          from: selected(id) ? 'selected' : 'not selected',
          to: on ? 'selected' : 'not selected',
        })
      }
      for (const [id, sev] of Object.entries(t.refineRules)) {
        const r = b.rules.find((x) => x.id === id)
        diff.push({ kind: 'severity', id, title: r?.title ?? id, from: r?.severity ?? 'unknown', to: sev })
      }
    }
    return {
      id: row.id,
      name: row.name,
      contentSha256: row.contentSha256,
      benchmarkId: row.benchmarkId,
      baseProfileId: t.extends,
      profileId: t.profileId,
      changes: {
        refineValues: t.refineValues,
        setValues: t.setValues,
        selects: t.selects,
        refineRules: t.refineRules,
      },
      targets: row.targets,
      groups: row.groups,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      diff,
    }
  }

  const save = (
    id: string,
    name: string,
    sha256: string,
    b: Benchmark,
    t: Tailoring,
    assigned: { targets: string[]; groups: string[] },
  ): TailoringView => {
    profileOf(b, t.extends)
    if (content.tailoringNameTaken(name, id)) {
      const message = `A tailoring named "${name}" already exists`
      throw new AppError('conflict', message, [{ path: 'name', message }])
    }
    const issues = validateTailoring(
      t,
      b.values,
      new Set([...b.rules.map((r) => r.id), ...b.groups.map((g) => g.id)]),
    )
    if (issues.length)
      throw new AppError(
        'validation',
        `${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
        issues,
      )
    const at = clock.now().toISOString()
    content.saveTailoring(
      { id, name, contentSha256: sha256, benchmarkId: b.id, tailoring: t, ...assigned },
      at,
    )
    // One policy per target and group: assigning here takes them from any other tailoring.
    content.claimAssignments(id, assigned.targets, assigned.groups, at)
    return view(content.tailoring(id)!)
  }

  return {
    'content.discover': async () => {
      const names = await listDiscoverable()
      const imported = new Map(content.list().map((c) => [c.sourcePath, c.sha256]))
      const files = await Promise.all(
        names.map(async (name) => {
          const path = join(dir, name)
          const bytes = await stat(path).then(
            (s) => s.size,
            () => 0,
          )
          return { id: name, name, bytes, importedSha256: imported.get(path) ?? null }
        }),
      )
      return { dir, files }
    },
    'content.import': async ({ uploadId, discovered }) => {
      let raw: Buffer
      let fileName: string
      let source: string
      let prepared: PreparedDatastream | undefined
      if (discovered !== undefined) {
        // Only a name the listing offers right now; anything else is refused the same way, found or not.
        if (!(await listDiscoverable()).includes(discovered))
          throw new AppError('not_found', 'That datastream is not among the discovered content', [
            { path: 'discovered', message: 'Not among the discovered content' },
          ])
        source = join(dir, discovered)
        const f = await readUserFile(source, { maxBytes: MAX_UPLOAD_BYTES })
        raw = f.bytes
        fileName = discovered
      } else {
        const f = ctx.uploads.take(uploadId!)
        if (!f)
          throw new AppError('not_found', 'That upload is gone (each is used once): choose the file again', [
            { path: 'uploadId', message: 'Choose the file again' },
          ])
        raw = f.bytes
        fileName = f.fileName
        // The CLI and the open dialog know the real path; an upload from a browser has only its name.
        source = f.origin ?? f.fileName
        prepared = f.prepared
      }
      // The same file imported again is the import already stored: no second parse.
      const sha256 = sha256Of(raw)
      if (content.has(sha256)) return content.list().find((c) => c.sha256 === sha256)!
      // A face in this process (a driftwatch.yml's plan) may have parsed these very bytes already.
      const ready = prepared?.sha256 === sha256 ? prepared : await prepareDatastream(raw)
      if (!content.has(ready.sha256))
        content.insert(ready.parsed, raw, fileName, source, clock.now().toISOString(), ready.gz)
      return content.list().find((c) => c.sha256 === ready.sha256)!
    },
    'content.list': () => ({ content: content.list() }),
    'content.profiles': ({ sha256, benchmarkId }) => {
      const b = bench(sha256, benchmarkId)
      return {
        profiles: b.profiles.map((p) => {
          const selected = isSelected(b, p)
          return {
            id: p.id,
            title: p.title,
            description: p.description,
            selectedRules: b.rules.filter((r) => selected(r.id)).length,
          }
        }),
      }
    },
    'content.profile': ({ sha256, benchmarkId, profileId }) => {
      const b = bench(sha256, benchmarkId)
      const p = profileOf(b, profileId)
      const selected = isSelected(b, p)
      const ruleTitle = new Map(b.rules.map((r) => [r.id, r.title]))
      const used = new Set(b.rules.filter((r) => selected(r.id)).flatMap((r) => r.values))
      const valueView = (v: XccdfValue, usedBy: (id: string) => boolean) => {
        const sel = p.refineValues[v.id] ?? ''
        const selValue = sel ? v.selectors.find((s) => s.selector === sel)?.value : undefined
        return {
          ...v,
          usedBy: v.usedBy.filter(usedBy).map((id) => ({ id, title: ruleTitle.get(id) ?? id })),
          profileSelector: sel,
          profileValue: p.setValues[v.id] ?? selValue ?? v.default,
        }
      }
      const values = b.values.filter((v) => used.has(v.id)).map((v) => valueView(v, selected))
      const otherValues = b.values
        .filter((v) => !used.has(v.id) && v.usedBy.length > 0)
        .map((v) => valueView(v, () => true))
      return {
        benchmark: { id: b.id, title: b.title, version: b.version },
        profile: { id: p.id, title: p.title, description: p.description },
        profiles: b.profiles.map((x) => ({ id: x.id, title: x.title })),
        values,
        otherValues,
        rules: b.rules.map((r) => ({
          id: r.id,
          title: r.title,
          severity: r.severity,
          selectedInProfile: selected(r.id),
          values: r.values,
          groupId: r.groupId,
          refs: r.references.map((x) => `${x.system} ${x.id}`),
        })),
        groups: b.groups,
      }
    },
    'content.rule': ({ sha256, ruleId }) => {
      const r = content
        .parsed(sha256)
        ?.benchmarks.flatMap((b) => b.rules)
        .find((x) => x.id === ruleId)
      if (!r) throw notFound('That rule')
      return {
        id: r.id,
        title: r.title,
        severity: r.severity,
        description: r.description,
        rationale: r.rationale,
        references: r.references,
        fixes: r.fixes ?? [],
      }
    },
    'tailorings.list': () => ({ tailorings: content.tailorings().map(view) }),
    'tailorings.save': (req) => {
      const b = bench(req.sha256, req.benchmarkId)
      const base = profileOf(b, req.baseProfileId)
      const unknown = req.targets.filter((id) => !ctx.repos.targets.get(id))
      if (unknown.length) {
        const message = `No target with id ${unknown[0]}: it may have been deleted`
        throw new AppError('validation', message, [{ path: 'targets', message }])
      }
      // A tailoring is a policy only for kinds that take one (the kind's descriptor says).
      for (const id of req.targets) {
        const t = ctx.repos.targets.get(id)!
        const k = ctx.kinds.get(t.kind)
        if (!k?.policy.tailoring) {
          const message = `${t.name} (${k?.label ?? t.kind}) takes no tailoring`
          throw new AppError('validation', message, [{ path: 'targets', message }])
        }
      }
      const existing = req.id ? content.tailoring(req.id) : undefined
      if (req.id && !existing) throw notFound('That tailoring')
      const t: Tailoring = {
        profileId: existing?.tailoring.profileId ?? `${base.id}_customized`,
        profileTitle: `${base.title} (${req.name})`,
        extends: base.id,
        ...req.changes,
        benchmarkHref: benchmarkHref(content.list().find((c) => c.sha256 === req.sha256)?.sourcePath ?? ''),
        version: String(Number(existing?.tailoring.version ?? 0) + 1),
        versionTime: clock
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      }
      return save(req.id ?? randomUUID(), req.name, req.sha256, b, t, {
        targets: req.targets,
        groups: req.groups,
      })
    },
    'tailorings.remove': ({ id }) => {
      if (!content.removeTailoring(id)) throw notFound('That tailoring')
      return { removed: true as const }
    },
    'tailorings.export': ({ id }) => {
      const row = content.tailoring(id)
      if (!row) throw notFound('That tailoring')
      const slug =
        row.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'tailoring'
      return {
        fileName: `${slug}-tailoring.xml`,
        xml: tailoringXml(row.tailoring, content.benchmark(row.contentSha256, row.benchmarkId)),
      }
    },
    'tailorings.import': ({ xml, name, sha256 }) => {
      let t: Tailoring
      try {
        t = readTailoring(xml)
      } catch (err) {
        return scapFailure(err)
      }
      const b = content.parsed(sha256)?.benchmarks.find((x) => x.profiles.some((p) => p.id === t.extends))
      if (!b)
        throw new AppError(
          'validation',
          `This tailoring extends ${t.extends}, which is not a profile of that content`,
        )
      return save(randomUUID(), name, sha256, b, t, { targets: [], groups: [] })
    },
  }
}

/** A file: URL for content read from a path here; an upload's bare name otherwise (never this process's cwd). */
function benchmarkHref(source: string): string {
  return isAbsolute(source) ? pathToFileURL(source).href : encodeURIComponent(source)
}
