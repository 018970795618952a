// Preloaded with --require: appends every module file Node loads to $RECORD_LOADS_FILE, one per line, so a
// test can tell which code a process pulled in (e.g. that a production start loads no build tooling).
const { appendFileSync } = require('node:fs');
const Module = require('node:module');

const out = process.env.RECORD_LOADS_FILE;
if (out) {
  const load = Module._load;
  Module._load = function recordLoad(request, parent, isMain) {
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (file.startsWith('/')) appendFileSync(out, `${file}\n`);
    } catch {
      // Unresolvable requests fail in the real load below.
    }
    return load.apply(this, arguments);
  };
}
