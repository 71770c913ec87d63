import EConnectClient
import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import PeppolAS4
import PeppolDiscovery
import PlatformPeppol
import PlatformPostgres
import PlatformServer
import PlatformTestSupport
import Testing

@testable import Platform

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Two platforms, each its own database, certificate and SMP, found through a real DNS server
/// (dnslib) on loopback: DNS → SMP → AS4, as any two access points find each other.
@Suite("Peppol: two platforms exchange invoices over AS4")
struct PeppolExchangeTests {
    /// Platform A has the supplier (KvK 12345678), platform B the customer (OIN), as in
    /// ``ExampleInvoices``.
    struct Network {
        let pki: TestPKI
        let dns: DNSServerProcess
        let portA = TestPorts.take()
        let portB = TestPorts.take()
        let a: Instance
        let b: Instance

        struct Instance {
            let service: PlatformService
            let clock: TestClock
            let settings: PeppolSettings
            let keys: QuickConnect
            let port: Int

            var accessPoint: PeppolAccessPoint { PeppolAccessPoint(settings: settings, platform: service) }

            func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
                let service = service
                let accessPoint = accessPoint
                let port = port
                return try await serving(
                    { PlatformHTTPServer.makeApplication(service: service, port: port, peppol: accessPoint, onListening: $0) }, body)
            }
        }

        static let supplier = "0106:12345678"
        static let customer = "0190:00000001003214321000"

        /// Platform A on `senderStore`, platform B on `receiverStore` (each a fresh SQLite file
        /// when nil).
        init(senderStore: (any PlatformStore)? = nil, receiverStore: (any PlatformStore)? = nil) async throws {
            pki = await TestPKI.shared
            let (portA, portB) = (self.portA, self.portB)
            dns = try await DNSServerProcess.start(config: [
                "zone": "sml.example",
                "participants": [
                    ["id": Self.supplier, "naptr": [Self.naptr("http://127.0.0.1:\(portA)/smp")]],
                    ["id": Self.customer, "naptr": [Self.naptr("http://127.0.0.1:\(portB)/smp")]],
                ],
            ])
            a = try await Self.instance(
                pki: pki, name: "ap1", port: portA, dns: dns.port, organisation: ("lev", "12345678", nil), store: senderStore)
            b = try await Self.instance(
                pki: pki, name: "ap2", port: portB, dns: dns.port, organisation: ("min", nil, "00000001003214321000"), store: receiverStore)
        }

        static func naptr(_ url: String) -> [String: Any] {
            ["order": 100, "preference": 10, "flags": "U", "service": "Meta:SMP", "regexp": "!^.*$!\(url)!", "replacement": "."]
        }

