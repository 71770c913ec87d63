// swift-tools-version: 6.1
import PackageDescription

// Module map and one-way dependencies: see README.md ("Modules").
let package = Package(
    name: "efactuur",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EInvoice", targets: ["EInvoice"]),
        .library(name: "HardenedXML", targets: ["HardenedXML"]),
        .library(name: "EInvoiceRules", targets: ["EInvoiceRules"]),
        .executable(name: "efactuur", targets: ["efactuur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // libxml2 with DTDs, entities and network access off, and limits on size and depth.
        .target(name: "HardenedXML", dependencies: ["CLibXML2"]),
        // The EN 16931 document model, money, identifiers, the builder, UBL 2.1 reader and writer.
        .target(name: "EInvoice", dependencies: ["HardenedXML"]),
        // The validator: EN 16931, SI-UBL 2.0 and Peppol BIS 3 rules, natively.
        .target(name: "EInvoiceRules", dependencies: ["EInvoice", "HardenedXML"]),
        .executableTarget(
            name: "efactuur",
            dependencies: [
                "EInvoice", "EInvoiceRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: the corpus beside the checkout, the UBL 2.1 schema check.
        .target(name: "EInvoiceTestSupport", dependencies: ["CLibXML2", "HardenedXML"], path: "Tests/EInvoiceTestSupport"),
        .testTarget(name: "HardenedXMLTests", dependencies: ["HardenedXML"]),
        .testTarget(
            name: "EInvoiceTests",
            dependencies: [
                "EInvoice", "EInvoiceTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "EInvoiceRulesTests", dependencies: ["EInvoiceRules", "EInvoice", "HardenedXML", "EInvoiceTestSupport"]),
        .testTarget(name: "efactuurTests", dependencies: ["efactuur", "EInvoice"]),
    ]
)
