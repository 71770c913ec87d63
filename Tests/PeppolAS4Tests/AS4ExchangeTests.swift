import Crypto
import EInvoiceTestSupport
import Foundation
import Testing

@testable import HardenedXML
@testable import PeppolAS4

/// Our sender and our receiver against each other, and each against implementations we did not
/// write: python-cryptography decrypting our attachment, and the PyPI `as4` package receiving our
/// message, sending to our receiver and checking our receipt.
@Suite struct AS4ExchangeTests {
    let pki: TestPKI

    init() async { pki = await TestPKI.shared }

    func message(from sender: AccessPointIdentity, to receiver: AccessPointIdentity, document: [UInt8]) throws -> OutboundMessage {
        try SampleMessage.make(from: sender, to: receiver, document: document)
    }

    @Test func ourSenderToOurReceiverAndBack() async throws {
        let sender = try pki.identity("ap1")
        let receiver = try pki.identity("ap2")
        let invoice = try SampleInvoice.bytes()
        let sent = try message(from: sender, to: receiver, document: invoice)
        #expect(sent.header.fromParty == "POP000001")
        #expect(sent.header.toParty == "POP000002")

        let inbound = AS4Inbound(identity: receiver, trust: try pki.trust())
        let received = try await inbound.open(body: sent.body, contentType: sent.contentType)
        #expect(received.document == (try XMLExcerpt.rootElement(in: invoice)))
        var header = received.header
        #expect(abs(header.timestamp.timeIntervalSince(sent.header.timestamp)) < 0.001)
        header.timestamp = sent.header.timestamp
        #expect(header == sent.header)
        #expect(received.businessHeader.receiver == "0106:87654321")

        let receipt = try AS4Signal.receipt(for: received, from: receiver)
        try await AS4Signal.checkReceipt(body: receipt, contentType: "application/soap+xml", for: sent, trust: try pki.trust())

        // A receipt for another message, or from another access point, proves nothing.
        let other = try message(from: sender, to: receiver, document: invoice)
        await #expect(throws: AS4Error.self) {
            try await AS4Signal.checkReceipt(body: receipt, contentType: "application/soap+xml", for: other, trust: try pki.trust())
        }
        let forged = try AS4Signal.receipt(for: received, from: sender)
        await #expect(throws: AS4Error.self) {
            try await AS4Signal.checkReceipt(body: forged, contentType: "application/soap+xml", for: sent, trust: try pki.trust())
        }
    }

    /// `sent`'s body in a new folder, for the scripts to read.
    func written(_ sent: OutboundMessage) throws -> (folder: URL, message: URL) {
        let folder = TestFolder.root.appendingPathComponent("as4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let message = folder.appendingPathComponent("message.mime")
        try Data(sent.body).write(to: message)
        return (folder, message)
    }

    @Test func pythonCryptographyDecryptsOurAttachment() async throws {
        let invoice = try SampleInvoice.bytes()
        let sent = try message(from: try pki.identity("ap1"), to: try pki.identity("ap2"), document: invoice)
        let (folder, input) = try written(sent)
        let output = folder.appendingPathComponent("sbd.xml")
        let result = await Python.run([
            "Tests/Interop/peppol/decrypt_attachment.py", "--receiver-key", pki.path("ap2.key"), "--in", input.path,
            "--content-type", sent.contentType, "--out", output.path,
        ])
        #expect(result.status == 0, "\(result.error)")
        let sbd = Array(try Data(contentsOf: output))
        #expect(try BusinessDocumentHeader.unwrap(sbd, limits: .init()).document == (try XMLExcerpt.rootElement(in: invoice)))
    }

    /// The `as4` package receives our message and answers with its receipt, which our sender checks.
    @Test func theAS4PackageReceivesOurMessage() async throws {
        let invoice = try SampleInvoice.bytes()
        let sent = try message(from: try pki.identity("ap1"), to: try pki.identity("ap2"), document: invoice)
        let (folder, input) = try written(sent)
        let payload = folder.appendingPathComponent("payload.xml")
        let receipt = folder.appendingPathComponent("receipt.xml")
        let result = await Python.run([
            "Tests/Interop/peppol/as4_receive.py", "--receiver-cert", pki.path("ap2.pem"), "--receiver-key", pki.path("ap2.key"),
            "--trust", pki.path("ca.pem") + "," + pki.path("root.pem"), "--in", input.path, "--content-type", sent.contentType,
            "--payload-out", payload.path, "--receipt-out", receipt.path,
        ])
        #expect(result.status == 0, "\(result.error)")
        // as4 gives the SBD it decrypted: the same bytes as ours.
        let sbd = Array(try Data(contentsOf: URL(fileURLWithPath: payload.path + ".sbdh")))
        #expect(try BusinessDocumentHeader.unwrap(sbd, limits: .init()).document == (try XMLExcerpt.rootElement(in: invoice)))
        let contentType = try String(contentsOfFile: receipt.path + ".content-type", encoding: .utf8).trimmingXMLWhitespace
        try await AS4Signal.checkReceipt(
            body: Array(try Data(contentsOf: receipt)), contentType: contentType, for: sent, trust: try pki.trust())
    }

    /// The `as4` package sends to our receiver; its own receipt check accepts our receipt.
    @Test func ourReceiverTakesTheAS4PackagesMessage() async throws {
        let folder = TestFolder.root.appendingPathComponent("as4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let invoicePath = folder.appendingPathComponent("invoice.xml")
        let invoice = try SampleInvoice.bytes()
        try Data(invoice).write(to: invoicePath)
        let output = folder.appendingPathComponent("message.mime")
        let sent = await Python.run([
            "Tests/Interop/peppol/as4_send.py", "--sender-cert", pki.path("ap1.pem"), "--sender-key", pki.path("ap1.key"),
            "--receiver-cert", pki.path("ap2.pem"), "--payload", invoicePath.path, "--sender-id", "0106:12345678",
            "--receiver-id", "0106:87654321", "--out", output.path,
        ])
        try #require(sent.status == 0, "\(sent.error)")
        let contentType = try String(contentsOfFile: output.path + ".content-type", encoding: .utf8).trimmingXMLWhitespace
        let receiver = try pki.identity("ap2")
        let received = try await AS4Inbound(identity: receiver, trust: try pki.trust())
            .open(body: Array(try Data(contentsOf: output)), contentType: contentType)
        #expect(received.header.fromParty == "POP000001")
        #expect(received.header.finalRecipient == "0106:87654321")
        // as4 re-serializes the invoice into its SBD; what it carries must mean the same.
        #expect(try XMLReader().read(received.document).serializedXML() == (try XMLReader().read(invoice).serializedXML()))

        let receipt = folder.appendingPathComponent("receipt.xml")
        try Data(try AS4Signal.receipt(for: received, from: receiver)).write(to: receipt)
        let checked = await Python.run([
            "Tests/Interop/peppol/verify_receipt.py", "--exchange", output.path + ".exchange.json", "--receipt", receipt.path,
        ])
        #expect(checked.status == 0, "\(checked.error)")
    }

    // MARK: - What a receiver refuses

    @Test(arguments: [
        ("ap-other", AS4Error.Code.failedAuthentication),  // a certificate from an unknown CA
        ("ap-expired", AS4Error.Code.failedAuthentication),
    ])
    func untrustedSendersAreRefused(sender: String, code: AS4Error.Code) async throws {
        let sent = try message(from: try pki.identity(sender), to: try pki.identity("ap2"), document: try SampleInvoice.bytes())
        let error = await #expect(throws: AS4Error.self) {
            try await AS4Inbound(identity: try pki.identity("ap2"), trust: try pki.trust()).open(body: sent.body, contentType: sent.contentType)
        }
        #expect(error?.code == code)
    }

    @Test func aFromPartyThatIsNotTheSignersCNIsRefused() async throws {
        let folder = TestFolder.root.appendingPathComponent("as4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let invoicePath = folder.appendingPathComponent("invoice.xml")
        try Data(try SampleInvoice.bytes()).write(to: invoicePath)
        let output = folder.appendingPathComponent("message.mime")
        let sent = await Python.run([
            "Tests/Interop/peppol/as4_send.py", "--sender-cert", pki.path("ap1.pem"), "--sender-key", pki.path("ap1.key"),
            "--receiver-cert", pki.path("ap2.pem"), "--payload", invoicePath.path, "--sender-id", "0106:12345678",
            "--receiver-id", "0106:87654321", "--out", output.path, "--from-party", "POP000999",
        ])
        try #require(sent.status == 0, "\(sent.error)")
        let contentType = try String(contentsOfFile: output.path + ".content-type", encoding: .utf8).trimmingXMLWhitespace
        let error = await #expect(throws: AS4Error.self) {
            try await AS4Inbound(identity: try pki.identity("ap2"), trust: try pki.trust())
                .open(body: Array(try Data(contentsOf: output)), contentType: contentType)
        }
        #expect(error?.code == .failedAuthentication)
    }

    @Test func aChangedCiphertextIsRefusedByTheGCMTag() async throws {
        var sent = try message(from: try pki.identity("ap1"), to: try pki.identity("ap2"), document: try SampleInvoice.bytes())
        // The last bytes of the body before the closing boundary are the GCM tag.
        let closing = try #require(ByteSearch.firstRange(of: Array("\r\n--".utf8), in: sent.body, from: sent.body.count - 120))
        sent.body[closing.lowerBound - 3] ^= 0x01
        let error = await #expect(throws: AS4Error.self) {
            try await AS4Inbound(identity: try pki.identity("ap2"), trust: try pki.trust()).open(body: sent.body, contentType: sent.contentType)
        }
        #expect(error?.code == .failedDecryption)
    }

    @Test func aMessageForAnotherAccessPointCannotBeOpened() async throws {
        let sent = try message(from: try pki.identity("ap1"), to: try pki.identity("ap2"), document: try SampleInvoice.bytes())
        // ap1 is not the To party; and could not decrypt the key if it were.
        await #expect(throws: AS4Error.self) {
            try await AS4Inbound(identity: try pki.identity("ap1"), trust: try pki.trust()).open(body: sent.body, contentType: sent.contentType)
        }
    }

    /// The attachment is gzipped a mebibyte at a time: Python's own gzip reads back every size
    /// around the chunk boundary, empty and incompressible bytes included.
    @Test func pythonGunzipsWhatWeGzip() async throws {
        var random = SystemRandomNumberGenerator()
        let megabyte = 1 << 20
        let inputs: [[UInt8]] = [
            [], [0x3C], [UInt8](repeating: 0x41, count: megabyte - 1), [UInt8](repeating: 0x42, count: megabyte),
            [UInt8](repeating: 0x43, count: megabyte + 1), (0..<(3 * megabyte + 17)).map { _ in random.next() },
        ]
        let folder = TestFolder.root.appendingPathComponent("efactuur-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, input) in inputs.enumerated() {
            let zipped = folder.appendingPathComponent("\(index).gz")
            try Data(try AS4Outbound.gzip(input)).write(to: zipped)
            let script = "import gzip,hashlib,sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())"
            let result = await Python.run(["-c", script, zipped.path])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: input).lowercaseHex, "input \(index)")
        }
    }

    /// 64 MiB of zeros gzip to 64 KiB: the receiver stops at its limit instead of inflating it all.
    @Test func aGzipBombStopsAtTheLimit() async throws {
        var bomb = Array("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">".utf8)
        bomb += [UInt8](repeating: 0x20, count: 64 << 20)
        bomb += Array("</Invoice>".utf8)
        let sent = try message(from: try pki.identity("ap1"), to: try pki.identity("ap2"), document: bomb)
        #expect(sent.body.count < 1 << 20)
        let inbound = AS4Inbound(identity: try pki.identity("ap2"), trust: try pki.trust(), limits: AS4Limits(maxDocumentBytes: 8 << 20))
        let error = await #expect(throws: AS4Error.self) { try await inbound.open(body: sent.body, contentType: sent.contentType) }
        #expect(error?.code == .decompressionFailure)
    }

    @Test func anErrorSignalReachesTheSenderAsTheError() async throws {
        let sender = try pki.identity("ap1")
        let receiver = try pki.identity("ap2")
        let sent = try message(from: sender, to: receiver, document: try SampleInvoice.bytes())
        let signal = AS4Signal.error(.notServiced("0106:87654321"), refTo: sent.header.messageID)
        let error = await #expect(throws: AS4Error.self) {
            try await AS4Signal.checkReceipt(body: signal, contentType: "application/soap+xml", for: sent, trust: try pki.trust())
        }
        #expect(error?.code == .other)
        #expect(error?.peppolCode == "PEPPOL:NOT_SERVICED")
    }
}

