import EConnectClient
import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Hummingbird
import Logging
import Platform
import PlatformServer
import Synchronization

/// A clock the tests move forward.
public final class TestClock: Sendable {
    public init() {}
    private let now = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
    public func read() -> Date { now.withLock { $0 } }
    public func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
}

/// Runs `application` on a free loopback port for the duration of `body` (quietly).
public func serving<T: Sendable>(
    _ application: (_ onListening: @escaping @Sendable (Int) async -> Void) -> any ApplicationProtocol,
    _ body: @Sendable (URL) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return try await PlatformHTTPServer.serving(logger: logger, application, body)
}

/// The real platform on a fresh SQLite file: a supplier (KvK 12345678) and the government customer
/// (OIN) of ``ExampleInvoices``, each with connection keys.
public struct LivePlatform: Sendable {
    public let service: PlatformService
    public let clock = TestClock()
    public let supplier: QuickConnect
    public let customer: QuickConnect

    /// On `store` (a fresh SQLite file when nil), delivering outside the platform through `mailer`.
    public init(store: (any PlatformStore)? = nil, mailer: (any DocumentMailer)? = nil) async throws {
        let path = TestFolder.root.appendingPathComponent("efactuur-client-\(UUID().uuidString).sqlite").path
        let clock = clock
        let service = PlatformService(
            store: try store ?? SQLitePlatformStore(path: path), configuration: .init(mailer: mailer), clock: { clock.read() })
        self.service = service
        supplier = try await Self.keys(service, "lev", kvk: "12345678")
        customer = try await Self.keys(service, "min", oin: "00000001003214321000")
    }

    private static func keys(_ service: PlatformService, _ name: String, kvk: String? = nil, oin: String? = nil) async throws -> QuickConnect {
        let account = try await service.createAccount(name: name, email: "a@\(name).example")
        let organisation = try await service.createOrganisation(accountID: account.id, name: name, country: "NL", kvk: kvk, oin: oin)
        let (key, secret) = try await service.createConnectionKey(partyID: organisation.partyID, email: account.email)
        return QuickConnect(appKey: key.appKey, secret: secret, email: account.email, companyID: organisation.partyID)
    }

    public func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let service = service
        return try await serving({ PlatformHTTPServer.makeApplication(service: service, port: 0, onListening: $0) }, body)
    }

    public static func client(_ url: URL, _ keys: QuickConnect, version: APIVersion = .v3_1) -> EConnectClient {
        EConnectClient(
            configuration: .init(
                url: url, version: version, appKey: keys.appKey, secret: keys.secret,
                retry: .init(maxAttempts: 3, initialDelay: .milliseconds(50))))
    }

    public static func invoice(_ number: String) throws -> SendDocumentRequest {
        let payload = try SendDocumentRequest.payload(UBLWriter().write(ExampleInvoices.siUBL(number: number, lineCount: 2)))
        return SendDocumentRequest(
            via: "XCNL10001", toReference: "0190:00000001003214321000", payload: payload, templateID: TemplateID.factuur)
    }
}
