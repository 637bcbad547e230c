#!/usr/bin/env node
// npm pack / npm publish: the package.json inside the tarball has no `prepare` script, so
// installing fe80 from the registry runs nothing (npm warns about packages with install-time
// scripts), while `npm ci` in a clone still builds dist/ through `prepare`.
//   prepack:  node scripts/pack-manifest.mjs strip     (after the build)
//   postpack: node scripts/pack-manifest.mjs restore
// The original is kept byte for byte in package.json.orig until `restore`; a `strip` after a
// pack that failed half-way restores it first.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = `${root}package.json`;
const saved = `${root}package.json.orig`;
const action = process.argv[2];

if (existsSync(saved)) renameSync(saved, manifest);
if (action === 'strip') {
  const text = readFileSync(manifest, 'utf8');
  const json = JSON.parse(text);
  delete json.scripts.prepare;
  writeFileSync(saved, text);
  // written aside and renamed over it: a test reading package.json meanwhile never sees half a file
  writeFileSync(`${manifest}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${manifest}.tmp`, manifest);
} else if (action !== 'restore') {
  console.error('usage: pack-manifest.mjs strip|restore');
  process.exit(2);
}
