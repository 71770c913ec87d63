import EInvoice
import EInvoiceTestSupport
import Foundation
import Testing

/// Every document of the shared corpus: read → write → read gives the same model, and what is
/// written is valid UBL 2.1.
struct CorpusRoundTripTests {
    @Test func corpusIsPresent() {
        #expect(Corpus.cases.count >= 179, "expected the 179 corpus documents in \(Corpus.folder.path)")
    }

    @Test(arguments: Corpus.cases)
    func roundTrip(_ document: Corpus.Case) throws {
        let original = try [UInt8](Data(contentsOf: document.url))
        let reader = UBLReader()
        if document.failsSchema {
            // Not required to read, but never a crash: either a model or a clear error.
            _ = try? reader.read(original)
            return
        }
        let first = try reader.read(original)
        #expect(first.kind.rawValue == document.root)

        let written = UBLWriter().write(first)
        let schemaErrors = UBLSchema.forRoot(document.root).errors(in: written)
        #expect(schemaErrors.isEmpty, "written XML is not valid UBL 2.1: \(schemaErrors.prefix(5))")

        let second = try reader.read(written)
        #expect(second == first, "the model changed on the way through the writer")
        #expect(UBLWriter().write(second) == written, "writing is not deterministic")
    }

    @Test func originalsAreSchemaValidWhereTheOracleSaysSo() throws {
        // Guards the schema check itself: it accepts what the official XSD run accepted.
        for document in Corpus.cases.prefix(20) where !document.failsSchema {
            let original = try [UInt8](Data(contentsOf: document.url))
            #expect(UBLSchema.forRoot(document.root).errors(in: original).isEmpty, "\(document.path)")
        }
    }

    @Test func schemaCheckRejectsElementsOutOfOrder() throws {
        let invoice = ExampleInvoices.siUBL()
        var text = UBLWriter().writeString(invoice)
        // Move the IssueDate before the ID: the schema must object.
        let issueDate = "  <cbc:IssueDate>2026-11-25</cbc:IssueDate>\n"
        text = text.replacingOccurrences(of: issueDate, with: "")
        text = text.replacingOccurrences(of: "  <cbc:ID>F2026-0001</cbc:ID>\n", with: issueDate + "  <cbc:ID>F2026-0001</cbc:ID>\n")
        #expect(!UBLSchema.invoice.errors(in: Array(text.utf8)).isEmpty)
    }
}
