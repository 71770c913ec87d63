import Foundation

/// Writes an ``Invoice`` as a UBL 2.1 `Invoice` or `CreditNote` document.
///
/// Elements come in the order the UBL 2.1 schema prescribes, with `cbc:`/`cac:` prefixes, and an
/// element is written only when it has content (except those the schema requires). The same model
/// always gives the same bytes. Which specification the document claims is the model's
/// `customizationID` (``Specification/siUBL20`` for SI-UBL 2.0, ``Specification/peppolBIS3`` for
/// Peppol BIS 3).
public struct UBLWriter: Sendable {
    public init() {}

    public func write(_ invoice: Invoice) -> [UInt8] {
        var writer = DocumentEncoder(invoice: invoice, output: XMLOutput(capacity: 4096 + invoice.lines.count * 900))
        writer.document()
        return writer.output.bytes
    }

    public func writeString(_ invoice: Invoice) -> String {
        String(decoding: write(invoice), as: UTF8.self)
    }
}

private struct DocumentEncoder {
    let invoice: Invoice
    var output: XMLOutput

    var isInvoice: Bool { invoice.kind == .invoice }

    mutating func document() {
        let root: StaticString = isInvoice ? "Invoice" : "CreditNote"
        output.open(
            root,
            attributes: [
                ("xmlns", UBLNamespace.root(of: invoice.kind)), ("xmlns:cac", UBLNamespace.cac),
                ("xmlns:cbc", UBLNamespace.cbc),
            ])
        text("cbc:CustomizationID", invoice.customizationID)
        text("cbc:ProfileID", invoice.profileID)
        output.leaf("cbc:ID", invoice.id)
        date("cbc:IssueDate", invoice.issueDate)
        if isInvoice {
            date("cbc:DueDate", invoice.dueDate)
            text("cbc:InvoiceTypeCode", invoice.typeCode)
        } else {
            date("cbc:TaxPointDate", invoice.taxPointDate)
            text("cbc:CreditNoteTypeCode", invoice.typeCode)
        }
        for note in invoice.notes { text("cbc:Note", note) }
        if isInvoice { date("cbc:TaxPointDate", invoice.taxPointDate) }
        text("cbc:DocumentCurrencyCode", invoice.documentCurrencyCode)
        text("cbc:TaxCurrencyCode", invoice.taxCurrencyCode)
        text("cbc:AccountingCost", invoice.accountingCost)
        text("cbc:BuyerReference", invoice.buyerReference)
        period("cac:InvoicePeriod", invoice.invoicePeriod)
        if let order = invoice.orderReference {
            output.open("cac:OrderReference")
            output.leaf("cbc:ID", order.id)
            text("cbc:SalesOrderID", order.salesOrderID)
            output.close("cac:OrderReference")
        }
        for preceding in invoice.precedingInvoices {
            output.open("cac:BillingReference")
            output.open("cac:InvoiceDocumentReference")
            output.leaf("cbc:ID", preceding.id)
            date("cbc:IssueDate", preceding.issueDate)
            output.close("cac:InvoiceDocumentReference")
            output.close("cac:BillingReference")
        }
        reference("cac:DespatchDocumentReference", invoice.despatchAdviceReference)
        reference("cac:ReceiptDocumentReference", invoice.receivingAdviceReference)
        if isInvoice { reference("cac:OriginatorDocumentReference", invoice.originatorDocumentReference) }
        reference("cac:ContractDocumentReference", invoice.contractReference)
        for document in invoice.supportingDocuments { supportingDocument(document) }
        if isInvoice {
            reference("cac:ProjectReference", invoice.projectReference)
        } else {
            reference("cac:OriginatorDocumentReference", invoice.originatorDocumentReference)
        }
        output.open("cac:AccountingSupplierParty")
        party("cac:Party", invoice.seller)
        output.close("cac:AccountingSupplierParty")
        output.open("cac:AccountingCustomerParty")
        party("cac:Party", invoice.buyer)
        output.close("cac:AccountingCustomerParty")
        if let payee = invoice.payee { party("cac:PayeeParty", payee) }
        if let representative = invoice.taxRepresentative { party("cac:TaxRepresentativeParty", representative) }
        if let delivery = invoice.delivery { self.delivery(delivery) }
        for means in invoice.paymentMeans { paymentMeans(means) }
        for terms in invoice.paymentTerms { paymentTerms(terms) }
        for allowanceCharge in invoice.allowanceCharges { self.allowanceCharge(allowanceCharge) }
        for total in invoice.taxTotals { taxTotal(total) }
        totals(invoice.totals)
        for line in invoice.lines { self.line(line) }
        output.close(isInvoice ? "Invoice" : "CreditNote")
    }

