import Bookkeeping
import Crypto
import EConnectClient
import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import PlatformPostgres
import PlatformTestSupport
import Testing

@testable import Platform

/// The receiver's copy is the legal original: whatever a sender wrote (comments, processing
/// instructions, CRLF, unusual prefixes, a default namespace on every element, an XML signature,
/// a large embedded PDF) reaches the inbox, the e-mail attachment and the purchase folder as the
/// same bytes, with the same SHA-256 on the sender's and the receiver's side — on SQLite and on
/// PostgreSQL.
@Suite("Every document delivered byte for byte", .timeLimit(.minutes(10)))
struct ByteExactDeliveryTests {
    static let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    static let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    static let invoiceNamespace = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The shapes a sender may give a valid invoice, each a different invoice number.
    static func variants(buyerOIN: String = "00000001003214321000") throws -> [(name: String, document: String)] {
        func base(_ number: String) throws -> String {
            try SendDocumentRequest.payload(UBLWriter().write(ExampleInvoices.siUBL(number: number, lineCount: 2)))
                .replacingOccurrences(of: "00000001003214321000", with: buyerOIN)
        }
        func afterRootStartTag(_ document: String, _ insert: String) -> String {
            let end = document.firstIndex(of: ">")!
            return String(document[...end]) + insert + String(document[document.index(after: end)...])
        }
        func regex(_ document: String, _ pattern: String, _ template: String) -> String {
            let expression = try! NSRegularExpression(pattern: pattern)
            return expression.stringByReplacingMatches(
                in: document, range: NSRange(document.startIndex..., in: document), withTemplate: template)
        }
        let signature = """
            <ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2">\
            <ext:UBLExtension><ext:ExtensionContent>\
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="Signature-1"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
            <ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
            </ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\
            <ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference></ds:SignedInfo>\
            <ds:SignatureValue>c2lnbmF0dXJl</ds:SignatureValue></ds:Signature>\
            </ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
            """
        // 7.5 MB of PDF-like bytes, base64 in CRLF-separated lines of 76: a 10 MB element.
        var generator = SystemRandomNumberGenerator()
        let block = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var pdf = Data("%PDF-1.7\n".utf8)
        for _ in 0..<(7_500_000 / block.count) { pdf.append(block) }
        let attachment = """
            <cac:AdditionalDocumentReference><cbc:ID>bijlage-1</cbc:ID><cac:Attachment>\
            <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="factuur.pdf">\
            \(pdf.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))\
            </cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>
            """
        var everyElementDefault = try base("F-BX-5")
        everyElementDefault = regex(everyElementDefault, "<cbc:(\\w+)", "<$1 xmlns=\"\(cbc)\"")
        everyElementDefault = regex(everyElementDefault, "</cbc:(\\w+)>", "</$1>")
        everyElementDefault = regex(everyElementDefault, "<cac:(\\w+)", "<$1 xmlns=\"\(cac)\"")
        everyElementDefault = regex(everyElementDefault, "</cac:(\\w+)>", "</$1>")
        everyElementDefault = everyElementDefault.replacingOccurrences(of: " xmlns:cac=\"\(cac)\" xmlns:cbc=\"\(cbc)\"", with: "")
        return [
            (
                "comments",
                afterRootStartTag(try base("F-BX-1"), "<!-- opmerking van de leverancier -->")
                    .replacingOccurrences(of: "</Invoice>", with: "<!-- einde --></Invoice>")
            ),
            ("processing instruction in the root", afterRootStartTag(try base("F-BX-2"), "<?efactuur-trace id=\"42\"?>")),
            ("CRLF line ends", try base("F-BX-3").replacingOccurrences(of: "\n", with: "\r\n")),
            (
                "unusual prefixes",
                try base("F-BX-4")
                    .replacingOccurrences(of: "<Invoice xmlns=", with: "<inv:Invoice xmlns:inv=")
                    .replacingOccurrences(of: "</Invoice>", with: "</inv:Invoice>")
                    .replacingOccurrences(of: "cbc:", with: "b:").replacingOccurrences(of: "xmlns:cbc=", with: "xmlns:b=")
            ),
            ("a default namespace on every element", everyElementDefault),
            ("ds:Signature in ext:UBLExtensions", afterRootStartTag(try base("F-BX-6"), signature)),
            (
                "10 MB embedded PDF",
                try base("F-BX-7").replacingOccurrences(
                    of: "<cac:AccountingSupplierParty>", with: attachment + "<cac:AccountingSupplierParty>")
            ),
        ]
    }

