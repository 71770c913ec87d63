import EInvoice
import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

/// A document read inside another (a SOAP `Payload`, an SBD) in the same pass is validated and
/// routed exactly as the same document read alone.
struct DocumentReadingTests {
    @Test func aDocumentReadInsideAnotherIsTheDocumentAlone() throws {
        var compared = 0
        for document in Corpus.cases {
            let bytes = try Data(contentsOf: document.url)
            guard let alone = try? XMLExcerpt.rootElement(in: bytes) else { continue }
            // Three lines down in the carrier: findings name the carrier's lines.
            let carrier = Array("<w:Carrier xmlns:w=\"urn:w\">\n<w:Before/>\n<w:Payload>\n".utf8) + alone + Array("</w:Payload></w:Carrier>".utf8)
            let reading = Validator.DocumentReading()
            let (root, diverted) = try XMLReader().read(
                carrier, diverting: { ancestors, _ in ancestors.last == XMLName("urn:w", "Payload") }, to: reading)
            #expect(root.children.map(\.name) == ["Before", "Payload"] && root.children[1].children.isEmpty)
            #expect(diverted == DivertedElement(ancestors: [XMLName("urn:w", "Carrier"), XMLName("urn:w", "Payload")], precedingSiblings: 0))
            let read = try #require(reading.document())
            let validator = Validator()
            var report = validator.validate(read)
            for index in report.findings.indices { report.findings[index].line = report.findings[index].line.map { $0 - 3 } }
            #expect(report == (try validator.validate(alone)), "\(document)")

            let tree = try XMLReader().read(alone)
            let partial = read.rootElement(keepingChildren: UBLReader.headElements)
            #expect(partial.children.allSatisfy { UBLReader.headElements.contains($0.name) })
            #expect((try? UBLReader().readHead(partial)) == (try? UBLReader().readHead(tree)), "\(document)")
            compared += 1
        }
        #expect(compared > 150)
    }

    @Test func nothingReadIsNoDocument() throws {
        let reading = Validator.DocumentReading()
        let (root, diverted) = try XMLReader().read(Array("<a><b/></a>".utf8), diverting: { _, _ in false }, to: reading)
        #expect(root.children.map(\.name) == ["b"] && diverted == nil)
        #expect(reading.document() == nil)
    }
}
