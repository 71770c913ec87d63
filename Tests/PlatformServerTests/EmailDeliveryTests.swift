import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Logging
import PlatformTestSupport
import Testing

@testable import Platform

/// A real SMTP server process on loopback: aiosmtpd writing every message it accepts to a maildir.
final class SMTPServerProcess: @unchecked Sendable {  // immutable after init; Process is only terminated in deinit
    let port: Int
    let maildir: URL
    private let process = Process()

    /// `refusing`: every recipient is answered 550 (`Tests/Interop/refusing_smtp.py`).
    init(port: Int = TestPorts.take(), refusing: Bool = false) throws {
        self.port = port
        maildir = TestFolder.root.appendingPathComponent("efactuur-mail-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let handler = refusing ? ["refusing_smtp.Refuse"] : ["aiosmtpd.handlers.Mailbox", maildir.path]
        process.arguments = ["python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c"] + handler
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop").path
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A test process that ends without releasing this (a crash, an exit) must not leave the
        // server running: it would answer on its port, into a deleted maildir, in a later run.
        try Watchdog.stopWithThisProcess(process, command: "python3")
    }

    /// Waits until the server accepts connections.
    func waitUntilReady() async throws {
        try await TestPorts.waitUntilListening(port, what: "aiosmtpd (pip install aiosmtpd)")
        // What answers must be this server, not one that had the port first (then this one has
        // exited: it could not bind).
        guard process.isRunning else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "aiosmtpd exited: port \(port) was taken"])
        }
    }

    /// The messages delivered so far.
    func messages() throws -> [String] {
        let folder = maildir.appendingPathComponent("new")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try files.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    deinit {
        // aiosmtpd does not stop on SIGTERM while a client session is open.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("E-mail delivery through an SMTP relay")
struct EmailDeliveryTests {
    /// A running SMTP server and a platform that relays through it.
    func mailingPlatform() async throws -> (SMTPServerProcess, PlatformFixture) {
        let smtp = try SMTPServerProcess()
        try await smtp.waitUntilReady()
        let fixture = try await PlatformFixture.make(
            mailer: SMTPMailer(host: "127.0.0.1", port: smtp.port, from: "noreply@efactuur.test"))
        return (smtp, fixture)
    }

    /// Sends `invoice` (an invoice to a buyer outside the platform) from the supplier, by e-mail to `email`.
    static func sendOutside(
        _ soap: SOAPTestClient, _ fixture: PlatformFixture, _ invoice: String, email: String, token: String
    ) async throws -> SOAPTestClient.Answer {
        try await soap.send(
            invoice, via: fixture.supplier.partyID, to: "NL:OINO:\(PlatformFixture.outsideOIN)", email: email, token: token)
    }

    @Test("A receiver outside the platform gets the invoice by e-mail, UBL attached; DeliveryMethod ToEmail")
    func delivered() async throws {
        let (smtp, fixture) = try await mailingPlatform()
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let elsewhere = PlatformFixture.invoiceToOutsideBuyer(number: "F-MAIL")
            let sent = try await Self.sendOutside(
                soap, fixture, elsewhere, email: "crediteuren@elders.example", token: token
            )
            #expect(sent.fault == nil, "\(sent.fault?.faultString ?? "")")
            let externalID = try #require(sent.text("ExternalId"))
            let outbox = try await soap.call("GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: token)
            #expect(outbox.text("Details", "Transaction", "DeliveryMethod") == "ToEmail")
            #expect(outbox.text("Details", "Transaction", "Endpoint") == "crediteuren@elders.example")

            let messages = try smtp.messages()
            try #require(messages.count == 1)
            let message = messages[0]
            #expect(message.contains("To: <crediteuren@elders.example>"))
            #expect(message.contains("Delivery ID: \(externalID)"))
            #expect(message.contains("filename=\"F-MAIL.xml\""))
            // The attachment is the stored UBL document, byte for byte.
            let base64 = try #require(
                message.components(separatedBy: "Content-Transfer-Encoding: base64").last?
                    .components(separatedBy: "--efactuur-").first)
            let attachment = try #require(Data(base64Encoded: base64.filter { !$0.isWhitespace }))
            let stored = try #require(try await fixture.service.store.document(externalID: externalID))
            #expect(String(decoding: attachment, as: UTF8.self) == stored.payload)
            #expect(try UBLReader().read(Array(attachment)).id == "F-MAIL")
        }
    }

    @Test("Nothing from the request reaches an SMTP command or a mail header as a line of its own")
    func noInjection() async throws {
        let (smtp, fixture) = try await mailingPlatform()
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            // An address with a line break and a second command is refused before anything is stored.
            let smuggled = try await Self.sendOutside(
                soap, fixture, PlatformFixture.invoiceToOutsideBuyer(number: "F-INJ-1"),
                email: "a@elders.example&#13;&#10;RCPT TO:&lt;b@evil.example&gt;", token: token
            )
            #expect(smuggled.fault?.code == "ERRREQ4000002")
            // An invoice number with a line break stays inside the Subject header.
            let invoice = PlatformFixture.invoiceToOutsideBuyer(number: "F-INJ-2").replacingOccurrences(
                of: "<cbc:ID>F-INJ-2</cbc:ID>", with: "<cbc:ID>F-INJ-2&#13;&#10;Bcc: b@evil.example</cbc:ID>")
            let sent = try await Self.sendOutside(
                soap, fixture, invoice, email: "crediteuren@elders.example", token: token
            )
            #expect(sent.fault == nil, "\(sent.fault?.faultString ?? "")")
            let messages = try smtp.messages()
            try #require(messages.count == 1)
            #expect(!messages[0].components(separatedBy: "\n").contains { $0.hasPrefix("Bcc:") })
            #expect(messages[0].contains("Subject: Factuur F-INJ-2  Bcc: b@evil.example van"))
            let stored = try await fixture.service.store.documents(
                .outbox, partyID: fixture.supplier.partyID, filter: DocumentFilter(), afterSequence: 0, limit: 10)
            #expect(stored.count == 1)
        }
    }

    /// A sender's invoice number becomes the subject and the attachment's name: a long one with
    /// accents is RFC 2047 encoded on folded lines, and the file name is bounded ASCII without `../`.
    @Test("Long and non-ASCII invoice numbers: encoded, folded subjects and harmless attachment names")
    func longSubjects() async throws {
        let (smtp, fixture) = try await mailingPlatform()
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let number = "../F-é€" + String(repeating: "ü", count: 300)
            let invoice = PlatformFixture.invoiceToOutsideBuyer(number: "F-LONG").replacingOccurrences(
                of: "<cbc:ID>F-LONG</cbc:ID>", with: "<cbc:ID>\(number)</cbc:ID>")
            let sent = try await Self.sendOutside(
                soap, fixture, invoice, email: "crediteuren@elders.example", token: token
            )
            #expect(sent.fault == nil, "\(sent.fault?.faultString ?? "")")
            let messages = try smtp.messages()
            try #require(messages.count == 1)
            let lines = messages[0].components(separatedBy: "\n").map { $0.trimmingCharacters(in: .newlines) }
            #expect(lines.allSatisfy { $0.utf8.count <= 998 })
            let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: ") })
            let folded = [lines[start]] + lines[(start + 1)...].prefix { $0.hasPrefix(" ") }
            #expect(folded.count > 1 && folded.allSatisfy { $0.utf8.count <= 78 })
            let decoded = folded.map { line in
                let word = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "Subject: ", with: "")
                #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
                return String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
            }.joined()
            #expect(decoded.hasPrefix("Factuur ../F-é€üü"))
            let disposition = try #require(lines.first { $0.hasPrefix("Content-Disposition: attachment; filename=") })
            #expect(!disposition.contains("/") && disposition.utf8.count < 220 && disposition.allSatisfy(\.isASCII))
        }
    }

    /// A failed delivery was once stored as delivered while the client got ERRSND5000002. Now the
    /// document is queued durably: the status says what happened, retries follow with back-off.
    @Test("Relay down: the document is queued (status 5), retried with back-off, and delivered once the relay is back")
    func queuedAndRetried() async throws {
        let port = TestPorts.take()
        let log = CapturedLog()
        let fixture = try await PlatformFixture.make(
            mailer: SMTPMailer(host: "127.0.0.1", port: port, from: "noreply@efactuur.test"),
            logger: Logger(label: "test", factory: log.handler))
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let sent = try await Self.sendOutside(
                soap, fixture, PlatformFixture.invoiceToOutsideBuyer(number: "F-QUEUE"), email: "crediteuren@elders.example", token: token
            )
            #expect(sent.fault == nil, "\(sent.fault?.faultString ?? "")")
            let externalID = try #require(sent.text("ExternalId"))
            let queued = try await soap.call("GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: token)
            #expect(queued.text("Details", "Status", "Code") == "5")
            #expect(queued.text("Details", "Status", "Name") == "In wachtrij")
            // Nothing is due before the back-off has passed.
            #expect(try await fixture.service.deliverDueDocuments() == 0)
            // The relay's details are in the log, not in the status.
            #expect(log.lines.withLock { $0.contains { $0.contains("outside delivery failed") && $0.contains("127.0.0.1:\(port)") } })

            let smtp = try SMTPServerProcess(port: port)
            try await smtp.waitUntilReady()
            fixture.clock.advance(61)
            #expect(try await fixture.service.deliverDueDocuments() == 1)
            let delivered = try await soap.call("GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: token)
            #expect(delivered.text("Details", "Status", "Code") == "10")
            #expect(try smtp.messages().count == 1)
            fixture.clock.advance(7_200)
            #expect(try await fixture.service.deliverDueDocuments() == 0)
            #expect(try smtp.messages().count == 1)
        }
    }

    @Test("A relay that refuses the recipient: given up at once, status 90 with the reason and without the relay's words")
    func refusedRecipient() async throws {
        let smtp = try SMTPServerProcess(refusing: true)
        try await smtp.waitUntilReady()
        let fixture = try await PlatformFixture.make(
            mailer: SMTPMailer(host: "127.0.0.1", port: smtp.port, from: "noreply@efactuur.test"))
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let sent = try await Self.sendOutside(
                soap, fixture, PlatformFixture.invoiceToOutsideBuyer(number: "F-REFUSED"), email: "niemand@elders.example", token: token
            )
            let externalID = try #require(sent.text("ExternalId"))
            let status = try await soap.call("GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: token)
            #expect(status.text("Details", "Status", "Code") == "90")
            #expect(status.text("Details", "Status", "Name") == "Niet afgeleverd: het e-mailadres van de ontvanger werd geweigerd")
            #expect(!String(decoding: status.bytes, as: UTF8.self).contains("relay-internal"))
            fixture.clock.advance(7_200)
            #expect(try await fixture.service.deliverDueDocuments() == 0)
        }
    }

    @Test("A relay that stays down: retried with growing delays, then given up with status 90")
    func givenUp() async throws {
        let fixture = try await PlatformFixture.make(
            mailer: SMTPMailer(host: "127.0.0.1", port: TestPorts.take(), from: "noreply@efactuur.test"))
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let sent = try await Self.sendOutside(
                soap, fixture, PlatformFixture.invoiceToOutsideBuyer(number: "F-DOWN"), email: "crediteuren@elders.example", token: token
            )
            let externalID = try #require(sent.text("ExternalId"))
            var attempts = 1
            for _ in 0..<20 {
                fixture.clock.advance(3_601)
                attempts += try await fixture.service.deliverDueDocuments()
            }
            #expect(attempts == 9)
            let later = try await soap.login(fixture.supplier)  // the first token expired meanwhile
            let status = try await soap.call("GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: later)
            #expect(status.text("Details", "Status", "Code") == "90")
        }
    }

    @Test("Without a relay, a receiver outside the platform is unreachable even with an address")
    func noRelay() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let elsewhere = PlatformFixture.invoiceToOutsideBuyer(number: "F-NOMAIL")
            let sent = try await Self.sendOutside(
                soap, fixture, elsewhere, email: "crediteuren@elders.example", token: token
            )
            #expect(sent.fault?.code == "ERRSND4000001")
        }
    }
}