    // MARK: Leaves

    mutating func text(_ name: StaticString, _ value: String?) {
        if let value, !value.isEmpty { output.leaf(name, value) }
    }

    mutating func date(_ name: StaticString, _ value: LocalDate?) {
        if let value { output.leaf(name, value.description) }
    }

    mutating func amount(_ name: StaticString, _ value: Amount?) {
        if let value { output.leaf(name, value.value, ("currencyID", value.currencyID.isEmpty ? nil : value.currencyID)) }
    }

    mutating func quantity(_ name: StaticString, _ value: Quantity?) {
        if let value { output.leaf(name, value.value, ("unitCode", value.unitCode)) }
    }

    mutating func identifier(_ name: StaticString, _ value: Identifier?) {
        if let value, !value.value.isEmpty { output.leaf(name, value.value, ("schemeID", value.schemeID)) }
    }

    /// An aggregate holding only `cbc:ID` (document references).
    mutating func reference(_ name: StaticString, _ id: String?) {
        guard let id, !id.isEmpty else { return }
        output.open(name)
        output.leaf("cbc:ID", id)
        output.close(name)
    }

    // MARK: Aggregates

    mutating func period(_ name: StaticString, _ period: Period?) {
        guard let period, period.startDate != nil || period.endDate != nil || period.descriptionCode != nil else {
            return
        }
        output.open(name)
        date("cbc:StartDate", period.startDate)
        date("cbc:EndDate", period.endDate)
        text("cbc:DescriptionCode", period.descriptionCode)
        output.close(name)
    }

    mutating func supportingDocument(_ document: SupportingDocument) {
        output.open("cac:AdditionalDocumentReference")
        output.leaf("cbc:ID", document.id.value, ("schemeID", document.id.schemeID))
        text("cbc:DocumentTypeCode", document.documentTypeCode)
        text("cbc:DocumentDescription", document.description)
        if document.attachment != nil || document.externalURI != nil {
            output.open("cac:Attachment")
            if let attachment = document.attachment {
                output.leaf(
                    "cbc:EmbeddedDocumentBinaryObject", Data(attachment.content).base64EncodedString(),
                    ("mimeCode", attachment.mimeCode), ("filename", attachment.filename))
            }
            if let uri = document.externalURI {
                output.open("cac:ExternalReference")
                output.leaf("cbc:URI", uri)
                output.close("cac:ExternalReference")
            }
            output.close("cac:Attachment")
        }
        output.close("cac:AdditionalDocumentReference")
    }

    mutating func party(_ name: StaticString, _ party: Party) {
        output.open(name)
        identifier("cbc:EndpointID", party.endpointID)
        for id in party.identifiers where !id.value.isEmpty {
            output.open("cac:PartyIdentification")
            identifier("cbc:ID", id)
            output.close("cac:PartyIdentification")
        }
        if let partyName = party.name, !partyName.isEmpty {
            output.open("cac:PartyName")
            output.leaf("cbc:Name", partyName)
            output.close("cac:PartyName")
        }
        if let address = party.postalAddress { self.address("cac:PostalAddress", address) }
        for scheme in party.taxSchemes {
            output.open("cac:PartyTaxScheme")
            text("cbc:CompanyID", scheme.companyID)
            output.open("cac:TaxScheme")
            text("cbc:ID", scheme.taxSchemeID)
            output.close("cac:TaxScheme")
            output.close("cac:PartyTaxScheme")
        }
        if let legal = party.legalEntity,
            legal.registrationName != nil || legal.companyID != nil || legal.companyLegalForm != nil
        {
            output.open("cac:PartyLegalEntity")
            text("cbc:RegistrationName", legal.registrationName)
            identifier("cbc:CompanyID", legal.companyID)
            text("cbc:CompanyLegalForm", legal.companyLegalForm)
            output.close("cac:PartyLegalEntity")
        }
        if let contact = party.contact, contact.name != nil || contact.telephone != nil || contact.electronicMail != nil {
            output.open("cac:Contact")
            text("cbc:Name", contact.name)
            text("cbc:Telephone", contact.telephone)
            text("cbc:ElectronicMail", contact.electronicMail)
            output.close("cac:Contact")
        }
        output.close(name)
    }

