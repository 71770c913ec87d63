import EInvoice
import Foundation

extension Debtor {
    /// The identifier this debtor is invoiced under, by the rules of the setup guide: a government
    /// body by its OIN (FAX/OIN, 0190), an organisation by its Dossier/KvK number (0106) when the
    /// administration uses debtor dossier numbers as KvK, and otherwise the dummy KvK 99999998.
    /// It goes into EndpointID, PartyLegalEntity/CompanyID and `To/ReferenceId`.
    public func identifier(useDossierAsKvK: Bool) -> PartyIdentifier {
        if let oin = oin?.trimmed, !oin.isEmpty { return .oin(oin) }
        if useDossierAsKvK, let kvk = kvk?.trimmed, !kvk.isEmpty { return .kvk(kvk) }
        return PartyIdentifier.dummyKvK
    }
}

extension PartyIdentifier {
    /// How the identifier is shown to a bookkeeper: `OIN …`, `KvK …`, or the dummy explained.
    public var label: String {
        switch self {
        case _ where isDummy: "KvK \(value) (dummy: the debtor has no OIN, or no KvK number in use)"
        case .oin(let oin): "OIN \(oin)"
        case .kvk(let kvk): "KvK \(kvk)"
        default: participantID
        }
    }
}

/// A sales invoice as the SI-UBL 2.0 document it is sent as.
enum SalesInvoiceDocument {
    static func make(_ invoice: SalesInvoice, debtor: Debtor, settings: Settings) throws -> Invoice {
        let sender = settings.sender
        let seller = party(
            sender.name, id: sender.kvk.map { Identifier($0, schemeID: "0106") }, street: sender.street,
            postcode: sender.postcode, city: sender.city, country: sender.country, vat: sender.vat, email: settings.email)
        let buyer = party(
            debtor.name, id: debtor.identifier(useDossierAsKvK: settings.useDossierAsKvK).ublIdentifier, street: debtor.street,
            postcode: debtor.postcode, city: debtor.city, country: debtor.country, vat: debtor.vat, email: debtor.email)

        var builder = InvoiceBuilder(id: invoice.number, issueDate: invoice.issueDate, seller: seller, buyer: buyer)
        builder.header.dueDate = invoice.dueDate
        if let credited = invoice.creditedInvoice {
            builder.header.kind = .creditNote
            builder.header.typeCode = "381"
            builder.header.precedingInvoices = [PrecedingInvoiceReference(id: credited)]
        }
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
            throw BookkeepingError(.invoiceIncomplete, "the invoice cannot be written: \(error)")
        }
    }

    /// A seller or buyer: the identifier is both its electronic address and its legal registration.
    private static func party(
        _ name: String?, id: Identifier?, street: String?, postcode: String?, city: String?, country: String, vat: String?,
        email: String?
    ) -> Party {
        Party(
            endpointID: id,
            postalAddress: Address(streetName: street, cityName: city, postalZone: postcode, countryCode: country),
            taxSchemes: vat.map { [PartyTaxScheme(companyID: $0)] } ?? [],
            legalEntity: LegalEntity(registrationName: name, companyID: id),
            contact: email.map { Contact(electronicMail: $0) })
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension LocalDate {
    /// Today in the bookkeeper's time zone.
    public static var today: LocalDate {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .current, from: Date())
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public func adding(days: Int) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let parts = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: days, to: start)!)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
