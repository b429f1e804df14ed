// Electron entry point: the desktop shell. The CLI's entry is src-main/cli/index.ts.
import './electron/main'
