#!/usr/bin/env bash
# NERKit's DocC documentation from the release build, with warnings (a broken symbol link, a
# malformed topic) as errors: the symbol graph is extracted from the NERKit module the release
# build made (swift-symbolgraph-extract, with the options swift-docc-plugin uses for a library:
# public symbols, synthesized members, extension blocks), then `docc convert` builds the archive
# into .build/docc/NERKit.doccarchive.
#
#   bash scripts/docc.sh        (make docs, make test; needs the release build, make build)
#
# The plugin (`swift package generate-documentation --target NERKit`) extracts the same symbols
# (checked: the same 363 symbols and 490 relationships) but first builds NERKit again in debug
# for it, 80 s on a quiet 2-core machine; the release build is there already.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=.build/release/Modules
[ -f "$modules/NERKit.swiftmodule" ] || { echo "docc.sh: no $modules/NERKit.swiftmodule (build first: make build)" >&2; exit 1; }
triple=$(swift -print-target-info | python3 -c 'import json, sys; print(json.load(sys.stdin)["target"]["triple"])')
out=.build/docc
rm -rf "$out/symbol-graphs" "$out/NERKit.doccarchive"
mkdir -p "$out/symbol-graphs"
# NERKit imports the system libraries' and CKernels' C modules: their module maps, as SwiftPM
# passes them to the compiler (CKernels' is the one SwiftPM wrote for the build).
swift-symbolgraph-extract -module-name NERKit -target "$triple" -I "$modules" \
  -Xcc -fmodule-map-file=Sources/CUTF8Proc/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CBLAS/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
  -Xcc -fmodule-map-file=.build/release/CKernels.build/module.modulemap -Xcc -I -Xcc Sources/CKernels/include \
  -minimum-access-level public -emit-extension-block-symbols -output-dir "$out/symbol-graphs"
docc convert Sources/NERKit/NERKit.docc --fallback-display-name NERKit --fallback-bundle-identifier NERKit \
  --additional-symbol-graph-dir "$out/symbol-graphs" --output-path "$out/NERKit.doccarchive" --warnings-as-errors
echo "docc: $out/NERKit.doccarchive"
