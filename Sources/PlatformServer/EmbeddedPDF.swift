import EInvoice
import Foundation

/// The PDF a sender embedded in the document (`cac:AdditionalDocumentReference/cac:Attachment`).
struct EmbeddedPDF {
    var fileName: String
    var contents: Data

    static func first(in payload: String) -> EmbeddedPDF? {
        guard let invoice = try? UBLReader().read(Array(payload.utf8)) else { return nil }
        for document in invoice.supportingDocuments {
            guard let attachment = document.attachment, attachment.mimeCode == "application/pdf" else { continue }
            return EmbeddedPDF(
                fileName: attachment.filename ?? "\(document.id.value).pdf", contents: Data(attachment.content))
        }
        return nil
    }
}
