import HardenedXML
import Testing

@testable import EInvoiceRules

/// The location paths the rules are written in, on a small document: every kind of step, the
/// same answers for a literal (compiled once per process) and for a path held as data.
struct QueryTests {
    static let xml = """
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
                 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
                 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
          <cbc:ID>F1</cbc:ID>
          <cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:Item><cbc:Name>a</cbc:Name></cac:Item></cac:InvoiceLine>
          <cac:AllowanceCharge><cbc:ID>AC</cbc:ID><cbc:Amount currencyID="EUR">5</cbc:Amount></cac:AllowanceCharge>
          <cac:InvoiceLine><cbc:ID>2</cbc:ID><cac:Item><cbc:Name>b</cbc:Name></cac:Item></cac:InvoiceLine>
          <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">1</cbc:TaxAmount></cac:TaxTotal>
        </Invoice>
        """

    func withDocument(_ body: (Node) throws -> Void) throws {
        let tree = DocumentTree(try XMLReader().read(Array(Self.xml.utf8)))
        try withExtendedLifetime(tree) { try body(tree.root) }
    }

    func values(_ nodes: [Node]) -> [String] { nodes.map(\.stringValue) }

    /// XPath counts code points: a combining mark is one of its own, a precomposed letter one,
    /// a letter outside the BMP one, CR LF two.
    @Test func stringLengthsAndFractionDigitsCountCodePoints() {
        #expect("".xpathLength == 0)
        #expect("é".xpathLength == 1)
        #expect("e\u{301}".xpathLength == 2)
        #expect("a\r\nb𝄞".xpathLength == 5)
        #expect(XPathNumber.fractionDigits("12") == 0)
        #expect(XPathNumber.fractionDigits("12.") == 0)
        #expect(XPathNumber.fractionDigits("12.345") == 3)
        #expect(XPathNumber.fractionDigits("1.2.3") == 3)
        #expect(XPathNumber.fractionDigits(".e\u{301}𝄞") == 3)
        #expect(XPathNumber.fractionDigits("1.\u{301}5") == 2)  // the point found, though a mark follows it
    }

    @Test func childStepsAndAlternatives() throws {
        try withDocument { root in
            #expect(values(root.all("cbc:ID")) == ["F1"])
            #expect(values(root.all("cac:InvoiceLine/cbc:ID")) == ["1", "2"])
            #expect(values(root.all("cac:InvoiceLine/cac:Item/cbc:Name")) == ["a", "b"])
            // Alternatives keep document order; a third one is matched like the first two.
            #expect(values(root.all("cac:InvoiceLine|cac:AllowanceCharge/cbc:ID")) == ["1", "AC", "2"])
            #expect(values(root.all("cac:TaxTotal|cac:AllowanceCharge|cac:InvoiceLine/cbc:ID")) == ["1", "AC", "2"])
            #expect(root.count("cac:InvoiceLine|cac:CreditNoteLine") == 2)
        }
    }

    @Test func anyElementParentAndUnboundPrefixes() throws {
        try withDocument { root in
            #expect(root.count("*") == 5)  // a one-character literal, held without an address
            #expect(root.count("*/cbc:ID") == 3)
            let name = try #require(root.first("cac:InvoiceLine/cac:Item/cbc:Name"))
            #expect(values(name.all("../../cbc:ID")) == ["1"])
            #expect(root.first("..") == nil)
            #expect(root.count("foo:InvoiceLine") == 0)
            #expect(root.count("InvoiceLine") == 0)  // unprefixed: no namespace, not the UBL one
        }
    }

    @Test func anywherePathsInDocumentOrder() throws {
        try withDocument { root in
            #expect(values(root.all("//cbc:ID")) == ["F1", "1", "AC", "2"])
            #expect(values(root.all("//cac:InvoiceLine|cac:AllowanceCharge/cbc:ID")) == ["1", "AC", "2"])
            #expect(values(root.all("//cac:Item/cbc:Name")) == ["a", "b"])
            #expect(root.count("//cbc:Missing") == 0)
            // From any node, `//` looks from the root.
            let line = try #require(root.first("cac:InvoiceLine"))
            #expect(line.count("//cbc:ID") == 4)
            #expect(line.count("//*") == 15)  // every element, the root included
        }
    }

    @Test func literalsAndPathsAsDataAgree() throws {
        try withDocument { root in
            for (literal, text) in [
                (root.all("cac:InvoiceLine/cbc:ID"), "cac:InvoiceLine/cbc:ID"),
                (root.all("//cbc:Amount"), "//cbc:Amount"),
                (root.all("//cac:InvoiceLine|cac:AllowanceCharge/cbc:ID"), "//cac:InvoiceLine|cac:AllowanceCharge/cbc:ID"),
            ] {
                var selected: [Node] = []
                root.select(path: text) {
                    selected.append($0); return true
                }
                #expect(selected.map(\.order) == literal.map(\.order), "\(text)")
            }
            // Stopping early stops.
            var visited = 0
            root.select("//cbc:ID") { _ in
                visited += 1; return visited < 2
            }
            #expect(visited == 2)
        }
    }
}