/// No input stops the receiver: a valid message cut short, with bytes flipped, or with parts of
/// its MIME framing and envelope repeated, is refused with an ebMS error, never a crash.
@Suite struct AS4HostileInputTests {
    @Test func mutatedMessagesAreRefusedNotFatal() async throws {
        let pki = await TestPKI.shared
        let receiver = try pki.identity("ap2")
        let sent = try SampleMessage.make(from: try pki.identity("ap1"), to: receiver, document: try SampleInvoice.bytes())
        let inbound = AS4Inbound(identity: receiver, trust: try pki.trust(), limits: AS4Limits(maxDocumentBytes: 1 << 20))
        var generator = SeededGenerator(seed: 20261203)
        var accepted = 0
        for round in 0..<600 {
            var body = sent.body
            switch round % 4 {
            case 0: body = Array(body.prefix(Int.random(in: 0..<body.count, using: &generator)))
            case 1:
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    body[Int.random(in: 0..<body.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 2:
                let start = Int.random(in: 0..<body.count, using: &generator)
                let piece = body[start..<min(body.count, start + Int.random(in: 1...400, using: &generator))]
                body.insert(contentsOf: piece, at: Int.random(in: 0...body.count, using: &generator))
            default:
                let start = Int.random(in: 0..<body.count, using: &generator)
                body.removeSubrange(start..<min(body.count, start + Int.random(in: 1...200, using: &generator)))
            }
            do {
                _ = try await inbound.open(body: body, contentType: sent.contentType)
                accepted += 1  // a flip in a place nothing signs or reads (MIME padding) changes nothing
            } catch {
                // Refused, with an ebMS code: the test is that we get here and not a crash.
                #expect(error.code.rawValue.hasPrefix("EBMS:"))
            }
        }
        #expect(accepted < 60)
    }
}

/// The MIME search against a plain scan, on random bytes from a small alphabet (so near-matches
/// are everywhere), arrays and slices, any start.
@Suite struct MIMESearchTests {
    @Test func firstRangeAgreesWithAPlainScan() {
        var generator = SeededGenerator(seed: 4242)
        func plain(_ needle: [UInt8], _ haystack: ArraySlice<UInt8>, _ from: Int) -> Range<Int>? {
            var i = max(from, haystack.startIndex)
            while i + needle.count <= haystack.endIndex {
                if haystack[i..<i + needle.count].elementsEqual(needle) { return i..<i + needle.count }
                i += 1
            }
            return nil
        }
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...2, using: &generator) }
            let needle = (0..<Int.random(in: 1...6, using: &generator)).map { _ in UInt8.random(in: 0...2, using: &generator) }
            let low = Int.random(in: 0...bytes.count, using: &generator)
            let slice = bytes[low...]
            let from = Int.random(in: 0...bytes.count + 2, using: &generator)
            #expect(ByteSearch.firstRange(of: needle, in: slice, from: from) == plain(needle, slice, from))
            #expect(ByteSearch.firstRange(of: needle, in: bytes, from: from) == plain(needle, bytes[...], from))
        }
    }
}

