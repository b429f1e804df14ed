// The names the preload installs its bridges under, apart from the contract so the renderer's first chunk can
// find the bridge without loading every channel's schema (zod).
export const BRIDGE_KEY = 'driftwatch'
export const FILES_KEY = 'driftwatchFiles'