    @Test("SQLite: inbox, outbox, e-mail and purchase folder hold the sender's bytes")
    func sqlite() async throws {
        try await Self.roundTrip(store: nil)
    }

    @Test("PostgreSQL: inbox, outbox, e-mail and purchase folder hold the sender's bytes")
    func postgres() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        try await Self.roundTrip(store: try await PostgresPlatformStore(url: url))
    }

    static func roundTrip(store: (any PlatformStore)?) async throws {
        let smtp = try SMTPServerProcess()
        try await smtp.waitUntilReady()
        let platform = try await LivePlatform(
            store: store, mailer: SMTPMailer(host: "127.0.0.1", port: smtp.port, from: "noreply@efactuur.test"))
        let variants = try variants()
        let outside = try Self.variants(buyerOIN: PlatformFixture.outsideOIN)
        try await platform.run { url in
            let supplier = LivePlatform.client(url, platform.supplier)
            let customer = LivePlatform.client(url, platform.customer)
            // Each shape is really there (the writer's own output has none of them).
            let features = ["<!--", "<?efactuur-trace", "\r\n", "<inv:Invoice", "<ID xmlns=", "<ds:Signature", "factuur.pdf"]
            for ((name, document), feature) in zip(variants, features) { #expect(document.contains(feature), "\(name)") }
            var sent: [String: (name: String, document: String)] = [:]
            for (name, document) in variants {
                let externalID = try await supplier.send(
                    SendDocumentRequest(
                        via: platform.supplier.companyID!, toReference: "0190:00000001003214321000", payload: document,
                        templateID: TemplateID.factuur))
                sent[externalID] = (name, document)
                let stored = try #require(try await platform.service.store.document(externalID: externalID))
                #expect(stored.payload == document, "stored: \(name)")
                #expect(stored.payloadSHA256 == sha256(document), "stored digest: \(name)")
                let (_, outboxCopy, _) = try await supplier.document(in: .outbox, externalID: externalID)
                #expect(outboxCopy == document, "outbox: \(name)")
                let (_, inboxCopy, _) = try await customer.document(in: .inbox, externalID: externalID)
                #expect(inboxCopy == document, "inbox: \(name)")
            }

            // The customer's books fetch them into the purchase folder, each file the sender's bytes.
            let booksPath = TestFolder.root.appendingPathComponent("books-\(UUID().uuidString).sqlite").path
            let books = Books(store: try BooksStore(path: booksPath))
            var administration = try books.store.createAdministration(name: "Ministerie")
            try Books.apply(quickConnect: platform.customer.text, to: &administration.settings)
            administration.settings.platformURL = url.absoluteString
            administration.settings.purchaseFolder =
                TestFolder.root
                .appendingPathComponent("inkoop-\(UUID().uuidString)").path
            try books.store.saveSettings(administration.settings, administration: administration.id)
            let received = try await books.receive(administration: administration).received
            #expect(Set(received.map(\.externalID)) == Set(sent.keys))
            for invoice in received {
                let (name, document) = try #require(sent[invoice.externalID])
                let file = try Data(contentsOf: URL(fileURLWithPath: invoice.ublPath))
                #expect(file == Data(document.utf8), "purchase folder: \(name)")
                #expect(invoice.sha256 == sha256(document), "books digest: \(name)")
                #expect(invoice.verdict == "valid", "\(name): \(invoice.verdict)")
            }

            // To a buyer outside the platform: the e-mail's attachment is the sender's bytes.
            var mailed: [String: (name: String, document: String)] = [:]
            for (name, document) in outside {
                let externalID = try await supplier.send(
                    SendDocumentRequest(
                        via: platform.supplier.companyID!, toReference: "NL:OINO:\(PlatformFixture.outsideOIN)",
                        toEmail: "crediteuren@elders.example", payload: document, templateID: TemplateID.factuur))
                mailed[externalID] = (name, document)
                let stored = try #require(try await platform.service.store.document(externalID: externalID))
                #expect(stored.payloadSHA256 == sha256(document))
            }
            let messages = try smtp.messages()
            #expect(messages.count == outside.count)
            for message in messages {
                let externalID = try #require(
                    message.components(separatedBy: "Delivery ID: ").dropFirst().first?.prefix { !$0.isWhitespace })
                let (name, document) = try #require(mailed[String(externalID)])
                let base64 = try #require(
                    message.components(separatedBy: "Content-Transfer-Encoding: base64").last?
                        .components(separatedBy: "--efactuur-").first)
                let attachment = try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters))
                #expect(attachment == Data(document.utf8), "e-mail: \(name)")
            }
        }
    }
}