/// A user message from 0106:12345678 to 0106:87654321 carrying `document`, as an access point sends it.
enum SampleMessage {
    static func make(from sender: AccessPointIdentity, to receiver: AccessPointIdentity, document: [UInt8]) throws -> OutboundMessage {
        let header = UserMessage(
            fromParty: "", toParty: "", process: PeppolIdentifiers.billingProcess, documentType: PeppolIdentifiers.invoiceDocumentType,
            originalSender: "0106:12345678", finalRecipient: "0106:87654321")
        let sbd = try BusinessDocumentHeader(
            sender: "0106:12345678", receiver: "0106:87654321", documentType: PeppolIdentifiers.invoiceDocumentType,
            process: PeppolIdentifiers.billingProcess, countryC1: "NL",
            standard: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", type: "Invoice"
        ).wrapping(document)
        return try AS4Outbound.userMessage(header, businessDocument: sbd, from: sender, to: receiver.certificate)
    }
}

@Suite struct BusinessDocumentHeaderTests {
    static let sbdh = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"

    /// An SBD around `inner`, with the header of a real one.
    static func sbd(_ inner: (_ header: String) -> String) throws -> [UInt8] {
        let wrapped = try BusinessDocumentHeader(
            sender: "0106:12345678", receiver: "0106:87654321", documentType: PeppolIdentifiers.invoiceDocumentType,
            process: PeppolIdentifiers.billingProcess, countryC1: "NL",
            standard: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", type: "Invoice"
        ).wrapping(Array("<x/>".utf8))
        let text = String(decoding: wrapped, as: UTF8.self)
        let start = try #require(text.range(of: "<StandardBusinessDocumentHeader>"))
        let end = try #require(text.range(of: "</StandardBusinessDocumentHeader>"))
        let header = String(text[start.lowerBound..<end.upperBound])
        return Array("<StandardBusinessDocument xmlns=\"\(sbdh)\" xmlns:c=\"urn:c\">\(inner(header))</StandardBusinessDocument>".utf8)
    }

