// The tailoring edits the Variables page makes: shared with the CLI (driftwatch tailoring set), so they live beside
// the contract.
export * from '../../../src-preload/tailoring-changes'
