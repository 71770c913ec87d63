import EInvoice
import Foundation
import Platform

/// The PDF GetDocumentPdf answers with: the one the sender embedded in the document
/// (`cac:AdditionalDocumentReference/cac:Attachment`), or else the platform's rendering of it.
struct DocumentPDF {
    var fileName: String
    var contents: Data

    /// Nil when the payload is not a document the UBL reader understands.
    static func make(for document: StoredDocument) -> DocumentPDF? {
        guard let invoice = try? UBLReader().read(Array(document.payload.utf8)) else { return nil }
        for supporting in invoice.supportingDocuments {
            guard let attachment = supporting.attachment, attachment.mimeCode == "application/pdf" else { continue }
            return DocumentPDF(
                fileName: FileName.safe(attachment.filename ?? "\(supporting.id.value).pdf"), contents: Data(attachment.content))
        }
        let rendered = InvoicePDF.render(invoice, footer: "Delivery ID \(document.externalID) · efactuur")
        return DocumentPDF(fileName: FileName.safe("\(invoice.id).pdf"), contents: Data(rendered))
    }
}