    /// The tree the receiver validates is the document whose bytes it keeps, whatever surrounds it.
    @Test(arguments: [
        "<!-- a comment --><Invoice xmlns='urn:i'><c:ID>1</c:ID></Invoice>",
        "<?pi x?>\n<i:Invoice xmlns:i='urn:i'><c:ID>2</c:ID><![CDATA[<fake/>]]></i:Invoice><Other xmlns='urn:o'/>",
        "<Invoice xmlns='urn:i'><ID>3</ID></Invoice>",
    ])
    func theTreeIsTheKeptBytes(document: String) throws {
        let read = ElementTreeBuilder()
        let (_, bytes) = try BusinessDocumentHeader.unwrap(try Self.sbd { $0 + document }, limits: .init(), documentInto: read)
        let element = try #require(read.root)
        #expect(element.serializedXML() == (try XMLReader().read(bytes)).serializedXML())
        #expect(element.name == "Invoice")
    }

    @Test func aSecondHeaderIsPassedOverByBoth() throws {
        let read = ElementTreeBuilder()
        let (_, bytes) = try BusinessDocumentHeader.unwrap(
            try Self.sbd { $0 + $0 + "<Invoice xmlns='urn:i'><c:ID>4</c:ID></Invoice>" }, limits: .init(), documentInto: read)
        let element = try #require(read.root)
        #expect(element.name == "Invoice")
        #expect(element.serializedXML() == (try XMLReader().read(bytes)).serializedXML())
    }

    @Test(arguments: [
        ("<Invoice xmlns='urn:i'/>", "must start with its header"),
        ("", "with a business document in it"),
    ])
    func shapesThatAreRefused(inner: String, message: String) throws {
        let bytes = try Self.sbd { header in inner.isEmpty ? header : inner + header }
        #expect {
            _ = try BusinessDocumentHeader.unwrap(bytes, limits: .init())
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