    mutating func address(_ name: StaticString, _ address: Address) {
        output.open(name)
        text("cbc:StreetName", address.streetName)
        text("cbc:AdditionalStreetName", address.additionalStreetName)
        text("cbc:CityName", address.cityName)
        text("cbc:PostalZone", address.postalZone)
        text("cbc:CountrySubentity", address.countrySubentity)
        if let line = address.addressLine, !line.isEmpty {
            output.open("cac:AddressLine")
            output.leaf("cbc:Line", line)
            output.close("cac:AddressLine")
        }
        if let country = address.countryCode, !country.isEmpty {
            output.open("cac:Country")
            output.leaf("cbc:IdentificationCode", country)
            output.close("cac:Country")
        }
        output.close(name)
    }

    mutating func delivery(_ delivery: Delivery) {
        output.open("cac:Delivery")
        date("cbc:ActualDeliveryDate", delivery.actualDeliveryDate)
        if delivery.locationID != nil || delivery.address != nil {
            output.open("cac:DeliveryLocation")
            identifier("cbc:ID", delivery.locationID)
            if let address = delivery.address { self.address("cac:Address", address) }
            output.close("cac:DeliveryLocation")
        }
        if let name = delivery.partyName, !name.isEmpty {
            output.open("cac:DeliveryParty")
            output.open("cac:PartyName")
            output.leaf("cbc:Name", name)
            output.close("cac:PartyName")
            output.close("cac:DeliveryParty")
        }
        output.close("cac:Delivery")
    }

    mutating func paymentMeans(_ means: PaymentMeans) {
        output.open("cac:PaymentMeans")
        text("cbc:ID", means.id)
        output.leaf("cbc:PaymentMeansCode", means.code, ("name", means.codeName))
        date("cbc:PaymentDueDate", means.paymentDueDate)
        text("cbc:PaymentID", means.paymentID)
        if let card = means.card {
            output.open("cac:CardAccount")
            output.leaf("cbc:PrimaryAccountNumberID", card.primaryAccountNumber)
            output.leaf("cbc:NetworkID", card.networkID)
            text("cbc:HolderName", card.holderName)
            output.close("cac:CardAccount")
        }
        if let account = means.payeeFinancialAccount {
            output.open("cac:PayeeFinancialAccount")
            text("cbc:ID", account.id)
            text("cbc:Name", account.name)
            if let branch = account.branchID, !branch.isEmpty {
                output.open("cac:FinancialInstitutionBranch")
                output.leaf("cbc:ID", branch)
                output.close("cac:FinancialInstitutionBranch")
            }
            output.close("cac:PayeeFinancialAccount")
        }
        if let mandate = means.mandate {
            output.open("cac:PaymentMandate")
            text("cbc:ID", mandate.id)
            if let payer = mandate.payerAccountID, !payer.isEmpty {
                output.open("cac:PayerFinancialAccount")
                output.leaf("cbc:ID", payer)
                output.close("cac:PayerFinancialAccount")
            }
            output.close("cac:PaymentMandate")
        }
        output.close("cac:PaymentMeans")
    }

    mutating func paymentTerms(_ terms: PaymentTerms) {
        output.open("cac:PaymentTerms")
        for id in terms.paymentMeansIDs { text("cbc:PaymentMeansID", id) }
        text("cbc:Note", terms.note)
        amount("cbc:Amount", terms.amount)
        output.close("cac:PaymentTerms")
    }

    mutating func allowanceCharge(_ allowanceCharge: AllowanceCharge) {
        output.open("cac:AllowanceCharge")
        output.leaf("cbc:ChargeIndicator", allowanceCharge.isCharge ? "true" : "false")
        text("cbc:AllowanceChargeReasonCode", allowanceCharge.reasonCode)
        text("cbc:AllowanceChargeReason", allowanceCharge.reason)
        if let factor = allowanceCharge.multiplierFactor { output.leaf("cbc:MultiplierFactorNumeric", factor) }
        amount("cbc:Amount", allowanceCharge.amount)
        amount("cbc:BaseAmount", allowanceCharge.baseAmount)
        if let category = allowanceCharge.taxCategory { taxCategory("cac:TaxCategory", category) }
        output.close("cac:AllowanceCharge")
    }

    mutating func taxCategory(_ name: StaticString, _ category: TaxCategory) {
        output.open(name)
        text("cbc:ID", category.id)
        if let percent = category.percent { output.leaf("cbc:Percent", percent) }
        text("cbc:TaxExemptionReasonCode", category.exemptionReasonCode)
        text("cbc:TaxExemptionReason", category.exemptionReason)
        output.open("cac:TaxScheme")
        text("cbc:ID", category.taxSchemeID)
        output.close("cac:TaxScheme")
        output.close(name)
    }

