import EInvoice
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Platform
import Testing

@testable import PlatformPeppol

/// A document's Peppol type is worked out when it is sent (from the model) and again when a
/// retry delivers it (from the stored payload): both must say the same, or a retry would look up
/// another SMP entry than the send did.
struct PeppolDocumentTypeTests {
    @Test func theModelAndTheStoredPayloadGiveTheSameType() throws {
        var compared = 0
        for document in Corpus.cases where !document.failsSchema {
            let bytes = try Data(contentsOf: document.url)
            guard let head = try? UBLReader().readHead(XMLReader().read(bytes)) else { continue }
            let payload = String(decoding: bytes, as: UTF8.self)
            #expect(try PayloadFacts(payload).type == PeppolDocumentType(head), "\(document)")
            compared += 1
        }
        #expect(compared > 100)
        // The Invoice Response the platform writes is known by its own type.
        let response = InvoiceResponse(
            id: "R-1", issueDate: "2026-12-04", sender: "0190:00000001003214321000", senderName: "min", receiver: "0106:12345678",
            receiverName: "lev", invoiceID: "F-1", invoiceIssueDate: nil, responseCode: "AP", reason: nil
        ).xml()
        #expect(try PayloadFacts(response).type == InvoiceResponse.documentType)
    }

    /// The SBDH's Standard and Type, and the type's name in the portal, come from its root element.
    @Test func theRootElementIsReadFromTheTypeID() {
        let types = PeppolDocumentType.received
        #expect(
            types.map { "\($0.rootElement.namespace) \($0.rootElement.name)" }.sorted().first
                == "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2 ApplicationResponse")
        let creditNote = PeppolDocumentType(
            rootNamespace: UBLNamespace.creditNote, rootName: "CreditNote", customizationID: " \(Specification.siUBL20)\n", profileID: nil)
        #expect(creditNote.rootElement == (namespace: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", name: "CreditNote"))
        #expect(creditNote.name == "SI-UBL 2.0 — CreditNote")
        #expect(PeppolDocumentType(documentType: "no separators", process: "p").rootElement == (namespace: "no separators", name: "no separators"))
    }
}
