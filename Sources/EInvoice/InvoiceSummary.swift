/// What a person (or a script, as JSON) wants to know about a document at a glance.
public struct InvoiceSummary: Sendable, Codable, Equatable {
    public struct PartySummary: Sendable, Codable, Equatable {
        public var name: String?
        public var country: String?
        /// `scheme:value` of the endpoint, legal registration, VAT id and other identifiers.
        public var endpointID: String?
        public var legalID: String?
        public var vatID: String?
        public var identifiers: [String]
    }

    public struct VATLine: Sendable, Codable, Equatable {
        public var category: String
        public var rate: String?
        public var taxableAmount: String?
        public var taxAmount: String
    }

    public var type: String
    public var typeCode: String?
    public var customizationID: String?
    public var number: String
    public var issueDate: String
    public var dueDate: String?
    public var currency: String
    public var buyerReference: String?
    public var orderReference: String?
    public var seller: PartySummary
    public var buyer: PartySummary
    public var lineCount: Int
    public var lineExtensionAmount: String?
    public var taxExclusiveAmount: String?
    public var taxAmount: String?
    public var taxInclusiveAmount: String?
    public var payableAmount: String
    public var vatBreakdown: [VATLine]
    public var attachments: [String]

    public init(_ invoice: Invoice) {
        func party(_ party: Party) -> PartySummary {
            PartySummary(
                name: party.displayName, country: party.postalAddress?.countryCode,
                endpointID: party.endpointID?.description, legalID: party.legalEntity?.companyID?.description,
                vatID: party.vatIdentifier, identifiers: party.identifiers.map(\.description))
        }
        type = invoice.kind.rawValue
        typeCode = invoice.typeCode
        customizationID = invoice.customizationID
        number = invoice.id
        issueDate = invoice.issueDate.description
        dueDate = (invoice.dueDate ?? invoice.paymentMeans.lazy.compactMap(\.paymentDueDate).first)?.description
        currency = invoice.documentCurrencyCode
        buyerReference = invoice.buyerReference
        orderReference = invoice.orderReference?.id
        seller = party(invoice.seller)
        buyer = party(invoice.buyer)
        lineCount = invoice.lines.count
        lineExtensionAmount = invoice.totals.lineExtensionAmount?.value.description
        taxExclusiveAmount = invoice.totals.taxExclusiveAmount?.value.description
        taxAmount = invoice.vatTotal?.taxAmount.value.description
        taxInclusiveAmount = invoice.totals.taxInclusiveAmount?.value.description
        payableAmount = invoice.totals.payableAmount.value.description
        vatBreakdown = (invoice.vatTotal?.subtotals ?? []).map {
            VATLine(
                category: $0.category.id, rate: $0.category.percent?.description,
                taxableAmount: $0.taxableAmount?.value.description, taxAmount: $0.taxAmount.value.description)
        }
        attachments = invoice.supportingDocuments.compactMap { document in
            document.attachment.map { "\($0.filename ?? document.id.value) (\($0.mimeCode ?? "?"), \($0.content.count) bytes)" }
        }
    }

    /// A few lines of text for a terminal.
    public var text: String {
        func party(_ role: String, _ party: PartySummary) -> String {
            var ids: [String] = []
            if let endpoint = party.endpointID { ids.append("endpoint \(endpoint)") }
            if let legal = party.legalID { ids.append("legal \(legal)") }
            if let vat = party.vatID { ids.append("VAT \(vat)") }
            ids += party.identifiers.map { "id \($0)" }
            let country = party.country.map { " [\($0)]" } ?? ""
            return "\(role): \(party.name ?? "(no name)")\(country)" + (ids.isEmpty ? "" : " — " + ids.joined(separator: ", "))
        }
        var lines = [
            "\(type) \(number) (type \(typeCode ?? "-")), issued \(issueDate)" + (dueDate.map { ", due \($0)" } ?? ""),
            "specification: \(customizationID ?? "(none)")",
            party("seller", seller),
            party("buyer ", buyer),
        ]
        if let buyerReference { lines.append("buyer reference: \(buyerReference)") }
        if let orderReference { lines.append("order reference: \(orderReference)") }
        lines.append("lines: \(lineCount)")
        lines.append(
            "totals (\(currency)): net \(lineExtensionAmount ?? "-"), excl. VAT \(taxExclusiveAmount ?? "-"), "
                + "VAT \(taxAmount ?? "-"), incl. VAT \(taxInclusiveAmount ?? "-"), payable \(payableAmount)")
        for vat in vatBreakdown {
            lines.append(
                "  VAT \(vat.category) \(vat.rate.map { "\($0)%" } ?? "(no rate)"): taxable \(vat.taxableAmount ?? "-"), VAT \(vat.taxAmount)")
        }
        for attachment in attachments { lines.append("attachment: \(attachment)") }
        return lines.joined(separator: "\n")
    }
}
