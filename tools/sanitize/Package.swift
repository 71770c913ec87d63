// swift-tools-version: 6.1
import PackageDescription

// The document core's tests (HardenedXML, EInvoice, EInvoiceRules: the code that uses unsafe
// pointers and underscored APIs for speed) built on their own, so that `.ci/run` can run them
// under AddressSanitizer and ThreadSanitizer without sanitizing and rebuilding the whole stack:
//
//     swift test --package-path tools/sanitize --sanitize=address
//     swift test --package-path tools/sanitize --sanitize=thread
//
// The test folders are symbolic links to the main package's.
let package = Package(
    name: "efactuur-sanitize",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "efactuur", path: "../.."),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        .testTarget(name: "HardenedXMLTests", dependencies: [.product(name: "HardenedXML", package: "efactuur")], path: "HardenedXMLTests"),
        .testTarget(
            name: "EInvoiceTests",
            dependencies: [
                .product(name: "EInvoice", package: "efactuur"), .product(name: "EInvoiceTestSupport", package: "efactuur"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "EInvoiceTests"),
        .testTarget(
            name: "EInvoiceRulesTests",
            dependencies: [
                .product(name: "EInvoiceRules", package: "efactuur"), .product(name: "EInvoice", package: "efactuur"),
                .product(name: "HardenedXML", package: "efactuur"), .product(name: "EInvoiceTestSupport", package: "efactuur"),
            ],
            path: "EInvoiceRulesTests"),
    ]
)
