// The portal's controllable clock in browser tests: `candela portal --clock-offset-file PATH`
// runs the portal's clock ahead of the system clock by the number of seconds in PATH and reads
// the file again when it changes. `setTo(date)` makes the portal's "now" that instant.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './harness.mjs';

export class PortalClock {
  constructor(dir) {
    this.path = join(dir, 'clock-offset');
    this.offsetSeconds = 0;
    writeFileSync(this.path, '0\n');
  }

  // The portal's current time (as this test set it).
  now() {
    return new Date(Date.now() + this.offsetSeconds * 1000);
  }

  // Moves the portal's clock so that it reads `date` now; waits a moment for the portal to
  // notice the file changed. The file is replaced atomically so it is never read half-written.
  async setTo(date) {
    this.offsetSeconds = Math.round((date.getTime() - Date.now()) / 1000);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${this.offsetSeconds}\n`);
    renameSync(tmp, this.path);
    await sleep(400);
  }

  async advance(ms) {
    await this.setTo(new Date(this.now().getTime() + ms));
  }
}
