#!/usr/bin/env bash
# Builds the libFuzzer targets: the document modules compiled with coverage (and AddressSanitizer),
# one executable per target. swiftc directly, because SwiftPM gives an executable its own main and
# libFuzzer brings one. Usage: fuzz/build.sh [target …]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
out=fuzz/.build
mkdir -p "$out"
flags=(-O -g -parse-as-library -sanitize=fuzzer,address -swift-version 6 -I "$out" -I Sources/CLibXML2
       $(pkg-config --cflags libxml-2.0 | sed 's/-I/-Xcc -I/g'))

module() {  # name, sources…
    local name=$1; shift
    swiftc "${flags[@]}" -module-name "$name" -wmo -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -parse-as-library -c "$@" -o "$out/$name.o"
}
module HardenedXML Sources/HardenedXML/*.swift
module EInvoice $(find Sources/EInvoice -name '*.swift')
module EInvoiceRules $(find Sources/EInvoiceRules -name '*.swift')
module EConnectWire $(find Sources/EConnectWire -name '*.swift')

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ubl-reader validator soap-request pdf)
for target in "${targets[@]}"; do
    swiftc "${flags[@]}" -module-name FuzzTarget fuzz/Targets/"$target".swift \
        "$out"/HardenedXML.o "$out"/EInvoice.o "$out"/EInvoiceRules.o "$out"/EConnectWire.o \
        $(pkg-config --libs libxml-2.0) -o "$out/fuzz-$target" 2> >(grep -v "Cannot export local symbol" >&2)
    echo "built $out/fuzz-$target"
done
