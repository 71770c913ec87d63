// swift-tools-version: 6.1
// Benchmarks live in their own package so the main build and CI never compile them.
// Run: swift run -c release --package-path bench UBLBenchmarks (or RulesBenchmarks, PlatformBenchmarks)
import PackageDescription

let package = Package(
    name: "efactuur-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "efactuur", path: "..")],
    targets: [
        .target(name: "BenchSupport"),
        .executableTarget(
            name: "RulesBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "EInvoiceRules", package: "efactuur"), .product(name: "EInvoice", package: "efactuur"),
                .product(name: "HardenedXML", package: "efactuur"),
            ]
        ),
        .executableTarget(
            name: "PlatformBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Platform", package: "efactuur"), .product(name: "PlatformServer", package: "efactuur"),
                .product(name: "EInvoice", package: "efactuur"), .product(name: "EConnectWire", package: "efactuur"),
                .product(name: "HardenedXML", package: "efactuur"),
            ]
        ),
        .executableTarget(
            name: "PeppolBenchmarks",
            dependencies: [
                "BenchSupport", .product(name: "PeppolAS4", package: "efactuur"),
                .product(name: "EInvoiceRules", package: "efactuur"), .product(name: "EInvoice", package: "efactuur"),
                .product(name: "EConnectWire", package: "efactuur"), .product(name: "HardenedXML", package: "efactuur"),
            ]
        ),
        .executableTarget(
            name: "UBLBenchmarks",
            dependencies: [
                "BenchSupport", .product(name: "EInvoice", package: "efactuur"),
                .product(name: "HardenedXML", package: "efactuur"),
            ]
        ),
    ]
)
