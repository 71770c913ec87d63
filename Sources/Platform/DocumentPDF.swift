import EInvoice
import Foundation

/// The PDF GetDocumentPdf answers with: the one the sender embedded in the document
/// (`cac:AdditionalDocumentReference/cac:Attachment`), or else the platform's rendering of it.
public struct DocumentPDF: Sendable {
    public var fileName: String
    public var contents: Data

    /// Nil when the payload is not a document the UBL reader understands.
    static func make(for document: StoredDocument, words: InvoiceWords = .dutch) -> DocumentPDF? {
        guard let invoice = try? UBLReader().read(Array(document.payload.utf8)) else { return nil }
        for supporting in invoice.supportingDocuments {
            guard let attachment = supporting.attachment, attachment.mimeCode == "application/pdf" else { continue }
            return DocumentPDF(
                fileName: FileName.safe(attachment.filename ?? "\(supporting.id.value).pdf"), contents: Data(attachment.content))
        }
        let rendered = InvoicePDF.render(invoice, footer: "Delivery ID \(document.externalID) · efactuur", words: words)
        return DocumentPDF(fileName: FileName.safe("\(invoice.id).pdf"), contents: Data(rendered))
    }
}

extension PlatformService {
    /// The PDF of a document either side of the exchange may read: the one its sender embedded,
    /// or else the platform's rendering of it in the reader's language (Dutch for the API).
    public func pdf(_ session: Session, externalID: String, words: InvoiceWords = .dutch) async throws -> DocumentPDF {
        let document: StoredDocument
        do {
            document = try await self.document(session, .inbox, externalID: externalID)
        } catch let error as PlatformError where error.code == .documentNotFound {
            document = try await self.document(session, .outbox, externalID: externalID)
        }
        guard let pdf = DocumentPDF.make(for: document, words: words) else { throw PlatformError.notRenderable(externalID) }
        return pdf
    }

    /// A page of the platform's organisations for GetParties, by Bedrijfs-ID after `after`;
    /// `next` is the page's last Bedrijfs-ID when more follow. `referenceID` (a Bedrijfs-ID or
    /// registry id) narrows it to that one organisation.
    public func searchParties(
        _ search: OrganisationSearch, referenceID: String?, after: String?, limit: Int
    ) async throws -> (organisations: [Organisation], next: String?) {
        var search = search
        if let referenceID {
            guard let organisation = try await findOrganisation(reference: referenceID) else { return ([], nil) }
            search.partyID = organisation.partyID
        }
        let rows = try await store.searchOrganisations(search, after: after, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        return (page, rows.count > limit ? page.last?.partyID : nil)
    }

    /// Any stored document, for the operator's command line (no session: whoever runs it has the
    /// database).
    public func storedDocument(externalID: String) async throws -> StoredDocument {
        guard let document = try await store.document(externalID: externalID) else {
            throw PlatformError.notFound(kind: "document", id: externalID)
        }
        return document
    }
}
