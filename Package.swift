// swift-tools-version: 6.1
import PackageDescription

// Module map and one-way dependencies: see README.md ("Modules").

/// What every target is compiled with: `any` spelled out for every existential, so a protocol
/// used as a type (and its cost) is never mistaken for a concrete one.
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
let package = Package(
    name: "efactuur",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EInvoice", targets: ["EInvoice"]),
        .library(name: "HardenedXML", targets: ["HardenedXML"]),
        .library(name: "EInvoiceRules", targets: ["EInvoiceRules"]),
        .library(name: "EConnectWire", targets: ["EConnectWire"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "PlatformServer", targets: ["PlatformServer"]),
        .library(name: "PlatformPostgres", targets: ["PlatformPostgres"]),
        .library(name: "EConnectClient", targets: ["EConnectClient"]),
        .library(name: "Bookkeeping", targets: ["Bookkeeping"]),
        .library(name: "PeppolAS4", targets: ["PeppolAS4"]),
        .library(name: "PeppolDiscovery", targets: ["PeppolDiscovery"]),
        .library(name: "PlatformPeppol", targets: ["PlatformPeppol"]),
        // For tools/sanitize, which runs the core's tests under the sanitizers.
        .library(name: "EInvoiceTestSupport", targets: ["EInvoiceTestSupport"]),
        .executable(name: "efactuur", targets: ["efactuur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // OpenSSL's libcrypto (libpq-dev, which the build needs anyway, depends on libssl-dev).
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        // libxml2 with DTDs, entities and network access off, and limits on size and depth.
        .target(name: "HardenedXML", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        // The EN 16931 document model, money, identifiers, the builder, UBL 2.1 reader and writer.
        .target(name: "EInvoice", dependencies: ["HardenedXML"], swiftSettings: swiftSettings),
        // The validator: EN 16931, SI-UBL 2.0 and Peppol BIS 3 rules, natively.
        .target(name: "EInvoiceRules", dependencies: ["EInvoice", "HardenedXML"], swiftSettings: swiftSettings),
        // What goes over the wire: SOAP 1.1 envelopes, the native API v3/v3.1 messages, faults,
        // the WSDL, the Quick Connect text. No I/O.
        .target(name: "EConnectWire", dependencies: ["EInvoice", "HardenedXML"], swiftSettings: swiftSettings),
        // The access point's domain and its storage (SQLite through GRDB).
        .target(
            name: "Platform",
            dependencies: [
                "EInvoice", "EInvoiceRules",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        // The portal: the platform's pages for people (accounts, organisations, keys, documents,
        // validation), server-rendered with Mustache templates.
        // What every server-rendered page needs: forms read in linear time, the security
        // headers, CSRF tokens. Shared by the platform's portal and the books' screens.
        .target(
            name: "WebPages",
            dependencies: [
                "HardenedXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlatformPortal",
            dependencies: [
                "Platform", "EInvoice", "EInvoiceRules", "EConnectWire", "HardenedXML", "WebPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The platform's storage on PostgreSQL, for several platform instances on one database.
        .target(
            name: "PlatformPostgres",
            dependencies: [
                "Platform",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP front ends on Hummingbird: /soap/v3, /soap/v3.1 (+ ?wsdl), /health.
        .target(
            name: "PlatformServer",
            dependencies: [
                "Platform", "EConnectWire", "EInvoiceRules", "PlatformPeppol", "PlatformPortal",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The native API v3/v3.1 from the caller's side: login and re-login, paging, retries, typed faults.
        .target(
            name: "EConnectClient",
            dependencies: [
                "EConnectWire", "HardenedXML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The accounting side: administrations, settings, debtors, invoices, purchase invoices, and
        // the send and receive flows through EConnectClient (SQLite through GRDB).
        .target(
            name: "Bookkeeping",
            dependencies: [
                "EInvoice", "EInvoiceRules", "EConnectClient", "EConnectWire", "HardenedXML",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The books in the browser (`efactuur books web`): the setup guide's screens over `Books`.
        .target(
            name: "BooksWeb",
            dependencies: [
                "Bookkeeping", "EInvoice", "HardenedXML", "WebPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Peppol AS4 as messages: SBDH, ebMS 3 user and signal messages, WS-Security (sign, encrypt,
        // verify, decrypt), MIME. No I/O.
        .target(
            name: "PeppolAS4",
            dependencies: [
                "HardenedXML", "CLibXML2", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Finding a Peppol participant: SML names, DNS NAPTR, the SMP client and the SMP documents
        // efactuur publishes.
        .target(
            name: "PeppolDiscovery",
            dependencies: [
                "PeppolAS4", "HardenedXML", "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The platform on the Peppol network: lookups, the AS4 sender and receiver, its SMP.
        .target(
            name: "PlatformPeppol",
            dependencies: [
                "Platform", "PeppolAS4", "PeppolDiscovery", "HardenedXML", "EInvoiceRules",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "efactuur",
            dependencies: [
                "EInvoice", "EInvoiceRules", "EConnectWire", "Platform", "PlatformPostgres", "PlatformServer", "EConnectClient",
                "Bookkeeping", "BooksWeb", "PlatformPeppol", "PeppolAS4", "PeppolDiscovery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: the corpus beside the checkout, the UBL 2.1 schema check.
        .target(
            name: "EInvoiceTestSupport", dependencies: ["CLibXML2", "HardenedXML"], path: "Tests/EInvoiceTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "HardenedXMLTests", dependencies: ["HardenedXML"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PeppolAS4Tests",
            dependencies: [
                "PeppolAS4", "HardenedXML", "EInvoiceTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PeppolDiscoveryTests", dependencies: ["PeppolDiscovery", "PeppolAS4", "EInvoiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EInvoiceTests",
            dependencies: [
                "EInvoice", "EInvoiceTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EInvoiceRulesTests", dependencies: ["EInvoiceRules", "EInvoice", "HardenedXML", "EInvoiceTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "efactuurTests",
            dependencies: ["efactuur", "EInvoice", "EConnectWire", "EConnectClient", "HardenedXML", "PlatformTestSupport", "EInvoiceTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EConnectWireTests", dependencies: ["EConnectWire", "HardenedXML", "EInvoiceTestSupport"], swiftSettings: swiftSettings),
        // Shared by the tests that run the real platform in-process on a loopback port.
        .target(
            name: "PlatformTestSupport",
            dependencies: [
                "EConnectClient", "EConnectWire", "PlatformServer", "Platform", "EInvoice", "HardenedXML", "EInvoiceTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/PlatformTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BookkeepingTests",
            dependencies: [
                "Bookkeeping", "EInvoice", "PlatformTestSupport", "EInvoiceTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EConnectClientTests",
            dependencies: [
                "EConnectClient", "EConnectWire", "PlatformServer", "Platform", "EInvoice", "HardenedXML", "PlatformTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store contract on both engines, without HTTP.
        .testTarget(
            name: "PlatformTests",
            dependencies: [
                "Platform", "PlatformPostgres", "PlatformTestSupport", "EInvoiceTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlatformServerTests",
            dependencies: [
                "PlatformServer", "Platform", "PlatformPostgres", "PlatformPortal", "EConnectWire", "EConnectClient", "EInvoice",
                "EInvoiceTestSupport", "PlatformTestSupport", "HardenedXML", "Bookkeeping", "PlatformPeppol", "PeppolAS4",
                "PeppolDiscovery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
