import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

struct UBLReaderTests {
    func read(_ text: String) throws(UBLReadError) -> Invoice { try UBLReader().read(Array(text.utf8)) }

    @Test func wrongRoot() {
        let error = #expect(throws: UBLReadError.self) {
            try read(#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>"#)
        }
        #expect(error?.code == .wrongRoot)
        #expect(error?.message.contains("Order") == true)
    }

    @Test func wrongNamespace() {
        let error = #expect(throws: UBLReadError.self) { try read(#"<Invoice xmlns="urn:example:not-ubl"/>"#) }
        #expect(error?.code == .wrongNamespace)
        let creditNoteInInvoiceNamespace = #expect(throws: UBLReadError.self) {
            try read(#"<CreditNote xmlns="\#(UBLNamespace.invoice)"/>"#)
        }
        #expect(creditNoteInInvoiceNamespace?.code == .wrongNamespace)
    }

    @Test func hostileXMLIsAnXMLError() {
        let error = #expect(throws: UBLReadError.self) {
            try read(#"<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice xmlns="\#(UBLNamespace.invoice)">&x;</Invoice>"#)
        }
        #expect(error?.code == .xml)
        #expect(error?.underlying?.code == .dtdForbidden)
    }

    @Test func missingRequiredPartsAreNamed() {
        let error = #expect(throws: UBLReadError.self) {
            try read(#"<Invoice xmlns="\#(UBLNamespace.invoice)" xmlns:cbc="\#(UBLNamespace.cbc)"><cbc:ID>1</cbc:ID></Invoice>"#)
        }
        #expect(error?.code == .missingElement)
        #expect(error?.message.contains("IssueDate") == true)
    }

    @Test func badNumbersAndDatesCarryTheirPath() throws {
        var text = UBLWriter().writeString(ExampleInvoices.siUBL(lineCount: 3))
        text = text.replacingOccurrences(of: "<cbc:IssueDate>2026-11-25</cbc:IssueDate>", with: "<cbc:IssueDate>2026-02-30</cbc:IssueDate>")
        let date = #expect(throws: UBLReadError.self) { try read(text) }
        #expect(date?.code == .invalidDate)
        #expect(date?.path == "/Invoice/cbc:IssueDate")

        var amounts = UBLWriter().writeString(ExampleInvoices.siUBL(lineCount: 3))
        let second = try #require(amounts.ranges(of: "<cbc:LineExtensionAmount currencyID=\"EUR\">").dropFirst(2).first)
        amounts.replaceSubrange(second.upperBound..<amounts.index(second.upperBound, offsetBy: 2), with: "1,")
        let number = #expect(throws: UBLReadError.self) { try read(amounts) }
        #expect(number?.code == .invalidNumber)
        #expect(number?.path == "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount")
        #expect(number?.line != nil)
    }