        static func instance(
            pki: TestPKI, name: String, port: Int, dns: Int, organisation: (name: String, kvk: String?, oin: String?),
            store: (any PlatformStore)? = nil
        ) async throws -> Instance {
            let settings = try PeppolSettings.load(
                certificate: pki.path(name + ".pem"), key: pki.path(name + ".key"), trust: pki.path("root.pem"), smpTrust: pki.path("root.pem"),
                dnsServer: "127.0.0.1", dnsPort: dns, smlZone: "sml.example", publicURL: "http://127.0.0.1:\(port)")
            // make_pki.py keeps root and CA apart; the trust file here is the root, the CA an intermediate.
            var withCA = settings
            let intermediates = try AS4Certificate.pemCertificates(try pki.text("ca.pem"))
            withCA.accessPointTrust.intermediates = intermediates
            withCA.smpTrust.intermediates = intermediates
            let clock = TestClock()
            let path = TestFolder.root.appendingPathComponent("efactuur-peppol-\(UUID().uuidString).sqlite").path
            let service = PlatformService(
                store: try store ?? SQLitePlatformStore(path: path), configuration: .init(peppol: PeppolGateway(settings: withCA)),
                clock: { clock.read() })
            let account = try await service.createAccount(name: organisation.name, email: "a@\(organisation.name).example")
            let created = try await service.createOrganisation(
                accountID: account.id, name: organisation.name, country: "NL", kvk: organisation.kvk, oin: organisation.oin)
            let (key, secret) = try await service.createConnectionKey(partyID: created.partyID, email: account.email)
            return Instance(
                service: service, clock: clock, settings: withCA,
                keys: QuickConnect(appKey: key.appKey, secret: secret, email: account.email, companyID: created.partyID), port: port)
        }
    }

    /// A fresh store of the engine a test runs on: nil (a fresh SQLite file) or a PostgreSQL
    /// database of its own.
    static func store(_ engine: String) async throws -> (any PlatformStore)? {
        engine == "PostgreSQL" ? try await PostgresPlatformStore(url: try await PostgresServer.shared().makeDatabase()) : nil
    }

    @Test(
        "An invoice found through DNS and the SMP arrives byte for byte; the sender sees Afgeleverd and keeps the receipt",
        arguments: ["SQLite", "PostgreSQL"])
    func invoiceCrossesTheNetwork(engine: String) async throws {
        let network = try await Network(senderStore: try await Self.store(engine), receiverStore: try await Self.store(engine))
        try await network.b.run { urlB in
            try await network.a.run { urlA in
                let sender = LivePlatform.client(urlA, network.a.keys)
                var request = try LivePlatform.invoice("PEPPOL-1")
                request.via = try #require(network.a.keys.companyID)
                let externalID = try await sender.send(request)

                let outbox = try #require(try await network.a.service.store.document(externalID: externalID))
                #expect(outbox.route == .toPeppol)
                #expect(outbox.peppolReceiver == Network.customer)
                #expect(outbox.status.status == .afgeleverd)

                // A later invoice whose number starts with the first one's and a `|`: the Invoice
                // Responses below must still find the first by its number, not by a prefix.
                var later = try LivePlatform.invoice("PEPPOL-1|2")
                later.via = request.via
                let laterID = try await sender.send(later)

                let receiver = LivePlatform.client(urlB, network.b.keys)
                let inbox = try await receiver.documents(in: EConnectWire.Mailbox.inbox).documents
                    .sorted { $0.externalID < $1.externalID }
                try #require(inbox.count == 2)
                let received = try await receiver.document(in: EConnectWire.Mailbox.inbox, externalID: inbox[0].externalID)
                #expect(received.payload == request.payload)
                let stored = try #require(try await network.b.service.store.document(externalID: inbox[0].externalID))
                #expect(stored.payloadSHA256 == outbox.payloadSHA256)
                #expect(stored.senderPartyID == Network.supplier)

                // Both sides keep the proof: the receipt B answered is the one A checked and kept.
                let messageID = network.a.settings.identity.messageID(for: "\(outbox.externalID).\(outbox.revision)")
                let keptByA = try #require(try await network.a.service.store.peppolMessage(id: messageID))
                let keptByB = try #require(try await network.b.service.store.peppolMessage(id: messageID))
                #expect(keptByA.receipt == keptByB.receipt)
                #expect(keptByA.direction == .sent && keptByB.direction == .received)

                // The receiver's statuses travel back as Invoice Responses: the sender on the other
                // access point sees them on its outbox document.
                for (code, name) in [("30", "Verwerkt"), ("50", "Afgewezen")] {
                    if code == "50" {
                        // With the reason a person gave (the portal's form), which the response carries.
                        let session = try await network.b.service.session(
                            token: try await network.b.service.login(appKey: network.b.keys.appKey, secret: network.b.keys.secret))
                        _ = try await network.b.service.setInboxStatus(
                            session, externalID: inbox[0].externalID, code: code, reason: "Ordernummer ontbreekt")
                    } else {
                        try await receiver.setInboxStatus(externalID: inbox[0].externalID, code: code)
                    }
                    let answered = try #require(try await network.a.service.store.document(externalID: externalID))
                    #expect(answered.status.status.code == code && answered.status.status.name == name)
                    #expect(answered.status.accountName == "min (Peppol)")
                    #expect(answered.status.reason == (code == "50" ? "Ordernummer ontbreekt" : nil))
                    let status = try await sender.status(in: EConnectWire.Mailbox.outbox, externalID: externalID)
                    #expect(status.status.code == code)
                }
                #expect(try await network.a.service.store.document(externalID: laterID)?.status.status == .afgeleverd)
                // On B each response is a document in the outbox, delivered with its receipt.
                let responses = try await receiver.documents(in: EConnectWire.Mailbox.outbox).documents
                #expect(responses.count == 2)
                #expect(responses.allSatisfy { $0.status.code == "10" && $0.template.name == "Factuurreactie" })
                // With their own template, an outbox search by the invoice template leaves them out.
                var invoicesOnly = DocumentSearch()
                invoicesOnly.templateID = Template.factuur.id
                #expect(try await receiver.documents(in: EConnectWire.Mailbox.outbox, search: invoicesOnly).documents.isEmpty)
            }
        }
    }

    @Test("The same AS4 message twice gets the same receipt and is delivered once", arguments: ["SQLite", "PostgreSQL"])
    func duplicateMessageIsDeliveredOnce(engine: String) async throws {
        let network = try await Network(receiverStore: try await Self.store(engine))
        let message = try outbound(network, to: Network.customer, messageID: "dup-1@test")
        try await network.b.run { url in
            let first = try await post(message, to: url)
            let second = try await post(message, to: url)
            #expect(first == second)
            try await AS4Signal.checkReceipt(
                body: first, contentType: "application/soap+xml", for: message, trust: network.a.settings.accessPointTrust)
            let inbox = try await LivePlatform.client(url, network.b.keys).documents(in: EConnectWire.Mailbox.inbox).documents
            #expect(inbox.count == 1)
        }
    }

    @Test("A sender that is not a participant id (an organisation's Bedrijfs-ID, say) is refused")
    func senderMustBeAParticipant() async throws {
        let network = try await Network()
        let message = try outbound(network, to: Network.customer, messageID: "spoof-1@test", from: "XCNL10001")
        try await network.b.run { url in
            let answer = try await post(message, to: url)
            let error = await #expect(throws: AS4Error.self) {
                try await AS4Signal.checkReceipt(
                    body: answer, contentType: "application/soap+xml", for: message, trust: network.a.settings.accessPointTrust)
            }
            #expect(error?.code == .invalidHeader)
            #expect(try await LivePlatform.client(url, network.b.keys).documents(in: EConnectWire.Mailbox.inbox).documents.isEmpty)
        }
    }

    @Test("A receiver this platform does not serve is answered PEPPOL:NOT_SERVICED")
    func unknownReceiverIsNotServiced() async throws {
        let network = try await Network()
        let message = try outbound(network, to: "0106:99999999", messageID: "unknown-1@test")
        try await network.b.run { url in
            let answer = try await post(message, to: url)
            let error = await #expect(throws: AS4Error.self) {
                try await AS4Signal.checkReceipt(
                    body: answer, contentType: "application/soap+xml", for: message, trust: network.a.settings.accessPointTrust)
            }
            #expect(error?.peppolCode == "PEPPOL:NOT_SERVICED")
        }
    }

    @Test("The receiving side down: the document waits in the outbox, is retried, and arrives once")
    func receiverDownThenUp() async throws {
        let network = try await Network()
        let type = PeppolDocumentType.received[2]  // SI-UBL 2.0 invoice, what LivePlatform.invoice is
        // While B is up, A looks B up and remembers where it is; then B goes down.
        try await network.b.run { _ in
            #expect(await network.a.service.configuration.peppol?.reaches(Network.customer, type) == true)
        }
        let externalID: String = try await network.a.run { urlA in
            var request = try LivePlatform.invoice("PEPPOL-DOWN")
            request.via = try #require(network.a.keys.companyID)
            let externalID = try await LivePlatform.client(urlA, network.a.keys).send(request)
            let queued = try await network.a.service.store.document(externalID: externalID)
            #expect(queued?.status.status == .inWachtrij)
            #expect(queued?.route == .toPeppol)
            return externalID
        }
        try await network.b.run { urlB in
            network.a.clock.advance(3_600)
            #expect(try await network.a.service.deliverDueDocuments() == 1)
            #expect(try await network.a.service.store.document(externalID: externalID)?.status.status == .afgeleverd)
            network.a.clock.advance(3_600)
            #expect(try await network.a.service.deliverDueDocuments() == 0)
            let inbox = try await LivePlatform.client(urlB, network.b.keys).documents(in: EConnectWire.Mailbox.inbox).documents
            #expect(inbox.count == 1)
        }
    }

    @Test("Two instances of the sender on one PostgreSQL database share its Peppol outbox: each invoice is sent once")
    func instancesShareTheOutbox() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        let network = try await Network(senderStore: try await PostgresPlatformStore(url: url))
        // The second instance: its own store connection, the same database, access point and clock.
        let second = PlatformService(
            store: try await PostgresPlatformStore(url: url), configuration: network.a.service.configuration,
            clock: { network.a.clock.read() })
        let type = PeppolDocumentType.received[2]
        try await network.b.run { _ in
            #expect(await network.a.service.configuration.peppol?.reaches(Network.customer, type) == true)
        }
        // B is down: every send waits in the shared outbox. (Sent at once: each first attempt
        // waits out the connect deadline.)
        let count = 6
        let externalIDs: [String] = try await network.a.run { urlA in
            let via = try #require(network.a.keys.companyID)
            // One client, logged in once: concurrent logins with one key count as attempts
            // against the login throttle until they succeed.
            let client = LivePlatform.client(urlA, network.a.keys)
            _ = try await client.documents(in: EConnectWire.Mailbox.outbox)
            return try await withThrowingTaskGroup(of: String.self) { group in
                for number in 1...count {
                    group.addTask {
                        var request = try LivePlatform.invoice("PEPPOL-SHARED-\(number)")
                        request.via = via
                        return try await client.send(request)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await network.b.run { urlB in
            network.a.clock.advance(3_600)
            // Both instances work the queue at once, in small batches, until it is empty.
            let attempts = try await withThrowingTaskGroup(of: Int.self) { group in
                for service in [network.a.service, second] {
                    group.addTask {
                        var made = 0
                        while true {
                            let batch = try await service.deliverDueDocuments(limit: 2)
                            if batch == 0 { return made }
                            made += batch
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(attempts == count)
            for externalID in externalIDs {
                #expect(try await second.store.document(externalID: externalID)?.status.status == .afgeleverd)
            }
            let inbox = try await LivePlatform.client(urlB, network.b.keys).documents(in: EConnectWire.Mailbox.inbox).documents
            #expect(inbox.count == count)
            #expect(Set(inbox.map(\.subject)).count == count)
        }
    }

    @Test("The PyPI as4 package sends to our /as4 over HTTP, and accepts our receipt")
    func as4PackageSendsToUs() async throws {
        let network = try await Network()
        let folder = TestFolder.root.appendingPathComponent("as4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let invoice = try LivePlatform.invoice("AS4-PACKAGE")
        let payload = folder.appendingPathComponent("invoice.xml")
        try Data(invoice.payload.utf8).write(to: payload)
        try await network.b.run { url in
            let result = await Python.run([
                "Tests/Interop/peppol/as4_send.py", "--sender-cert", network.pki.path("ap1.pem"), "--sender-key", network.pki.path("ap1.key"),
                "--receiver-cert", network.pki.path("ap2.pem"), "--payload", payload.path, "--sender-id", Network.supplier,
                "--receiver-id", Network.customer, "--doctype", PeppolDocumentType.received[2].documentType,
                "--out", folder.appendingPathComponent("answer.xml").path, "--url",
                url.deletingLastPathComponent().appendingPathComponent("as4").absoluteString,
            ])
            #expect(result.status == 0, "\(result.output) \(result.error)")
            let client = LivePlatform.client(url, network.b.keys)
            let inbox = try await client.documents(in: EConnectWire.Mailbox.inbox).documents
            try #require(inbox.count == 1)
            // as4 re-serializes the invoice into its SBD: what arrives must mean the same.
            let received = try await client.document(in: EConnectWire.Mailbox.inbox, externalID: inbox[0].externalID)
            #expect(try XMLReader().read(received.payload.utf8).serializedXML() == (try XMLReader().read(invoice.payload.utf8).serializedXML()))
        }
    }

    /// A user message from A's access point to `participant`, as A's gateway would build it.
    func outbound(_ network: Network, to participant: String, messageID: String, from sender: String = Network.supplier) throws -> OutboundMessage {
        let invoice = try LivePlatform.invoice("AS4-\(messageID)")
        let payload = Array(invoice.payload.utf8)
        let header = UserMessage(
            messageID: messageID, fromParty: "", toParty: "", process: PeppolIdentifiers.billingProcess,
            documentType: PeppolDocumentType.received[2].documentType, originalSender: sender,
            finalRecipient: participant)
        let sbd = try BusinessDocumentHeader(
            sender: sender, receiver: participant, documentType: header.documentType, process: header.process,
            countryC1: "NL", standard: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", type: "Invoice"
        ).wrapping(payload)
        return try AS4Outbound.userMessage(
            header, businessDocument: sbd, from: network.a.settings.identity, to: network.b.settings.identity.certificate)
    }

    func post(_ message: OutboundMessage, to url: URL) async throws -> [UInt8] {
        var request = URLRequest(url: url.deletingLastPathComponent().appendingPathComponent("as4"))
        request.httpMethod = "POST"
        request.setValue(message.contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(message.body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return Array(data)
    }
}
