import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Platform
import PlatformPostgres
import PlatformServer
import PlatformTestSupport
import Synchronization
import Testing

/// Where a test's platform keeps its state; the storage-independent tests run on both.
enum Storage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue == "sqlite" ? "SQLite" : "PostgreSQL" }
}

/// A platform on a fresh SQLite file with three organisations, each with connection keys:
/// the supplier (KvK 12345678) and the government customer (OIN) of ``ExampleInvoices``, and an
/// outsider in another account.
struct PlatformFixture {
    struct Party {
        var organisation: Organisation
        var appKey: String
        var secret: String
        var partyID: String { organisation.partyID }
    }

    let service: PlatformService
    let clock: TestClock
    let directory: URL
    let supplier: Party
    let customer: Party
    let outsider: Party

    /// On a fresh SQLite file, or a fresh database on the tests' PostgreSQL server.
    static func make(
        tokenLifetime: TimeInterval = 4 * 3600, mailer: (any DocumentMailer)? = nil, storage: Storage = .sqlite,
        logger: Logger = Logger(label: "efactuur.platform")
    ) async throws -> PlatformFixture {
        let directory = TestFolder.root.appendingPathComponent("efactuur-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store: any PlatformStore =
            switch storage {
            case .sqlite: try SQLitePlatformStore(path: directory.appendingPathComponent("platform.sqlite").path)
            case .postgres: try await PostgresPlatformStore(url: try await PostgresServer.shared().makeDatabase())
            }
        let clock = TestClock()
        let service = PlatformService(
            store: store, configuration: .init(tokenLifetime: tokenLifetime, mailer: mailer, logger: logger),
            clock: { clock.read() })
        func party(_ account: String, _ name: String, kvk: String? = nil, oin: String? = nil) async throws -> Party {
            let email = "admin@\(account.lowercased()).example"
            let created = try await service.createAccount(name: account, email: email)
            let organisation = try await service.createOrganisation(
                accountID: created.id, name: name, country: "NL", kvk: kvk, oin: oin)
            let (key, secret) = try await service.createConnectionKey(partyID: organisation.partyID, email: email)
            return Party(organisation: organisation, appKey: key.appKey, secret: secret)
        }
        return PlatformFixture(
            service: service, clock: clock, directory: directory,
            supplier: try await party("Leverancier", "Voorbeeld Leverancier B.V.", kvk: "12345678"),
            customer: try await party("Ministerie", "Ministerie van Voorbeelden", oin: "00000001003214321000"),
            outsider: try await party("Buitenstaander", "Buitenstaander B.V.", kvk: "87654321"))
    }

    /// Runs `body` against the real server listening on a loopback port.
    /// Request lines are left out of the test output unless `logger` asks for them.
    func withServer<T: Sendable>(
        logger: Logger = PlatformFixture.quietLogger, proxies: ProxyPolicy = ProxyPolicy(),
        _ body: @Sendable (SOAPTestClient) async throws -> T
    ) async throws -> T {
        let app = Application(
            router: PlatformHTTPServer.makeRouter(service: service, proxies: proxies, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body(SOAPTestClient(client: client)) }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "efactuur.platform")
        logger.logLevel = .warning
        return logger
    }

    static func invoice(number: String = "F2026-0001", lines: Int = 3) -> String {
        String(decoding: UBLWriter().write(ExampleInvoices.siUBL(number: number, lineCount: lines)), as: UTF8.self)
    }

    /// The OIN of a buyer that is not on the platform.
    static let outsideOIN = "00000001001234567000"

    /// An invoice to a buyer that is not on the platform (its EndpointID is ``outsideOIN``).
    static func invoiceToOutsideBuyer(number: String) -> String {
        invoice(number: number).replacingOccurrences(of: "00000001003214321000", with: outsideOIN)
    }
}

/// Sends SOAP envelopes over HTTP and reads the answers.
struct SOAPTestClient: Sendable {
    let client: any TestClientProtocol

    struct Answer: Sendable {
        var status: Int
        var bytes: [UInt8]
        var root: XMLElement
        /// The response element (or the Fault) inside the Body.
        var body: XMLElement
        var fault: SOAPFault? {
            guard body.name == "Fault" else { return nil }
            return body.children.first { $0.name == "faultstring" }.flatMap { SOAPFault(faultString: $0.text) }
        }

        /// The text at a path of child names below the response element.
        func text(_ path: String...) -> String? { element(path)?.text }

        func element(_ path: [String]) -> XMLElement? {
            var element = body
            for name in path {
                guard let child = element.children.first(where: { $0.name == name }) else { return nil }
                element = child
            }
            return element
        }

        func all(_ path: String...) -> [XMLElement] {
            guard let parent = element(Array(path.dropLast())) else { return [] }
            return parent.children.filter { $0.name == path.last! }
        }
    }

    /// Posts `<operation>inner</operation>` with the token header.
    func call(
        _ operation: String, _ inner: String = "", token: String? = nil, version: APIVersion = .v3_1,
        soapAction: String? = nil, rawBody: String? = nil
    ) async throws -> Answer {
        let envelope = rawBody ?? Envelope.request(operation, body: inner, securityToken: token, version: version)
        var headers: HTTPFields = [.contentType: "text/xml; charset=utf-8"]
        headers[HTTPField.Name("SOAPAction")!] = soapAction ?? "\"\(version.namespace)\(operation)\""
        let response = try await client.execute(
            uri: version.path, method: .post, headers: headers, body: ByteBuffer(string: envelope))
        let bytes = Array(response.body.readableBytesView)
        let root = try XMLReader().read(bytes)
        let body = root.child("Body", in: soapEnvelopeNamespace)!.children[0]
        return Answer(status: Int(response.status.code), bytes: bytes, root: root, body: body)
    }

    func login(_ party: PlatformFixture.Party, version: APIVersion = .v3_1) async throws -> String {
        let answer = try await call(
            "Login", "<ConsumerKey>\(party.appKey)</ConsumerKey><ConsumerSecret>\(party.secret)</ConsumerSecret>",
            version: version)
        guard let token = answer.text("SecurityToken") else {
            throw SOAPFault(code: "test", message: "no token: \(answer.fault.map(\.faultString) ?? "")")
        }
        return token
    }

    func send(
        _ payload: String, via: String, to: String, email: String? = nil, token: String, version: APIVersion = .v3_1
    ) async throws -> Answer {
        let document = payload.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
        return try await call(
            "SendDocument",
            "<Via><ReferenceId>\(via)</ReferenceId></Via><To><ReferenceId>\(to)</ReferenceId>"
                + (email.map { "<EmailAddress>\($0)</EmailAddress>" } ?? "") + "</To><Subject>Factuur</Subject>"
                + "<Payload>\(document)</Payload><TemplateId>\(Template.factuur.masterID)</TemplateId>",
            token: token, version: version)
    }
}