    /// The head holds what the document's XML says, on every corpus document the whole read
    /// accepts (the values looked up here in the tree itself), and the whole read the same head.
    @Test func theHeadIsWhatTheXMLSays() throws {
        func text(_ element: XMLElement?, _ path: String...) -> String? {
            var current = element
            for name in path { current = current?.children.first { $0.name == name } }
            return current.map(\.text)
        }
        var compared = 0
        for document in Corpus.cases {
            let root = try XMLReader().read(try Data(contentsOf: document.url))
            guard let invoice = try? UBLReader().read(root) else { continue }
            let head = try UBLReader().readHead(root)
            let seller = root.children.first { $0.name == "AccountingSupplierParty" }
            let buyer = root.children.first { $0.name == "AccountingCustomerParty" }
            #expect(head.kind.rawValue == root.name, "\(document)")
            #expect(head.customizationID == text(root, "CustomizationID") && head.profileID == text(root, "ProfileID"), "\(document)")
            #expect(head.id == text(root, "ID") && head.issueDate.description == text(root, "IssueDate"), "\(document)")
            #expect(head.seller.endpointID?.value == text(seller, "Party", "EndpointID"), "\(document)")
            #expect(head.buyer.endpointID?.value == text(buyer, "Party", "EndpointID"), "\(document)")
            #expect(
                head.seller.displayName
                    == (text(seller, "Party", "PartyLegalEntity", "RegistrationName") ?? text(seller, "Party", "PartyName", "Name")),
                "\(document)")
            #expect(head.seller == invoice.seller && head.buyer == invoice.buyer && head.id == invoice.id, "\(document)")
            compared += 1
        }
        #expect(compared > 150)
    }

    /// What routing needs is read even when a line holds an amount the model cannot (a valid
    /// xsd:decimal of 20 digits before the point), and a missing head element is still named.
    @Test func theHeadDoesNotReadTheLines() throws {
        var text = UBLWriter().writeString(ExampleInvoices.siUBL(lineCount: 3))
        let price = try #require(text.ranges(of: "<cbc:PriceAmount currencyID=\"EUR\">").dropFirst().first)
        text.insert(contentsOf: "99999999999999999999", at: price.upperBound)
        let root = try XMLReader().read(Array(text.utf8))
        #expect(throws: UBLReadError.self) { try UBLReader().read(root) }
        #expect(try UBLReader().readHead(root).id == ExampleInvoices.siUBL(lineCount: 3).id)
        let noBuyer = try XMLReader().read(
            Array(
                #"<Invoice xmlns="\#(UBLNamespace.invoice)" xmlns:cbc="\#(UBLNamespace.cbc)" xmlns:cac="\#(UBLNamespace.cac)"><cbc:ID>1</cbc:ID><cbc:IssueDate>2026-01-01</cbc:IssueDate><cac:AccountingSupplierParty/></Invoice>"#
                    .utf8))
        let error = #expect(throws: UBLReadError.self) { try UBLReader().readHead(noBuyer) }
        #expect(error?.message.contains("AccountingCustomerParty") == true)
    }

    @Test func creditNotesRoundTrip() throws {
        var invoice = ExampleInvoices.siUBL(lineCount: 2)
        invoice.kind = .creditNote
        invoice.typeCode = "381"
        invoice.dueDate = nil
        invoice.precedingInvoices = [PrecedingInvoiceReference(id: "F2026-0000", issueDate: LocalDate("2026-10-01"))]
        let bytes = UBLWriter().write(invoice)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("<CreditNote xmlns=\"\(UBLNamespace.creditNote)\""))
        #expect(text.contains("<cac:CreditNoteLine>") && text.contains("<cbc:CreditedQuantity"))
        #expect(UBLSchema.creditNote.errors(in: bytes).isEmpty)
        #expect(try UBLReader().read(bytes) == invoice)
    }

    @Test func attachmentsSurviveTheRoundTrip() throws {
        var invoice = ExampleInvoices.siUBL(lineCount: 1)
        let pdf = Array("%PDF-1.4 example \u{00}\u{01}\u{FF}".utf8)
        invoice.supportingDocuments = [
            SupportingDocument(
                id: Identifier("F2026-0001.pdf"), description: "Factuur als PDF",
                attachment: BinaryObject(content: pdf, mimeCode: "application/pdf", filename: "F2026-0001.pdf")),
            SupportingDocument(id: Identifier("AB-12", schemeID: "ABT"), documentTypeCode: "130"),
        ]
        let bytes = UBLWriter().write(invoice)
        #expect(UBLSchema.invoice.errors(in: bytes).isEmpty)
        #expect(try UBLReader().read(bytes) == invoice)
    }

    @Test func peppolOutputClaimsPeppol() throws {
        var invoice = ExampleInvoices.siUBL()
        invoice.customizationID = Specification.peppolBIS3
        let text = UBLWriter().writeString(invoice)
        #expect(text.contains("<cbc:CustomizationID>\(Specification.peppolBIS3)</cbc:CustomizationID>"))
        #expect(text.contains("<cbc:ProfileID>\(Specification.peppolBillingProfile)</cbc:ProfileID>"))
    }

    @Test func writerEscapesAndLeavesNoEmptyElements() throws {
        var invoice = ExampleInvoices.siUBL(lineCount: 1)
        invoice.notes = ["Tom & Jerry <BV> \"quoted\"", ""]
        invoice.buyerReference = ""
        let bytes = UBLWriter().write(invoice)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("Tom &amp; Jerry &lt;BV&gt; \"quoted\""))
        #expect(!text.contains("<cbc:BuyerReference>"))
        #expect(text.range(of: #"<(cbc:\w+)[^>]*>\s*</\1>"#, options: .regularExpression) == nil)
        #expect(try UBLReader().read(bytes).notes == ["Tom & Jerry <BV> \"quoted\""])
    }
}