    mutating func taxTotal(_ total: TaxTotal) {
        output.open("cac:TaxTotal")
        amount("cbc:TaxAmount", total.taxAmount)
        for subtotal in total.subtotals {
            output.open("cac:TaxSubtotal")
            amount("cbc:TaxableAmount", subtotal.taxableAmount)
            amount("cbc:TaxAmount", subtotal.taxAmount)
            taxCategory("cac:TaxCategory", subtotal.category)
            output.close("cac:TaxSubtotal")
        }
        output.close("cac:TaxTotal")
    }

    mutating func totals(_ totals: DocumentTotals) {
        output.open("cac:LegalMonetaryTotal")
        amount("cbc:LineExtensionAmount", totals.lineExtensionAmount)
        amount("cbc:TaxExclusiveAmount", totals.taxExclusiveAmount)
        amount("cbc:TaxInclusiveAmount", totals.taxInclusiveAmount)
        amount("cbc:AllowanceTotalAmount", totals.allowanceTotalAmount)
        amount("cbc:ChargeTotalAmount", totals.chargeTotalAmount)
        amount("cbc:PrepaidAmount", totals.prepaidAmount)
        amount("cbc:PayableRoundingAmount", totals.payableRoundingAmount)
        amount("cbc:PayableAmount", totals.payableAmount)
        output.close("cac:LegalMonetaryTotal")
    }

    mutating func line(_ line: InvoiceLine) {
        let element: StaticString = isInvoice ? "cac:InvoiceLine" : "cac:CreditNoteLine"
        output.open(element)
        output.leaf("cbc:ID", line.id)
        text("cbc:Note", line.note)
        quantity(isInvoice ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity", line.quantity)
        amount("cbc:LineExtensionAmount", line.lineExtensionAmount)
        text("cbc:AccountingCost", line.accountingCost)
        period("cac:InvoicePeriod", line.invoicePeriod)
        if let orderLine = line.orderLineReference, !orderLine.isEmpty {
            output.open("cac:OrderLineReference")
            output.leaf("cbc:LineID", orderLine)
            output.close("cac:OrderLineReference")
        }
        if let object = line.objectIdentifier, !object.value.isEmpty {
            output.open("cac:DocumentReference")
            identifier("cbc:ID", object)
            output.leaf("cbc:DocumentTypeCode", "130")
            output.close("cac:DocumentReference")
        }
        for allowanceCharge in line.allowanceCharges { self.allowanceCharge(allowanceCharge) }
        item(line.item)
        if let price = line.price {
            output.open("cac:Price")
            amount("cbc:PriceAmount", price.priceAmount)
            quantity("cbc:BaseQuantity", price.baseQuantity)
            if let discount = price.allowanceCharge { allowanceCharge(discount) }
            output.close("cac:Price")
        }
        output.close(element)
    }

    mutating func item(_ item: Item) {
        output.open("cac:Item")
        text("cbc:Description", item.description)
        text("cbc:Name", item.name)
        itemIdentification("cac:BuyersItemIdentification", item.buyersItemID.map { Identifier($0) })
        itemIdentification("cac:SellersItemIdentification", item.sellersItemID.map { Identifier($0) })
        itemIdentification("cac:StandardItemIdentification", item.standardItemID)
        if let origin = item.originCountry, !origin.isEmpty {
            output.open("cac:OriginCountry")
            output.leaf("cbc:IdentificationCode", origin)
            output.close("cac:OriginCountry")
        }
        for classification in item.classifications {
            output.open("cac:CommodityClassification")
            output.leaf(
                "cbc:ItemClassificationCode", classification.code, ("listID", classification.listID),
                ("listVersionID", classification.listVersionID))
            output.close("cac:CommodityClassification")
        }
        if let category = item.taxCategory { taxCategory("cac:ClassifiedTaxCategory", category) }
        for property in item.properties {
            output.open("cac:AdditionalItemProperty")
            output.leaf("cbc:Name", property.name)
            text("cbc:Value", property.value)
            output.close("cac:AdditionalItemProperty")
        }
        output.close("cac:Item")
    }

    mutating func itemIdentification(_ name: StaticString, _ id: Identifier?) {
        guard let id, !id.value.isEmpty else { return }
        output.open(name)
        identifier("cbc:ID", id)
        output.close(name)
    }
}
