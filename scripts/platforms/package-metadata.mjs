#!/usr/bin/env node
/**
 * Release metadata of every published package, from one place: `repository`
 * (with its `directory`; npm provenance checks it against the repository the
 * release workflow runs in), `homepage`, `bugs`, and the root LICENSE copied
 * into the package folder (npm packs LICENSE whatever `files` says).
 *
 *   node scripts/platforms/package-metadata.mjs          # write
 *   node scripts/platforms/package-metadata.mjs --check  # exit 1 if anything is off
 *
 * REPOSITORY is the project's GitHub repository: change it here if it moves.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = 'https://github.com/sounddevice-js/sounddevice';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const check = process.argv.includes('--check');

const dirs = [
  ...readdirSync(path.join(root, 'packages')).map((d) => `packages/${d}`),
  ...readdirSync(path.join(root, 'packages/native-rs/npm')).map((d) => `packages/native-rs/npm/${d}`),
].filter((d) => existsSync(path.join(root, d, 'package.json')));

const license = readFileSync(path.join(root, 'LICENSE'), 'utf8');
const wrong = [];
for (const dir of dirs) {
  const file = path.join(root, dir, 'package.json');
  const text = readFileSync(file, 'utf8');
  const pkg = JSON.parse(text);
  if (pkg.private) continue;
  const want = {
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: dir },
    homepage: `${REPOSITORY}/tree/main/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
  };
  const next = { ...pkg };
  // keep the key order readable: after "license"
  const ordered = {};
  for (const [k, v] of Object.entries(next)) {
    if (k in want) continue;
    ordered[k] = v;
    if (k === 'license') Object.assign(ordered, want);
  }
  if (!('license' in next)) Object.assign(ordered, want);
  const out = `${JSON.stringify(ordered, null, 2)}\n`;
  const licenseFile = path.join(root, dir, 'LICENSE');
  const licenseOk = existsSync(licenseFile) && readFileSync(licenseFile, 'utf8') === license;
  if (check) {
    if (out !== text) wrong.push(`${dir}/package.json: repository/homepage/bugs differ from package-metadata.mjs`);
    if (!licenseOk) wrong.push(`${dir}/LICENSE: missing or not the root LICENSE`);
    for (const k of ['license', 'files']) if (!pkg[k]) wrong.push(`${dir}/package.json: no ${k}`);
  } else {
    if (out !== text) writeFileSync(file, out);
    if (!licenseOk) copyFileSync(path.join(root, 'LICENSE'), licenseFile);
  }
}
if (wrong.length) {
  console.error(wrong.join('\n'));
  console.error('fix: node scripts/platforms/package-metadata.mjs');
  process.exit(1);
}
