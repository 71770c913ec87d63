import EInvoice
import Foundation

/// The identifier a debtor is invoiced under, by the rules of the setup guide: a government body
/// by its OIN (FAX/OIN), an organisation by its Dossier/KvK number when the administration uses
/// debtor dossier numbers as KvK, and otherwise the dummy KvK number 99999998.
public enum DebtorIdentifier: Sendable, Equatable, CustomStringConvertible {
    case oin(String)
    case kvk(String)
    case dummy

    /// The KvK number the platform uses for an organisation without one.
    public static let dummyKvK = "99999998"

    public init(_ debtor: Debtor, useDossierAsKvK: Bool) {
        if let oin = debtor.oin?.trimmed, !oin.isEmpty {
            self = .oin(oin)
        } else if useDossierAsKvK, let kvk = debtor.kvk?.trimmed, !kvk.isEmpty {
            self = .kvk(kvk)
        } else {
            self = .dummy
        }
    }

    /// ISO 6523 ICD, also the EAS code: 0190 OIN, 0106 KvK.
    public var scheme: String {
        if case .oin = self { return "0190" }
        return "0106"
    }

    public var value: String {
        switch self {
        case .oin(let oin): oin
        case .kvk(let kvk): kvk
        case .dummy: Self.dummyKvK
        }
    }

    /// `0190:…` / `0106:…`, as `To/ReferenceId`.
    public var referenceID: String { "\(scheme):\(value)" }

    public var description: String {
        switch self {
        case .oin(let oin): "OIN \(oin)"
        case .kvk(let kvk): "KvK \(kvk)"
        case .dummy: "KvK \(Self.dummyKvK) (dummy: the debtor has no OIN or KvK number in use)"
        }
    }
}

/// A sales invoice as the SI-UBL 2.0 document it is sent as.
enum SalesInvoiceDocument {
    static func make(_ invoice: SalesInvoice, debtor: Debtor, settings: Settings) throws -> Invoice {
        let sender = settings.sender
        let supplierID = sender.kvk.map { Identifier($0, schemeID: "0106") }
        let seller = Party(
            endpointID: supplierID,
            postalAddress: Address(
                streetName: sender.street, cityName: sender.city, postalZone: sender.postcode, countryCode: sender.country),
            taxSchemes: sender.vat.map { [PartyTaxScheme(companyID: $0)] } ?? [],
            legalEntity: LegalEntity(registrationName: sender.name, companyID: supplierID),
            contact: settings.email.map { Contact(electronicMail: $0) })
        let identifier = DebtorIdentifier(debtor, useDossierAsKvK: settings.useDossierAsKvK)
        let buyerID = Identifier(identifier.value, schemeID: identifier.scheme)
        let buyer = Party(
            endpointID: buyerID,
            postalAddress: Address(
                streetName: debtor.street, cityName: debtor.city, postalZone: debtor.postcode, countryCode: debtor.country),
            taxSchemes: debtor.vat.map { [PartyTaxScheme(companyID: $0)] } ?? [],
            legalEntity: LegalEntity(registrationName: debtor.name, companyID: buyerID),
            contact: debtor.email.map { Contact(electronicMail: $0) })

        var builder = InvoiceBuilder(id: invoice.number, issueDate: invoice.issueDate, seller: seller, buyer: buyer)
        builder.header.dueDate = invoice.dueDate
        // BR-CO-25: an amount due needs a due date or payment terms.
        if invoice.dueDate == nil { builder.header.paymentTerms = [PaymentTerms(note: "Betaling binnen 30 dagen na factuurdatum")] }
        builder.header.buyerReference = invoice.reference ?? invoice.number
        if let iban = sender.iban {
            builder.header.paymentMeans = [.sepaCreditTransfer(iban: iban, paymentID: invoice.number)]
        }
        for line in invoice.lines {
            builder.addLine(
                InvoiceBuilder.Line(
                    name: line.description, quantity: line.quantity ?? .zero, unitCode: "C62",
                    netPrice: line.unitPrice ?? .zero, category: VATCategory(rawValue: line.vatCategory), rate: line.vatRate))
        }
        do {
            return try builder.build()
        } catch {
            throw BookkeepingError("books.invoice-incomplete", "the invoice cannot be written: \(error)")
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
