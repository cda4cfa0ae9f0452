// Runs `npm ci` only when node_modules does not match package-lock.json, so repeated builds
// (and tests running anvil from node_modules) do not see it deleted and reinstalled each time.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const lock = fs.readFileSync(path.join(root, 'package-lock.json'));
const wanted = createHash('sha256').update(lock).digest('hex');
const stamp = path.join(root, 'node_modules', '.regmail-lock-sha256');

if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) {
  console.log('node_modules matches package-lock.json');
} else {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
  fs.writeFileSync(stamp, wanted);
}
