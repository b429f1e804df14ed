// Setup file of the "servers" lane, whose files share their worker's modules: what a helper opened for a file is
// closed after that file, not only after the first file that imported the helper.
import { afterAll } from 'vitest'
import { closeEngines } from './engines'
import { stopAll } from '../services/lib'

afterAll(async () => {
  await closeEngines()
  await stopAll()
})
